"""Every (state, transition) pair of the Visit machine."""

import datetime

import pytest
from django.utils import timezone

from exchanges.models import VisitStatus
from exchanges.tests.factories import TechnicianFactory, booked_visit
from hotline.errors import IllegalTransition
from hotline.models import AuditEvent
from hotline.workflow import transition

ALLOWED = {
    ("requested", "schedule"): "scheduled",
    ("no_access", "schedule"): "scheduled",
    ("scheduled", "start_route"): "en_route",
    ("en_route", "arrive"): "on_site",
    ("on_site", "complete"): "completed",
    ("on_site", "escalate"): "escalated",
    ("on_site", "report_no_access"): "no_access",
    ("requested", "cancel"): "cancelled",
    ("scheduled", "cancel"): "cancelled",
    ("en_route", "cancel"): "cancelled",
    ("on_site", "cancel"): "cancelled",
    ("no_access", "cancel"): "cancelled",
}
TRANSITIONS = sorted({name for _state, name in ALLOWED})
PAIRS = [(state, name) for state in VisitStatus.values for name in TRANSITIONS]


def kwargs_for(name, technician):
    now = timezone.now()
    if name == "schedule":
        return {"technician": technician, "start": now, "end": now + datetime.timedelta(hours=2)}
    return {} if name == "cancel" else {"at": now}


@pytest.mark.parametrize(("state", "name"), [p for p in PAIRS if p in ALLOWED])
def test_an_allowed_visit_transition_reaches_its_target_and_writes_an_event(state, name,
                                                                            operator):
    technician = TechnicianFactory()
    visit = booked_visit(technician=technician, start=timezone.now() - datetime.timedelta(
        days=1), status=state)

    transition(visit, name, actor=operator, **kwargs_for(name, technician))

    visit.refresh_from_db()
    assert visit.status == ALLOWED[(state, name)]
    event = AuditEvent.objects.get(case=visit.case, action=name)
    assert (event.source, event.target) == (state, ALLOWED[(state, name)])


@pytest.mark.parametrize(("state", "name"), [p for p in PAIRS if p not in ALLOWED])
def test_a_visit_transition_the_state_does_not_allow_is_refused(state, name, operator):
    technician = TechnicianFactory()
    visit = booked_visit(technician=technician, start=timezone.now(), status=state)

    with pytest.raises(IllegalTransition):
        transition(visit, name, actor=operator, **kwargs_for(name, technician))

    visit.refresh_from_db()
    assert visit.status == state
