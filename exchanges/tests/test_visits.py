"""Technician visits: booking, the day, the report, escalation to a swap, measures."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from diagnostics.selectors import Recommendation
from exchanges.decisions.services import decision_confirm, decision_propose
from exchanges.models import Swap, Visit
from exchanges.tests.factories import TechnicianFactory, diagnosing_case, fault
from exchanges.visits.pdf import visit_report_pdf
from exchanges.visits.selectors import visit_measures
from exchanges.visits.services import (
    visit_arrive,
    visit_complete,
    visit_escalate,
    visit_no_access,
    visit_schedule,
    visit_start_route,
    visit_switch_to_swap,
)
from exchanges.visits.slots import visit_slots
from hotline.errors import StaleObject
from hotline.models import Case
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_7AM = datetime.datetime(2026, 12, 7, 7, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.TIME_ZONE = "Europe/Paris"
    with time_machine.travel(MONDAY_7AM, tick=True):
        yield


@pytest.fixture
def technician(db):
    return TechnicianFactory(name="Thomas Petit", postcode_prefixes=["75"],
                             user=UserFactory(username="thomas", roles=["technician"]))


def visit_case(operator, technician, code="CHG-03"):
    case = diagnosing_case(days_since_purchase=100, stock=0, language="en")
    decision = decision_propose(
        case=case, actor=operator, recommendation=Recommendation(fault_code=fault(code),
                                                                 action="visit"))
    decision_confirm(decision=decision, actor=operator)
    return Visit.objects.get(case=case)


def book_first(visit, actor):
    slot = visit_slots(postcode=visit.postcode, country=visit.country)[0]
    technician = TechnicianFactory._meta.model.objects.get(pk=slot.technician_id)
    return visit_schedule(visit=visit, technician=technician, start=slot.start,
                                   actor=actor)


def test_a_free_visit_is_requested_and_booked_in_the_first_slot(operator, technician,
                                                                django_capture_on_commit_callbacks):
    visit = visit_case(operator, technician)

    with django_capture_on_commit_callbacks(execute=True):
        book_first(visit, operator)

    visit.refresh_from_db()
    assert (visit.status, visit.technician, visit.slot_start) == (
        "scheduled", technician, datetime.datetime(2026, 12, 7, 8, 0, tzinfo=PARIS))
    assert any("08:00" in message.body for message in mail.outbox)


def test_a_slot_is_never_booked_twice(operator, technician):
    first = visit_case(operator, technician)
    second = visit_case(operator, technician)
    start = visit_slots(postcode="75002", country="FR")[0].start
    visit_schedule(visit=first, technician=technician, start=start, actor=operator)

    with pytest.raises(StaleObject, match="no longer free"):
        visit_schedule(visit=second, technician=technician, start=start,
                                actor=operator)

    assert Visit.objects.get(pk=second.pk).status == "requested"


def test_the_technician_goes_on_site_completes_and_the_case_is_resolved_with_a_report(
        operator, technician, django_capture_on_commit_callbacks):
    visit = book_first(visit_case(operator, technician), operator)
    visit_start_route(visit=visit, actor=technician.user)
    visit_arrive(visit=visit, actor=technician.user)

    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(
            MONDAY_7AM + datetime.timedelta(hours=1)):
        visit_complete(visit=visit, actor=technician.user,
                                work_done="Replaced the charging coil",
                                parts_used="Coil QI-5", fault_code=fault("CHG-01"),
                                signed_by="Camille Dupont")

    visit.refresh_from_db()
    assert visit.status == "completed" and visit.confirmed_fault_code_id == "CHG-01"
    assert Case.objects.get(pk=visit.case_id).status == "resolved"
    report = next(m for m in mail.outbox if m.attachments)
    assert report.attachments[0][0].startswith("visit-report-")
    assert report.attachments[0][1].startswith(b"%PDF")


def test_escalation_orders_a_swap_carrying_the_findings(operator, technician):
    visit = book_first(visit_case(operator, technician), operator)
    visit_start_route(visit=visit, actor=technician.user)
    visit_arrive(visit=visit, actor=technician.user)

    visit_escalate(visit=visit, actor=technician.user,
                            findings="Main board fault, not repairable on site")

    swap = Swap.objects.get(case=visit.case)
    assert Visit.objects.get(pk=visit.pk).status == "escalated"
    assert swap.findings == "Main board fault, not repairable on site"
    assert Case.objects.get(pk=visit.case_id).status == "in_service"


def test_no_access_frees_the_slot_and_the_visit_is_booked_again(operator, technician):
    visit = book_first(visit_case(operator, technician), operator)
    visit_start_route(visit=visit, actor=technician.user)
    visit_arrive(visit=visit, actor=technician.user)
    visit_no_access(visit=visit, actor=technician.user, reason="Nobody home")

    book_first(Visit.objects.get(pk=visit.pk), operator)

    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


def test_the_visit_report_pdf_renders(operator, technician):
    visit = book_first(visit_case(operator, technician), operator)
    visit_start_route(visit=visit, actor=technician.user)
    visit_arrive(visit=visit, actor=technician.user)
    with time_machine.travel(MONDAY_7AM + datetime.timedelta(hours=1)):
        visit_complete(visit=visit, actor=technician.user, work_done="Cleaned the port",
                       signed_by="C. Dupont")

    content = visit_report_pdf(visit=Visit.objects.get(pk=visit.pk))

    assert content.startswith(b"%PDF") and len(content) > 1000


def test_the_measures_count_promise_slot_time_on_site_first_fix_and_escalations(
        operator, technician):
    fixed = book_first(visit_case(operator, technician), operator)
    for step in (visit_start_route, visit_arrive):
        step(visit=fixed, actor=technician.user)
    with time_machine.travel(MONDAY_7AM + datetime.timedelta(hours=1, minutes=45)):
        visit_complete(visit=fixed, actor=technician.user, work_done="Fixed",
                                signed_by="C. D.")

    measures = visit_measures()

    assert measures["visits_started"] == 1
    assert measures["started_within_promise"] == 1.0
    assert measures["first_visit_fix_rate"] == 1.0
    assert measures["escalations_to_swap"] == 0
    assert measures["avg_minutes_on_site"] is not None


def test_the_technicians_day_sheet_lists_todays_visits_with_their_actions(
        client, operator, technician):
    visit = book_first(visit_case(operator, technician), operator)
    client.force_login(technician.user)

    response = client.get(reverse("exchanges:visit_day"))

    assert response.status_code == 200
    assert visit.case.number.encode() in response.content
    assert reverse("exchanges:visit_act", args=[visit.pk, "start_route"]).encode() in (
        response.content)


def test_a_technician_may_not_act_on_anothers_visit(client, operator, technician):
    visit = book_first(visit_case(operator, technician), operator)
    client.force_login(UserFactory(username="other", roles=["technician"]))

    response = client.post(reverse("exchanges:visit_act", args=[visit.pk, "start_route"]))

    assert response.status_code == 403


def test_the_case_page_offers_slots_and_books_one(operator_client, operator, technician):
    visit = visit_case(operator, technician)
    page = operator_client.get(reverse("console:case_detail", args=[visit.case.number]))
    slot = visit_slots(postcode="75002", country="FR")[0]

    operator_client.post(reverse("exchanges:visit_book", args=[visit.pk]),
                         {"technician": slot.technician_id, "start": slot.start.isoformat()})

    assert b"data-testid=\"visit-slots\"" in page.content
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


@pytest.mark.parametrize("posted", [
    {"technician": "abc", "start": "2026-11-24T09:00:00+01:00"},
    {"technician": "", "start": "2026-13-01T10:00"},
    {},
])
def test_booking_with_a_bad_slot_says_so_and_books_nothing(operator_client, operator,
                                                            technician, posted):
    visit = visit_case(operator, technician)

    response = operator_client.post(reverse("exchanges:visit_book", args=[visit.pk]), posted,
                                    follow=True)

    assert response.status_code == 200
    assert "Pick a slot" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "requested"


def test_a_slot_typed_without_a_time_zone_is_read_in_the_sites(operator_client, operator,
                                                                technician):
    visit = visit_case(operator, technician)
    slot = visit_slots(postcode="75002", country="FR")[0]
    local = slot.start.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).replace(tzinfo=None)

    operator_client.post(reverse("exchanges:visit_book", args=[visit.pk]),
                         {"technician": slot.technician_id, "start": local.isoformat()})

    assert Visit.objects.get(pk=visit.pk).slot_start == slot.start


def test_the_day_sheet_with_an_impossible_date_shows_today(client, supervisor):
    client.force_login(supervisor)

    response = client.get(reverse("exchanges:visit_day"), {"date": "2026-02-30"}, follow=True)

    assert response.status_code == 200
    assert "2026-02-30 is not a date" in response.content.decode()


def test_the_measures_api_refuses_a_bad_date_with_400_naming_it(client, supervisor):
    client.force_login(supervisor)

    response = client.get("/api/v1/visits/measures/", {"since": "2026-13-01T00:00:00"})

    assert response.status_code == 400
    assert "since" in response.json()


def test_supervisors_read_the_measures_in_the_api(client, supervisor):
    client.force_login(supervisor)

    response = client.get("/api/v1/visits/measures/")

    assert response.status_code == 200 and "first_visit_fix_rate" in response.json()


def test_without_a_slot_in_time_the_operator_orders_a_swap_instead(operator):
    from exchanges.tests.factories import ReplacementUnitFactory

    TechnicianFactory(postcode_prefixes=["75"], working_hours={"3": ["08:00", "18:00"]})
    visit = visit_case(operator, None)
    ReplacementUnitFactory(model=visit.case.handset.model)
    assert not any(slot.within_promise for slot in visit_slots(postcode="75002", country="FR"))

    visit_switch_to_swap(visit=visit, actor=operator, reason="No slot within 24 h")

    assert Visit.objects.get(pk=visit.pk).status == "cancelled"
    assert Swap.objects.get(case=visit.case).findings == "No slot within 24 h"


def test_the_wallboard_counts_visits_ordered_and_their_promises_due_and_late(operator,
                                                                             technician):
    from exchanges.wallboard import wallboard_figures

    visit = book_first(visit_case(operator, technician), operator)
    unbooked = visit_case(operator, technician)
    figures = {figure.key: figure.value for figure in wallboard_figures()}
    assert visit.slot_start.date() == MONDAY_7AM.date()
    assert (figures["outcome_visit"], figures["promises_due_today"]) == (2, 1)
    assert figures["promises_late"] == 0

    with time_machine.travel(visit.slot_end + datetime.timedelta(minutes=1)):
        late = {figure.key: figure.value for figure in wallboard_figures()}["promises_late"]
    with time_machine.travel(unbooked.decided_at + datetime.timedelta(hours=25)):
        later = {figure.key: figure.value for figure in wallboard_figures()}["promises_late"]

    assert late == 1
    assert later == 2
