"""A technician's slot is never booked twice, also when operators book it at the same moment."""

import pytest

from diagnostics.reference import fault_codes_load
from exchanges.decisions.fulfilment import visit_request
from exchanges.models import Decision, Visit
from exchanges.tests.factories import TechnicianFactory, diagnosing_case
from exchanges.visits.services import visit_schedule
from exchanges.visits.slots import visit_slots
from hotline.errors import StaleObject
from tests.integration.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def requested_visit():
    from diagnostics.models import FaultCode

    case = diagnosing_case(stock=0)
    decision = Decision.objects.create(
        case=case, fault_code=FaultCode.objects.get(code="CHG-03"), recommended_action="visit",
        proposed_outcome="visit", status="confirmed", outcome="visit")
    return visit_request(case=case, decision=decision)


def test_operators_booking_one_slot_at_once_book_it_exactly_once():
    fault_codes_load()
    technician = TechnicianFactory(postcode_prefixes=["75"],
                                   working_hours={str(d): ["00:00", "23:59"] for d in range(7)},
                                   days_off=[])
    visits = [requested_visit() for _ in range(4)]
    slot = visit_slots(postcode="75002", country="FR")[0]

    def book(i):
        visit = Visit.objects.get(pk=visits[i].pk)
        return visit_schedule(visit=visit, technician=technician,
                                       start=slot.start).status

    results, errors = run_concurrently(4, book)

    assert results.count("scheduled") == 1, errors
    assert len(errors) == 3 and all(isinstance(error, StaleObject) for error in errors)
    assert Visit.objects.filter(technician=technician, slot_start=slot.start).count() == 1
