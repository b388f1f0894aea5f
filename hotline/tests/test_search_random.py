"""The search finds exactly the customers a plain Python filter finds, on random data, and the
staff API (`/api/v1/customers/?q=`) answers what the console's page shows.

`check_search_against_python` and `check_api_against_console` are run here on SQLite and by
the integration suite on PostgreSQL (tests/integration/test_search_postgres.py), where the
name search takes other paths (the trigram index's LIKE over the joined columns, the planner's bounded plans).
"""

import random

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection

from hotline.models import Customer
from hotline.selectors import NAME_CANDIDATES, PAGE_SIZE, search, search_page

# Letters that make names overlap (so parts of names match several customers), some accents,
# LIKE's wildcards and its escape character.
LETTERS = "aeioulmnrst" * 4 + "éèçb" + "-'%_\\"
FIRSTS = ["Camille", "Léa", "Li", "Wu", "Anna", "Noé", "Jean-Marc", "Ng", "Émile"]
SHORT_LAST = ["Li", "Wu", "Le", "Ma", "Ng", "Ô"]


def _fold(text: str) -> str:
    """The case folding of the database's comparisons: SQLite's UPPER and LIKE fold ASCII
    letters only; PostgreSQL's, every letter."""
    if connection.vendor == "sqlite":
        return "".join(ch.upper() if ch.isascii() else ch for ch in text)
    return text.upper()


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def python_search(customers: list[Customer], text: str) -> list[Customer]:
    """The search's rules, plainly (hotline.selectors._by_name), ordered by name and id."""
    words = text.split()
    if len(words) == 1 and "@" in text and _is_email(text):
        found = [c for c in customers if _fold(c.email) == _fold(text)]
    elif all(len(word) < 3 for word in words):
        found = [c for c in customers
                 if all(_fold(w) in (_fold(c.last_name), _fold(c.first_name)) for w in words)]
    else:
        found = [c for c in customers
                 if all(_fold(w) in _fold(c.last_name) or _fold(w) in _fold(c.first_name)
                        or _fold(w) in _fold(c.email) for w in words)]
    return sorted(found, key=lambda c: (c.last_name, c.first_name, c.pk))


def _random_customers(rng: random.Random, count: int) -> list[Customer]:
    rows = []
    for n in range(count):
        if rng.random() < 0.1:
            last = rng.choice(SHORT_LAST)
        else:
            last = "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 9))).capitalize()
        first = rng.choice(FIRSTS)
        email = rng.choice(["", f"{first[:3].lower()}.{n}@example.org",
                            f"{last.lower().strip('%_-')}{n}@Mail.example.net"])
        rows.append(Customer(last_name=last, first_name=first, email=email))
    Customer.objects.bulk_create(rows)
    return list(Customer.objects.all())


def _random_query(rng: random.Random, customers: list[Customer]) -> str:
    """What an operator might type: parts of names and e-mails (in another ASCII case),
    whole short names, several words, whole e-mail addresses, things nobody has."""
    def part(value: str) -> str:
        if not value:
            return "zz"
        size = rng.randint(1, min(6, len(value)))
        start = rng.randrange(len(value) - size + 1)
        piece = value[start:start + size].replace(" ", "")
        return "".join(ch.swapcase() if ch.isascii() and rng.random() < 0.5 else ch
                       for ch in piece) or "zz"

    who = rng.choice(customers)
    kind = rng.randrange(9)
    if kind == 8:
        # Two characters (no trigram: PostgreSQL's bigram path) beside a longer word.
        source = rng.choice([who.last_name, who.email or who.last_name, who.first_name,
                             "qz"])
        start = rng.randrange(max(1, len(source) - 1))
        pair = "".join(ch.swapcase() if ch.isascii() and rng.random() < 0.5 else ch
                       for ch in source[start:start + 2])
        longer = rng.choice([who.first_name, who.last_name, "example"])
        longer = longer if len(longer) >= 3 else "example"
        return " ".join(rng.sample([pair, longer], 2)) if pair.strip() else longer
    if kind == 7:
        return rng.choice(["example", "EXAMPLE.org", "mail"])  # most customers
    if kind == 0:  # a part of a last name, or all of it (the whole-name part of the look-up)
        if rng.random() < 0.3:
            return "".join(ch.swapcase() if ch.isascii() and rng.random() < 0.5 else ch
                           for ch in who.last_name)
        return part(who.last_name)
    if kind == 1:
        return f"{part(who.first_name)} {part(who.last_name)}"
    if kind == 2:
        return who.email.upper() if who.email else who.last_name
    if kind == 3:
        return f"{who.last_name[:2]} {rng.choice(FIRSTS)[:2]}"
    if kind == 4:
        return rng.choice(SHORT_LAST + FIRSTS[2:4]).lower()
    if kind == 5:
        return part(who.email) + "@"[: rng.randrange(2)]
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 5)))


