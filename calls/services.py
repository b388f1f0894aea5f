"""Use cases of the calls app: linking a call to the case it is about."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import Call, CallCase
from hotline import services as hotline_services
from hotline.errors import DomainError
from hotline.models import Case, Customer, Handset
from hotline.workflow import record_event


class CallError(DomainError):
    pass


def call_case_link(*, call: Call, case: Case, actor=None, opened: bool = False) -> CallCase:
    """Link `call` to `case` (continue the case on this call); linking twice changes nothing."""
    if call.customer_id not in (None, case.customer_id):
        raise CallError(_("This call is linked to another customer than the case's."),
                        field="case")
    if not case.is_open:
        raise CallError(_("Case %(number)s is %(status)s: open a new one.")
                        % {"number": case.number, "status": case.get_status_display()},
                        field="case")
    with transaction.atomic():
        link, created = CallCase.objects.get_or_create(
            call=call, case=case, defaults={"linked_by": actor, "opened_case": opened})
        fields = []
        if call.customer_id is None:
            call.customer_id = case.customer_id
            fields.append("customer")
        if call.handset_id is None and case.handset_id is not None:
            call.handset_id = case.handset_id
            fields.append("handset")
        if fields:
            call.save(update_fields=[*fields, "updated_at"])
        if created:
            record_event(case, action="call_linked", actor=actor,
                         data={"call": call.telephony_id, "opened": opened})
    return link


def call_case_open(*, call: Call, customer: Customer, symptom: str,
                   handset: Handset | None = None, description: str = "", actor=None) -> Case:
    """Open a case for the caller and link it to the call, in one transaction."""
    if call.customer_id not in (None, customer.pk):
        raise CallError(_("This call is linked to another customer."), field="customer")
    with transaction.atomic():
        case = hotline_services.case_open(customer=customer, symptom=symptom, handset=handset,
                                          description=description, actor=actor)
        call_case_link(call=call, case=case, actor=actor, opened=True)
    return case
