"""Reads computed in the database: the swap exceptions queue counts every swap, not a page;
lists in the console and the API are paginated, none cut."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from exchanges.models import Swap
from exchanges.tests.factories import StockUnitFactory, SwapFactory, VisitFactory

pytestmark = pytest.mark.django_db


def lost_swaps(n):
    return [SwapFactory(status="lost", unit=StockUnitFactory()) for _ in range(n)]


def test_the_queue_counts_every_swap_in_the_database_whatever_the_page(
        operator_client, monkeypatch):
    monkeypatch.setattr("exchanges.swaps.views.PAGE_SIZE", 2)
    lost_swaps(3)
    late = SwapFactory(status="booked", unit=StockUnitFactory(),
                       promised_by=timezone.now() - datetime.timedelta(hours=1))

    response = operator_client.get(reverse("exchanges:swap_queue"))

    counts = {kind: n for kind, _label, n in response.context["kinds"]}
    assert counts == {"late": 1, "lost": 3}
    assert response.context["page"].paginator.count == 4
    assert len(response.context["rows"]) == 2
    assert f'data-testid="queue-swap-{late.pk}"' in response.content.decode()  # oldest promise


def test_the_queue_filtered_by_a_reason_keeps_it_on_the_next_page(operator_client, monkeypatch):
    monkeypatch.setattr("exchanges.swaps.views.PAGE_SIZE", 2)
    lost_swaps(3)

    html = operator_client.get(reverse("exchanges:swap_queue"), {"kind": "lost"}
                               ).content.decode()

    assert "?kind=lost&amp;page=2" in html


def test_late_and_returning_are_queryset_methods():
    late = SwapFactory(status="booked", unit=StockUnitFactory(),
                       promised_by=timezone.now() - datetime.timedelta(minutes=1))
    SwapFactory(status="booked", unit=StockUnitFactory(),
                promised_by=timezone.now() + datetime.timedelta(hours=5))
    back = SwapFactory(status="return_received", unit=StockUnitFactory())

    assert list(Swap.objects.late()) == [late]
    assert list(Swap.objects.returning()) == [back]


def test_the_api_pages_the_exceptions_queue_with_link_headers(operator):
    lost_swaps(3)
    api = APIClient()
    api.force_authenticate(operator)

    first = api.get("/api/v1/swaps/exceptions/", {"page_size": 2})
    last = api.get("/api/v1/swaps/exceptions/", {"page_size": 2, "page": 2})

    assert len(first.json()) == 2 and len(last.json()) == 1
    assert first["X-Total-Count"] == "3"
    assert 'rel="next"' in first["Link"] and 'rel="next"' not in last["Link"]


def test_the_visits_to_book_are_paginated_for_supervisors(client, supervisor):
    client.force_login(supervisor)
    for _index in range(51):
        VisitFactory(status="requested")

    response = client.get(reverse("exchanges:visit_day"))

    assert response.context["unassigned"].paginator.count == 51
    assert len(response.context["unassigned"].object_list) == 50
