import pytest
from django.utils import timezone

from calls.ingest import CallEventError, agent_event_ingest, call_event_ingest, calls_close_open
from calls.models import AgentState, AgentStatus, Call, CallEvent, Outcome
from calls.tests.factories import T0, at, make_call
from hotline.models import Profile
from hotline.tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

EVENTS = [
    {"kind": "queued", "at": at(0), "queue": "hotline", "caller": "06 12 34 56 78"},
    {"kind": "answered", "at": at(12), "agent": "Agent/1001"},
    {"kind": "held", "at": at(40), "agent": "Agent/1001"},
    {"kind": "resumed", "at": at(55), "agent": "Agent/1001"},
    {"kind": "ended", "at": at(132), "agent": "Agent/1001"},
    {"kind": "wrapup_done", "at": at(162), "agent": "Agent/1001"},
]
FIELDS = ["queue", "caller_number", "queued_at", "answered_at", "ended_at", "wait_seconds",
          "talk_seconds", "hold_seconds", "wrapup_seconds", "outcome", "agent_id"]


def _send(telephony_id, events):
    for event in events:
        call_event_ingest(telephony_id=telephony_id, **event)
    return Call.objects.get(telephony_id=telephony_id)


def test_a_call_is_built_from_its_events():
    call = _send("c1", EVENTS)

    assert (call.wait_seconds, call.hold_seconds, call.talk_seconds, call.wrapup_seconds) == (
        12, 15, 105, 30)
    assert call.outcome == Outcome.ANSWERED
    assert call.caller_number == "+33612345678"


def test_events_in_reverse_order_give_the_same_call_as_in_order():
    in_order = _send("c1", EVENTS)

    reversed_call = _send("c2", list(reversed(EVENTS)))

    assert [getattr(reversed_call, f) for f in FIELDS] == [getattr(in_order, f) for f in FIELDS]


def test_a_duplicate_event_is_stored_once_and_reported_as_known():
    call_event_ingest(telephony_id="c1", **EVENTS[0])

    again = call_event_ingest(telephony_id="c1", **EVENTS[0])

    assert again.created is False
    assert CallEvent.objects.count() == 1


def test_the_same_event_id_sent_twice_with_other_fields_is_still_one_event():
    call_event_ingest(telephony_id="c1", key="cti:e-1", **EVENTS[0])

    call_event_ingest(telephony_id="c1", key="cti:e-1", kind="queued", at=at(3))

    assert Call.objects.get().queued_at == at(0)


def test_a_withheld_number_is_recorded_as_withheld_without_a_number():
    call = call_event_ingest(telephony_id="c1", kind="queued", at=T0, caller="anonymous").call

    assert call.caller_withheld is True
    assert call.caller_number == ""


def test_a_number_that_does_not_parse_is_kept_as_received():
    call = call_event_ingest(telephony_id="c1", kind="queued", at=T0, caller="12").call

    assert call.caller_number == "12"


def test_a_caller_id_with_a_name_is_read_for_its_number():
    call = call_event_ingest(telephony_id="c1", kind="queued", at=T0,
                             caller='"Camille" <0612345678>').call

    assert call.caller_number == "+33612345678"


def test_leaving_on_timeout_is_not_an_abandon():
    call = make_call(abandoned=True, wait=300, reason="timeout")

    assert call.outcome == Outcome.TIMEOUT


def test_an_abandon_arriving_after_the_answer_does_not_unanswer_the_call():
    call = make_call(wait=10, talk=None)

    call_event_ingest(telephony_id=call.telephony_id, kind="abandoned", at=at(30))

    call.refresh_from_db()
    assert call.outcome == Outcome.ANSWERED


def test_a_transfer_gives_the_transferred_outcome():
    call = make_call(transferred=True)

    assert call.outcome == Outcome.TRANSFERRED
    assert call.transferred is True


def test_an_open_call_is_closed_as_lost_never_as_answered():
    make_call(wait=10, talk=None, telephony_id="open")

    calls_close_open(before=at(100), source="test")  # make_call ingests as "test"

    call = Call.objects.get(telephony_id="open")
    assert call.outcome == Outcome.LOST
    assert call.ended_at == at(100)


def test_an_unknown_event_is_refused_with_the_field():
    with pytest.raises(CallEventError) as refused:
        call_event_ingest(telephony_id="c1", kind="exploded", at=T0)

    assert refused.value.field == "event"


def test_a_naive_timestamp_is_refused():
    with pytest.raises(CallEventError):
        call_event_ingest(telephony_id="c1", kind="queued", at=T0.replace(tzinfo=None))


def test_the_answering_agent_is_mapped_to_its_operator():
    user = UserFactory(roles=["operator"])
    Profile.objects.create(user=user, agent_id="Agent/1001")

    call = make_call(agent="Agent/1001")

    assert call.operator == user


def test_a_caller_matching_exactly_one_customer_is_linked():
    customer = CustomerFactory(phone="+33612345678")

    call = make_call(caller="0612345678")

    assert call.customer == customer


def test_a_caller_matching_several_customers_is_left_for_the_operator_to_choose():
    CustomerFactory(phone="+33612345678")
    CustomerFactory(phone="+33612345678")

    call = make_call(caller="0612345678")

    assert call.customer is None


def test_an_answered_call_puts_its_agent_on_a_call():
    make_call(talk=None)

    assert AgentState.objects.get(agent_id="Agent/1001").status == AgentStatus.ON_CALL


def test_an_ended_call_puts_its_agent_in_wrap_up():
    make_call(wrapup=None)

    assert AgentState.objects.get(agent_id="Agent/1001").status == AgentStatus.WRAPUP


def test_wrap_up_done_makes_the_agent_available():
    make_call(wrapup=20)

    assert AgentState.objects.get(agent_id="Agent/1001").status == AgentStatus.AVAILABLE


def test_a_late_event_of_an_older_call_does_not_override_the_newer_call():
    older = make_call(queued=0, wait=5, talk=None)
    make_call(queued=600, wait=5, talk=None)

    call_event_ingest(telephony_id=older.telephony_id, kind="ended", at=at(900),
                      agent="Agent/1001")

    assert AgentState.objects.get(agent_id="Agent/1001").status == AgentStatus.ON_CALL


def test_a_pause_while_available_pauses_the_agent():
    agent_event_ingest(agent="Agent/1001", kind="login", at=at(0))

    agent_event_ingest(agent="Agent/1001", kind="paused", at=at(10))

    assert AgentState.objects.get(agent_id="Agent/1001").status == AgentStatus.PAUSED


def test_a_duplicate_agent_event_is_recognised():
    agent_event_ingest(agent="Agent/1001", kind="login", at=at(0))

    assert agent_event_ingest(agent="Agent/1001", kind="login", at=at(0)) is False


def test_a_call_waiting_for_hours_is_closed_as_lost_by_the_stale_sweep():
    from calls.ingest import calls_close_stale

    make_call(wait=None, telephony_id="forgotten")
    make_call(queued=3 * 3600, wait=None, telephony_id="recent")

    closed = calls_close_stale(now=at(3 * 3600 + 60), waiting_hours=2)

    assert closed == 1
    assert Call.objects.get(telephony_id="forgotten").outcome == Outcome.LOST
    assert Call.objects.get(telephony_id="recent").outcome == ""


def test_the_stale_sweep_task_uses_the_settings(settings):
    from calls.tasks import calls_close_stale

    settings.CALLS_STALE_WAITING_HOURS = 1
    make_call(queued=-10 * 3600, wait=None, base=timezone.now())

    assert calls_close_stale() == 1
