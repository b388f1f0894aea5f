"""The public status vocabulary: every internal state has a public word, and a case's public
status and timeline follow its case, swap and visit states."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone, translation

from carriers.services import sandbox_advance
from exchanges.decisions.fulfilment import swap_request
from exchanges.models import Swap, Visit
from exchanges.tests.factories import (
    StockUnitFactory,
    TechnicianFactory,
    booked_visit,
    swap_case,
)
from hotline.models import Case
from hotline.tests.factories import CaseFactory
from hotline.workflow import record_event, transition
from partners.status import (
    DESCRIPTIONS,
    MACHINES,
    PublicStatus,
    describe,
    public_status,
    public_timeline,
)

START = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


def machine_states(machine) -> set[str]:
    """Every state the machine's field allows and every state a transition can reach."""
    model = apps.get_model(machine.model)
    field = model._meta.get_field(machine.field)
    states = {value for value, _label in field.choices}
    for name in dir(model):
        meta = getattr(getattr(model, name, None), "_django_fsm", None)
        if meta is not None and meta.field.name == machine.field:
            states |= {t.target for t in meta.transitions.values() if isinstance(t.target, str)}
    return states


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.model)
def test_every_internal_state_has_a_public_word(machine):
    missing = machine_states(machine) - set(machine.mapping)

    assert not missing, f"{machine.model} states without a public status: {sorted(missing)}"


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.model)
def test_the_mapping_names_no_state_the_machine_does_not_have(machine):
    unknown = set(machine.mapping) - machine_states(machine)

    assert not unknown, f"{machine.model} has no such states: {sorted(unknown)}"


def test_every_public_status_has_a_description_and_a_french_label():
    with translation.override("fr"):
        described = [describe(code) for code in PublicStatus.values]

    assert set(DESCRIPTIONS) == set(PublicStatus)
    assert described[0] == {"code": "received", "label": "Reçue",
                            "description": described[0]["description"]}
    assert all(d["description"] and d["label"] for d in described)


def test_describe_refuses_a_word_outside_the_vocabulary():
    with pytest.raises(ValueError):
        describe("in_service")


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "word"), [
    ("open", "received"), ("diagnosing", "diagnosing"), ("advised", "resolved"),
    ("awaiting_consent", "awaiting_customer"), ("declined", "quote_declined"),
    ("referred", "referred"), ("resolved", "resolved"), ("closed", "closed"),
    ("cancelled", "cancelled"), ("in_service", "service_pending"),
])
def test_a_case_without_a_service_order_speaks_its_own_state(state, word):
    case = CaseFactory(status=state)

    assert public_status(case) == word


def make_swap(case, decision, status):
    address = {"street": "1 rue Test", "postcode": "75002", "city": "Paris", "country": "FR"}
    return Swap.objects.create(case=case, decision=decision, fault_code=decision.fault_code,
                               model=case.handset.model, status=status, **address)


@pytest.mark.django_db
@pytest.mark.usefixtures("fault_codes")
@pytest.mark.parametrize(("state", "word"), [
    ("reserved", "replacement_scheduled"), ("backordered", "replacement_delayed"),
    ("out_for_delivery", "replacement_shipped"), ("held_at_depot", "awaiting_customer"),
    ("return_in_transit", "replacement_delivered"),
    ("faulty_not_returned", "awaiting_customer"),
])
def test_a_case_in_service_speaks_its_swaps_state(state, word):
    case, decision = swap_case(stock=0)
    make_swap(case, decision, state)

    assert public_status(case) == word


@pytest.mark.django_db
@pytest.mark.usefixtures("fault_codes")
def test_the_open_order_speaks_rather_than_a_cancelled_or_an_escalated_one():
    case, decision = swap_case(stock=0)
    Visit.objects.create(case=case, decision=decision, fault_code=decision.fault_code,
                         status="escalated", technician=TechnicianFactory(), slot_start=START,
                         slot_end=START + datetime.timedelta(hours=2), street="1 rue Test",
                         postcode="75002", city="Paris", country="FR")
    make_swap(case, decision, "in_transit")
    make_swap(case, decision, "cancelled")

    assert public_status(case) == "replacement_shipped"


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "word"), [
    ("requested", "technician_requested"), ("scheduled", "technician_scheduled"),
    ("en_route", "technician_en_route"), ("on_site", "technician_on_site"),
    ("completed", "technician_visited"), ("no_access", "awaiting_customer"),
])
def test_a_case_in_service_speaks_its_visits_state(state, word):
    visit = booked_visit(technician=TechnicianFactory(), start=START, status=state)

    assert public_status(visit.case) == word


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def runner(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)
    return runner


@pytest.mark.django_db
@pytest.mark.usefixtures("fault_codes")
def test_the_timeline_follows_a_swap_from_decision_to_delivery(run):
    with time_machine.travel(START, tick=False) as traveller:
        case = CaseFactory(status="open")
        record_event(case, action="opened", target="open")
        traveller.shift(datetime.timedelta(minutes=5))
        transition(case, "start_diagnosis")
        traveller.shift(datetime.timedelta(minutes=5))
        _swap_case, decision = swap_case()
        decision.case = case
        decision.save()
        StockUnitFactory(model=case.handset.model, variant=None)
        transition(case, "start_service", reason="internal note: customer was rude")
        run(swap_request, case=case, decision=decision)
        for _hour in range(30):
            traveller.shift(datetime.timedelta(hours=1))
            run(sandbox_advance, until=timezone.now())

    timeline = public_timeline(Case.objects.get(pk=case.pk))

    words = [entry.status for entry in timeline]
    assert words[:4] == ["received", "diagnosing", "replacement_scheduled",
                         "replacement_shipped"]
    assert "replacement_delivered" in words
    assert words[-1] == public_status(Case.objects.get(pk=case.pk))
    assert timeline[0].at == START
    assert "service_pending" not in words
    assert all("rude" not in entry.description for entry in timeline)


@pytest.mark.django_db
def test_a_case_made_without_events_has_a_one_entry_timeline_in_its_state():
    case = CaseFactory(status="referred")

    assert [entry.status for entry in public_timeline(case)] == ["referred"]
