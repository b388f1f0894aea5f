"""PostgreSQL's query plans for the console search: names through the index of trigrams and
bigrams over names and e-mail (migrations hotline.0008, 0013), phones and IMEIs through their
B-tree indexes."""

import pytest
from django.db import connection
from django.db.models import Q

from hotline.models import Customer
from hotline.selectors import search
from hotline.tests.factories import CustomerFactory, HandsetFactory

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is tiny, where a scan is cheapest: forbid it to see which index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_name_search_uses_the_one_trigram_index_over_names_and_email():
    CustomerFactory(last_name="Lefebvre")

    plan = _plan(search(query="lefeb jean")["customers"])

    assert "customer_search_grams" in plan, plan
    assert "Seq Scan on hotline_customer " not in plan


def test_two_letters_beside_a_word_are_looked_up_by_their_bigram_in_the_same_index():
    CustomerFactory(last_name="Yu", first_name="Camille")

    plan = _plan(search(query="yu camille")["customers"])

    # One index scan for both words: the bigram is in its condition (hotline_bigrams, which
    # the planner inlines), not a filter on the rows.
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "customer_search_grams" in plan and "BitmapAnd" not in plan, plan
    assert "@> '{YU}'::text[]" in index_condition and "%CAMILLE%" in index_condition, plan


@pytest.mark.parametrize("typed", ["lefeb", "JEAN", "jean lefebvre", "dupont@exa", "ean ebv",
                                   "100%", "a_b", "x\\y", "éLOI", "zoé", "Lefebvre-Roux",
                                   "0% roux", "_b 100%", "\\y roux", "Zo éloi", "lé jean",
                                   "LE jean", "fe anne", "qz jean", "b- roux", "% roux"])
def test_the_name_search_finds_what_icontains_on_each_column_finds(typed):
    for last, first, email in [("Lefebvre", "Jean", "jean@example.net"),
                               ("Lefebvre-Roux", "Anne", "dupont@example.org"),
                               ("Dupont", "Jeanne", ""), ("100% Roux", "A_B", "x\\y@z.fr"),
                               ("Éloi", "Zoé", "ab@c.d")]:
        CustomerFactory(last_name=last, first_name=first, email=email)
    expected = Customer.objects.all()
    for word in typed.split():
        expected = expected.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word)
                                   | Q(email__icontains=word))

    found = search(query=typed)["customers"]

    assert sorted(c.pk for c in found) == sorted(c.pk for c in expected)


def test_the_phone_and_imei_searches_use_their_indexes():
    handset = HandsetFactory()
    CustomerFactory(phone="+33612345678")

    phone_plan = _plan(search(query="06 12 34 56 78")["customers"])
    imei_plan = _plan(search(query=handset.imei[:14])["handsets"])

    assert "Index" in phone_plan and "Seq Scan on hotline_customerphone" not in phone_plan
    assert "Index" in imei_plan and "Seq Scan on hotline_handset" not in imei_plan


@pytest.mark.parametrize("seed", [11, 12])
def test_the_search_finds_exactly_what_a_python_filter_finds_on_postgresql(seed):
    from hotline.tests.test_search_random import check_search_against_python

    check_search_against_python(seed)


@pytest.mark.parametrize("seed", [13])
def test_the_customer_api_answers_what_the_console_shows_on_postgresql(seed, operator):
    from rest_framework.test import APIClient

    from hotline.tests.test_search_random import check_api_against_console

    client = APIClient()
    client.force_authenticate(operator)

    check_api_against_console(seed, client)


def test_whole_names_and_e_mail_addresses_use_their_b_tree_indexes():
    CustomerFactory(last_name="Li", first_name="Wu", email="li.wu@example.org")

    short_plan = _plan(search(query="li")["customers"])
    email_plan = _plan(search(query="LI.WU@example.org")["customers"])

    assert "customer_last_name_upper" in short_plan and "customer_first_name_upper" in short_plan
    assert "customer_email_upper" in email_plan, email_plan


def test_the_planner_has_fine_statistics_on_the_name_search_expression():
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstattarget FROM pg_attribute "
                       "WHERE attrelid = 'customer_search_grams'::regclass AND attnum = 1")
        assert cursor.fetchone()[0] == 1000


def test_several_words_read_their_candidates_from_the_trigram_index_only():
    from django.test.utils import CaptureQueriesContext

    from hotline.selectors import search_page

    CustomerFactory(last_name="Lefebvre", first_name="Camille")
    with CaptureQueriesContext(connection) as one_word:
        search_page(query="lefeb")
    with CaptureQueriesContext(connection) as two_words:
        page = search_page(query="camille lefeb")

    assert [c.last_name for c in page["customers"]] == ["Lefebvre"]
    assert not any("enable_seqscan" in q["sql"] for q in one_word.captured_queries)
    sql = [q["sql"] for q in two_words.captured_queries]
    assert "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off" in sql
    # ... and not after it: the transaction of the look-up ended with it.
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.parametrize("seed", [21, 22])
def test_the_bigrams_of_a_text_hold_every_two_adjacent_characters(seed):
    import random

    rng = random.Random(seed)
    alphabet = "ab é-'%_\\\n@.ÉŒ" + "\x01"
    texts = ["", "a", "ab", "abc"] + ["".join(rng.choice(alphabet)
                                              for _ in range(rng.randint(0, 12)))
                                      for _ in range(200)]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT hotline_bigrams(%s)", [text])
            bigrams = set(cursor.fetchone()[0])
            pairs = {text[i:i + 2] for i in range(len(text) - 1)}
            # Every pair without the separator is an element (the search looks up no other).
            assert {p for p in pairs if "\x01" not in p} <= bigrams, text



def test_a_page_past_the_candidates_still_knows_how_many_were_found_on_postgresql():
    from hotline.tests.test_search_random import (
        test_a_page_past_the_candidates_still_knows_how_many_were_found as check,
    )

    check()
