"""Reads of the calls app."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from calls.models import Call, CallCase, Outcome
from hotline.models import Case, Handset
from hotline.selectors import customers_by_phone

WRAPUP_GRACE = datetime.timedelta(minutes=30)


def agent_of(user) -> str:
    profile = getattr(user, "hotline_profile", None)
    return profile.agent_id if profile is not None else ""


def call_current_for_agent(*, agent_id: str) -> Call | None:
    """Return the call the agent is on, or wrapping up (so the case can be opened after the
    caller hung up)."""
    if not agent_id:
        return None
    recent = timezone.now() - WRAPUP_GRACE
    return (Call.objects.filter(agent_id=agent_id, answered_at__isnull=False)
            .exclude(outcome=Outcome.LOST)
            .filter(Q(ended_at__isnull=True) | Q(wrapup_done_at__isnull=True, ended_at__gte=recent))
            .order_by("-answered_at", "-id").first())


def screen_pop(*, call: Call) -> dict:
    """Return the caller's candidates: customers with this number, their handsets and open
    cases, and the cases already linked to the call."""
    customers = []
    if call.caller_number:
        customers = list(customers_by_phone(call.caller_number).prefetch_related(
            Prefetch("handsets", queryset=Handset.objects.select_related("model")),
            Prefetch("cases", queryset=Case.objects.open().select_related("handset__model")
                     .order_by("-created_at"), to_attr="open_cases"),
        )[:20])
    elif call.customer_id:
        customers = [call.customer]
    linked = list(CallCase.objects.filter(call=call).select_related("case"))
    return {"call": call, "customers": customers, "linked": linked,
            "linked_ids": {link.case_id for link in linked}}


def calls_for_case(*, case: Case) -> QuerySet[Call]:
    return Call.objects.filter(case_links__case=case).select_related("operator").distinct()


def calls_for_customer(*, customer) -> QuerySet[Call]:
    numbers = list(customer.phones.values_list("number", flat=True))
    return (Call.objects.filter(Q(customer=customer) | Q(caller_number__in=[str(n) for n in numbers]))
            .select_related("operator").order_by("-queued_at"))
