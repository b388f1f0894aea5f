"""Reads of the core domain: search, customer and case lists."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from hotline.errors import NotFound
from hotline.models import Case, Customer, CustomerPhone, Handset
from hotline.validators import normalise_imei, normalise_phone

# The expression of the name search's index (its trigrams, and its bigrams for words of two
# letters: migrations 0008 and 0013), column for column.
NAMES_EXPRESSION = ('UPPER("hotline_customer"."last_name" || \' \' || '
                    '"hotline_customer"."first_name" || \' \' || "hotline_customer"."email")')
CASE_NUMBER = re.compile(r"^[A-Z]{1,5}-\d{4}-\d{1,6}$", re.I)
# The search page shows one page of each kind of result.
PAGE_SIZE = 50
# The search page sorts at most this many customers found by name; beyond, it says "more
# than" this many and shows a page of the first found (search_page).
NAME_CANDIDATES = 200


def search_page(*, query: str, region: str | None = None, size: int = PAGE_SIZE,
                cap: int = NAME_CANDIDATES, page: int = 1) -> dict:
    """What the console's search page (page 1) or the staff API shows for what was typed.

    At most `size` cases, handsets and customers (each with `page_phones`, read in one
    statement for the page), and how many customers match: `count` when it is known exactly,
    else `more_than` (a common name: counting or sorting every match would read each of
    them, several thousand rows); `has_next` when a further page can be served.

    A name search finds its candidates (`_name_candidates`: at most `cap` + 1 customers, in
    one bounded statement that also sorts them by name and returns the page). Up to `cap`
    matches, the page is exactly the `page`-th `size` customers by name, as
    `search(...)["customers"]` orders them; beyond, page 1 is the first `size` by name of
    the `cap` + 1 found first, `more_than` = `cap`, and no further page exists (the
    candidates are not the first by name, nor the same from one statement to the next). A
    phone number's customers are read a page at a time in name order (its index: a handful
    of rows), `size` + 1 to know whether more follow; an IMEI's (at most 10 handsets) and a
    case's are one page.

    Raises NotFound (field "page") for a page that does not exist or cannot be served.
    """
    result = search(query=query, region=region)
    offset = (page - 1) * size
    answer = {"kind": result["kind"], "customers": [], "count": 0, "more_than": None,
              "handsets": [], "cases": [], "has_next": False}
    if result["kind"] == "case":
        answer["cases"] = list(result["cases"][:size])
        return _page_exists(answer, page)
    if result["kind"] == "imei":
        handsets = list(result["handsets"][:size])  # already read by search()
        customers = sorted({h.owner.pk: h.owner for h in handsets if h.owner}.values(),
                           key=_by_name_order)
        answer["handsets"] = handsets
        answer["count"] = len(customers)
        customers = customers[offset:offset + size]
        answer["has_next"] = offset + size < answer["count"]
    elif result["kind"] == "phone":
        customers = list(result["customers"].prefetch_related(None)[offset:offset + size + 1])
        if len(customers) > size:
            answer["more_than"], answer["has_next"] = offset + size, True
        else:
            answer["count"] = offset + len(customers)
    elif result["kind"] == "none":  # fewer than 2 characters
        customers = []
    else:
        # Only the page's customers come back (sorted among the candidates by the database):
        # 201 rows read into Python cost ~0.7 ms more than 50 (their timestamps, their sort).
        found, customers = _name_candidates(result["customers"], cap + 1, text=query,
                                            offset=offset, size=size)
        if found > cap:
            answer["more_than"] = cap
            if page > 1:
                raise NotFound(_("More than %(cap)d customers match: only the first page can "
                                 "be shown. Type the first name too, or more of the name, to "
                                 "narrow the search.") % {"cap": cap},
                               field="page", code="too_many_matches")
        else:
            answer["count"] = found
            answer["has_next"] = offset + size < found
    answer["customers"] = _with_phones(customers[:size])
    return _page_exists(answer, page)


def _page_exists(answer: dict, page: int) -> dict:
    """Return the answer, or refuse a page after the last (page 1 always exists)."""
    if page > 1 and not answer["customers"] and not answer["cases"]:
        raise NotFound(_("There is no page %(page)d of this search.") % {"page": page},
                       field="page", code="no_such_page")
    return answer


_CUSTOMER_COLUMNS = [field.attname for field in Customer._meta.concrete_fields]
_COLUMNS = ", ".join(connection.ops.quote_name(field.column)
                     for field in Customer._meta.concrete_fields)


def _by_name_order(customer: Customer) -> tuple:
    return (customer.last_name, customer.first_name, customer.pk)


def _with_phones(customers: list[Customer]) -> list[Customer]:
    """Set `page_phones` on each customer, from one statement (a prefetch builds a queryset
    per customer: 5 ms for a page of 50 on a loaded machine)."""
    phones: dict[int, list] = {c.pk: [] for c in customers}
    if customers:
        for phone in CustomerPhone.objects.filter(customer_id__in=phones).order_by("id"):
            phones[phone.customer_id].append(phone)
    for customer in customers:
        customer.page_phones = phones[customer.pk]
    return customers


def _name_candidates(customers: QuerySet[Customer], limit: int, text: str = "",
                     offset: int = 0, size: int = PAGE_SIZE) -> tuple[int, list[Customer]]:
    """How many customers of a name search one bounded statement finds (at most `limit`, in
    no order), and those of them at `offset`, `size` of them, by name (last, first, id).
    `customers` is the search's queryset for `text` (`search(...)["customers"]`, kind "name").

    The candidates are read in no order and limited; the database numbers them by name and
    returns the page's rows only, each with the number found (the row numbered 1 is always
    returned, so that the number is known for a page past the last).

    Unordered and limited, the statement has two plans on PostgreSQL: the trigram index (a
    rare word: its few matches) or the table read until `limit` rows match (a frequent word
    such as "mar", in one customer in twelve: a few thousand rows, where the index would
    first gather its 80,000 entries). For one word the planner chooses well from its
    statistics on the index's expression, kept at 1,000 histogram buckets (migration 0010:
    with the default 100, one bucket was 1 % of the table, and a rare part of a name could be
    taken for a frequent one and the whole table read). For several words it multiplies
    their frequencies as if independent, and "Li Camille" (0.01 %) looked like one customer
    in fifty: the scan read the whole table (280 ms at 1 M customers). So for several words
    the scans are turned off for this statement (`SET LOCAL`, in its own transaction, or
    reset after it inside the caller's): the index intersects the words' entries, whatever
    their frequencies.
    (Ordered by name instead, the statement walked the name index for a rare word, 48,029
    rows for 50 matches at 1 M customers, or sorted every match of a frequent one.)
    """
    words = text.split()
    # The candidates' statement as the ORM writes it, and its converters (SQLite's
    # timestamps are text), for a plain cursor: a raw queryset cost up to 0.15 ms more.
    compiler = (customers.order_by().values_list(*_CUSTOMER_COLUMNS)[:limit].query
                .get_compiler(connection.alias))
    inner, params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    statement = (f"SELECT * FROM (SELECT {_COLUMNS}, COUNT(*) OVER (), ROW_NUMBER() OVER "
                 f"(ORDER BY last_name, first_name, id) AS number FROM ({inner}) AS candidates) "
                 f"AS page WHERE number = 1 OR (number > %s AND number <= %s) ORDER BY number")
    params = [*params, offset, offset + size]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or len(words) < 2:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        else:
            outer = connection.in_atomic_block
            with transaction.atomic(savepoint=False):
                cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
                try:
                    cursor.execute(statement, params)
                    rows = cursor.fetchall()
                finally:
                    if outer:  # the caller's transaction goes on: give it its plans back
                        cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
    found = rows[0][-2] if rows else 0
    page = [row[:-2] for row in rows if row[-1] > offset]
    if converters:
        page = compiler.apply_converters(page, converters)
    return found, [Customer.from_db(connection.alias, _CUSTOMER_COLUMNS, row) for row in page]


def search(*, query: str, region: str | None = None) -> dict:
    """Find customers, handsets and cases for what an operator typed.

    Recognises a case number, an IMEI (or its first digits), a phone number in any common
    format, and otherwise searches names and e-mail.
    """
    text = (query or "").strip()
    result = {"kind": "none", "customers": Customer.objects.none(),
              "handsets": Handset.objects.none(), "cases": Case.objects.none()}
    if len(text) < 2:
        return result
    if CASE_NUMBER.match(text):
        prefix, year, number = text.upper().split("-")
        result["cases"] = case_list().filter(number=f"{prefix}-{year}-{int(number):06d}")
        result["kind"] = "case"
        return result
    digits = normalise_imei(text)
    if digits.isdigit() and len(digits) in (14, 15) and not text.startswith(("+", "00")):
        # The 10 IMEIs these 14 digits can be (any check digit): exact look-ups in the
        # unique index on both databases, where SQLite cannot use it for a LIKE prefix.
        candidates = [f"{digits[:14]}{check}" for check in range(10)]
        handsets = Handset.objects.filter(imei__in=candidates).select_related(
            "model", "owner")
        if handsets:  # read once (at most 10 rows) and kept for the caller
            result["handsets"] = handsets
            result["customers"] = customer_list().filter(handsets__in=handsets).distinct()
            result["kind"] = "imei"
            return result
    if re.fullmatch(r"[\d\s().+\-/]{6,}", text):
        try:
            e164 = normalise_phone(text, region)
        except ValidationError:
            e164 = None
        if e164:
            result["customers"] = customers_by_phone(e164)
            result["kind"] = "phone"
            return result
    result["customers"] = _by_name(customer_list(), text)
    result["kind"] = "name"
    return result


def _by_name(customers: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """Keep the customers whom this text names, through an index on both databases.

    - One whole e-mail address: the customers with that address (any case), through the
      index on UPPER(email); its common trigrams (the domain's: every customer's) would make
      the trigram index read most of its entries.
    - Only words of one or two letters ("Li", "Wu", "Li Na"): trigrams cannot serve them, so
      each word is a whole first or last name (any case), through the indexes on
      UPPER(last_name) and UPPER(first_name) (migration 0009); "part of" two letters would
      match most of the customers.
    - Otherwise every word is in the last name, the first name or the e-mail, in any case
      (`icontains`). On PostgreSQL, each word is one LIKE over the three columns joined by
      spaces, the expression of the trigram index of migration 0008 (a word has no space, so
      it is in the joined text exactly when it is in one column); a word of two letters,
      which has no trigram, as its bigram in the same index's second column (migration 0013)
      and `strpos` in the joined text: beside "Camille", "Li" no longer reads the 20,000
      Camilles' rows. Elsewhere, `icontains` on each column after SQLite's trigram table has
      narrowed the rows.
    """
    words = text.split()
    if len(words) == 1 and "@" in text and _is_email(text):
        return customers.filter(Exact(Upper("email"), Upper(Value(text))))
    if all(len(word) < 3 for word in words):
        for word in words:
            customers = customers.filter(Q(Exact(Upper("last_name"), Upper(Value(word))))
                                         | Q(Exact(Upper("first_name"), Upper(Value(word)))))
        return customers
    if connection.vendor == "postgresql":
        for word in words:
            if len(word) == 2 and "\x01" not in word:
                # No trigram: the word's one bigram, through the index's second column
                # (migration 0013), then the word itself in the row (strpos: LIKE without
                # the wildcards to escape).
                customers = customers.filter(RawSQL(
                    f"hotline_bigrams({NAMES_EXPRESSION}) @> ARRAY[substr(UPPER(%s), 1, 2)] "
                    f"AND strpos({NAMES_EXPRESSION}, UPPER(%s)) > 0", [word, word],
                    output_field=BooleanField()))
                continue
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"
            customers = customers.filter(RawSQL(
                f"{NAMES_EXPRESSION} LIKE UPPER(%s)", [pattern], output_field=BooleanField()))
        return customers
    name_filter = Q()
    for word in words:
        name_filter &= (Q(last_name__icontains=word) | Q(first_name__icontains=word)
                        | Q(email__icontains=word))
    return _with_name_index(customers, words).filter(name_filter)


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _with_name_index(customers: QuerySet[Customer], words: list[str]) -> QuerySet[Customer]:
    """Narrow to the rows SQLite's trigram table finds for these words (migration 0006).

    `icontains` cannot use a B-tree index; PostgreSQL answers it from its pg_trgm indexes,
    SQLite from an FTS5 trigram table, which finds a superset of the matches (it folds case
    beyond ASCII), so the caller's `icontains` filter still decides. Trigrams need three
    characters: shorter words are left to that filter alone.
    """
    phrases = ['"' + word.replace('"', '""') + '"' for word in words if len(word) >= 3]
    if connection.vendor != "sqlite" or not phrases:
        return customers
    return customers.filter(pk__in=RawSQL(
        "SELECT rowid FROM hotline_customer_search WHERE hotline_customer_search MATCH %s",
        [" AND ".join(phrases)]))


def customers_by_phone(e164: str) -> QuerySet[Customer]:
    """Return the customers who have this number (there may be several)."""
    return customer_list().filter(phones__number=e164).distinct()


def customer_list() -> QuerySet[Customer]:
    return Customer.objects.prefetch_related("phones").order_by("last_name", "first_name", "id")


def case_list(*, filters: dict | None = None) -> QuerySet[Case]:
    qs = Case.objects.select_related("customer", "handset__model", "distributor")
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("customer"):
        qs = qs.filter(customer=filters["customer"])
    if filters.get("distributor"):
        qs = qs.visible_to_distributor(filters["distributor"])
    return qs.order_by("-created_at", "-id")
