"""Reads of the core domain: search, customer and case lists."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from hotline.models import Case, Customer, Handset
from hotline.validators import normalise_imei, normalise_phone

# The expression of the name search's trigram index (migration 0008), column for column.
NAMES_EXPRESSION = ('UPPER("hotline_customer"."last_name" || \' \' || '
                    '"hotline_customer"."first_name" || \' \' || "hotline_customer"."email")')
CASE_NUMBER = re.compile(r"^[A-Z]{1,5}-\d{4}-\d{1,6}$", re.I)
# The search page shows one page of each kind of result, never a count of every match.
PAGE_SIZE = 50


def search_page(*, query: str, region: str | None = None, size: int = PAGE_SIZE) -> dict:
    """One page of what `search` finds, as the console shows it: at most `size` cases,
    customers and handsets, and `more` (customers) when there are more than `size` customers
    (read as `size + 1` rows: a count of every match of a common name would read them all).
    """
    result = search(query=query, region=region)
    customers = list(result["customers"][:size + 1])
    return {"kind": result["kind"], "customers": customers[:size],
            "more": len(customers) > size,
            "handsets": list(result["handsets"][:size]), "cases": list(result["cases"][:size])}


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
        if handsets.exists():
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
    words = text.split()
    result["customers"] = _by_name(customer_list(), words)
    result["kind"] = "name"
    return result


def _by_name(customers: QuerySet[Customer], words: list[str]) -> QuerySet[Customer]:
    """Keep the customers with every word in their last name, first name or e-mail, in any
    case (`icontains`). On PostgreSQL, each word is one LIKE over the three columns joined by
    spaces, the expression of the trigram index of migration 0008 (a word has no space, so
    it is in the joined text exactly when it is in one column); elsewhere, `icontains` on
    each column after SQLite's trigram table has narrowed the rows."""
    if connection.vendor == "postgresql":
        for word in words:
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"
            customers = customers.filter(RawSQL(
                f"{NAMES_EXPRESSION} LIKE UPPER(%s)", [pattern], output_field=BooleanField()))
        return customers
    name_filter = Q()
    for word in words:
        name_filter &= (Q(last_name__icontains=word) | Q(first_name__icontains=word)
                        | Q(email__icontains=word))
    return _with_name_index(customers, words).filter(name_filter)


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