def check_search_against_python(seed: int, customers: int = 300, queries: int = 120) -> None:
    rng = random.Random(seed)
    everyone = _random_customers(rng, customers)
    seen = set()
    for _ in range(queries):
        text = _random_query(rng, everyone)
        expected = python_search(everyone, text)
        result = search(query=text)
        if result["kind"] != "name":
            continue  # digits that read as a phone number: not this test's subject
        found = list(result["customers"])
        assert [c.pk for c in found] == [c.pk for c in expected], text
        words = text.split()
        seen.add("e-mail" if "@" in text and _is_email(text) else
                 "short" if all(len(w) < 3 for w in words) else
                 "two letters beside a word" if any(len(w) == 2 for w in words) else "part")
        seen.add("none" if not expected else "over the cap" if len(expected) > 120 else
                 "some")

        # The console's page: the first 50 by name, and the count up to the cap; beyond
        # it, "more than" the cap and 50 of those found first, still by name.
        page = search_page(query=text, size=50, cap=120)
        shown = [c.pk for c in page["customers"]]
        if len(expected) <= 120:
            assert shown == [c.pk for c in expected[:50]], text
            assert (page["count"], page["more_than"]) == (len(expected), None), text
        else:
            assert page["more_than"] == 120 and len(shown) == 50, text
            rank = {c.pk: n for n, c in enumerate(expected)}
            assert all(pk in rank for pk in shown), text
            assert shown == sorted(shown, key=rank.__getitem__), text
    # The random queries went down every path, with and without matches.
    assert seen == {"e-mail", "short", "part", "two letters beside a word", "none", "some",
                    "over the cap"}, seen


def check_api_against_console(seed: int, client, customers: int = 450,
                              queries: int = 60) -> None:
    """The API's first page is the console's page (same customers, same order, the same count
    or "more than"); up to the cap, its pages put together are every match in name order."""
    rng = random.Random(seed)
    everyone = _random_customers(rng, customers)
    seen = set()
    for _ in range(queries):
        text = _random_query(rng, everyone)
        if search(query=text)["kind"] != "name":
            continue
        expected = python_search(everyone, text)
        page = search_page(query=text)

        body = client.get("/api/v1/customers/", {"q": text}).json()

        assert [c["id"] for c in body["results"]] == [c.pk for c in page["customers"]], text
        if page["more_than"] is not None:
            seen.add("over the cap")
            assert (body["count"], body["more_than"], body["next"]) == (
                None, NAME_CANDIDATES, None), text
            continue
        seen.add("paged" if len(expected) > PAGE_SIZE else "one page")
        assert (body["count"], body["more_than"]) == (len(expected), None), text
        ids = [c["id"] for c in body["results"]]
        while body["next"]:
            body = client.get(body["next"]).json()
            ids += [c["id"] for c in body["results"]]
        assert ids == [c.pk for c in expected], text
    assert seen == {"over the cap", "paged", "one page"}, seen


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_search_finds_exactly_what_a_python_filter_finds(seed):
    check_search_against_python(seed)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [4, 5])
def test_the_api_answers_what_the_console_shows(seed, operator):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(operator)

    check_api_against_console(seed, client)


@pytest.mark.django_db
def test_a_common_name_shows_a_page_and_more_than_the_cap():
    Customer.objects.bulk_create(Customer(last_name="Martin", first_name=f"P{n:03d}")
                                 for n in range(30))
    Customer.objects.bulk_create([Customer(last_name="Martinez", first_name="Zoé")])

    few = search_page(query="martin", size=10, cap=40)
    many = search_page(query="martin", size=10, cap=20)

    assert [c.first_name for c in few["customers"]] == [f"P{n:03d}" for n in range(10)]
    assert (few["count"], few["more_than"]) == (31, None)
    assert many["more_than"] == 20 and len(many["customers"]) == 10


@pytest.mark.django_db
def test_a_page_past_the_candidates_still_knows_how_many_were_found():
    from hotline.errors import NotFound

    Customer.objects.bulk_create(Customer(last_name="Martin", first_name=f"P{n:03d}")
                                 for n in range(30))

    # Page 5 starts after the 21 candidates (cap 20): still "more than 20", first page only.
    with pytest.raises(NotFound) as too_many:
        search_page(query="martin", size=10, cap=20, page=5)
    # With a cap of 40, all 30 are counted: page 4 is past the last one.
    with pytest.raises(NotFound) as past_the_last:
        search_page(query="martin", size=10, cap=40, page=4)
    last = search_page(query="martin", size=10, cap=40, page=3)

    assert (too_many.value.field, too_many.value.code) == ("page", "too_many_matches")
    assert (past_the_last.value.field, past_the_last.value.code) == ("page", "no_such_page")
    assert [c.first_name for c in last["customers"]] == [f"P{n:03d}" for n in range(20, 30)]
    assert (last["count"], last["has_next"]) == (30, False)
