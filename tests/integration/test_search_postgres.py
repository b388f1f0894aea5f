"""PostgreSQL's query plans for the console search: names through the pg_trgm indexes
(migration hotline.0004), phones and IMEIs through their B-tree indexes."""

import pytest
from django.db import connection

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


def test_the_name_search_uses_the_trigram_indexes():
    CustomerFactory(last_name="Lefebvre")

    plan = _plan(search(query="lefeb")["customers"])

    assert "customer_last_name_trgm" in plan, plan
    assert "Seq Scan on hotline_customer " not in plan


def test_the_phone_and_imei_searches_use_their_indexes():
    handset = HandsetFactory()
    CustomerFactory(phone="+33612345678")

    phone_plan = _plan(search(query="06 12 34 56 78")["customers"])
    imei_plan = _plan(search(query=handset.imei[:14])["handsets"])

    assert "Index" in phone_plan and "Seq Scan on hotline_customerphone" not in phone_plan
    assert "Index" in imei_plan and "Seq Scan on hotline_handset" not in imei_plan
