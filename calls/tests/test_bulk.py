"""The bulk ingestion path gives the same calls as the one-event path, whatever the batches.

tests/integration/test_calls_postgres.py runs the same checks on PostgreSQL (COPY path).
"""

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.bulk import call_events_ingest_bulk
from calls.ingest import call_event_ingest
from calls.models import AgentState, AgentStatus, Call, CallEvent, Outcome
from calls.tests.factories import at
from hotline.models import Profile
from hotline.tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = ["queue", "caller_number", "caller_withheld", "dialled_number", "queued_at",
          "queued_epoch", "answered_at", "agent_id", "ended_at", "wrapup_done_at",
          "wait_seconds", "talk_seconds", "hold_seconds", "wrapup_seconds", "transferred",
          "outcome", "operator_id", "customer_id"]
KINDS = ["answered", "held", "resumed", "transferred", "ended", "abandoned", "lost",
         "wrapup_done", "ring_no_answer"]
_ids = itertools.count(1)


def figures(telephony_id):
    return {name: getattr(Call.objects.get(telephony_id=telephony_id), name) for name in FIELDS}


def answered_call(start=0, agent="Agent/1001", caller="+33612345678", talk=120):
    return [
        {"kind": "queued", "at": at(start), "queue": "hotline", "caller": caller,
         "dialled": "+33800100200"},
        {"kind": "answered", "at": at(start + 12), "agent": agent},
        {"kind": "held", "at": at(start + 40), "agent": agent},
        {"kind": "resumed", "at": at(start + 55), "agent": agent},
        {"kind": "ended", "at": at(start + 12 + talk), "agent": agent},
        {"kind": "wrapup_done", "at": at(start + 42 + talk), "agent": agent},
    ]


def one_by_one(telephony_id, events, source="cti"):
    for event in events:
        call_event_ingest(telephony_id=telephony_id, source=source, **event)


def in_batches(calls, *, batches, seed, source="cti"):
    """Send every call's events shuffled and cut into `batches` bulk batches."""
    flat = [(tid, event) for tid, events in calls.items() for event in events]
    random.Random(seed).shuffle(flat)
    size = max(1, -(-len(flat) // batches))
    for offset in range(0, len(flat), size):
        batch = {}
        for tid, event in flat[offset:offset + size]:
            batch.setdefault(tid, []).append(event)
        call_events_ingest_bulk(calls=batch, source=source)


event_strategy = st.builds(
    lambda kind, second, agent, reason: {
        "kind": kind, "at": at(second), "agent": agent,
        **({"data": {"reason": reason}} if kind == "abandoned" else {})},
    st.sampled_from(KINDS), st.integers(0, 600), st.sampled_from(["Agent/1001", "Agent/1002"]),
    st.sampled_from(["abandon", "timeout", "key", "empty"]))
call_strategy = st.builds(
    lambda second, caller, rest: [{"kind": "queued", "at": at(second), "queue": "hotline",
                                   "caller": caller}, *rest],
    st.integers(0, 60), st.sampled_from(["0612345678", "anonymous", "12", "+33698765432"]),
    st.lists(event_strategy, max_size=6))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(calls=st.lists(call_strategy, min_size=1, max_size=5), batches=st.integers(1, 4),
       seed=st.integers(0, 1000))
def test_any_events_in_any_batches_give_the_same_calls_as_one_event_at_a_time(
        calls, batches, seed):
    run = next(_ids)
    bulk = {f"b{run}-{n}": events for n, events in enumerate(calls)}
    for n, events in enumerate(calls):
        one_by_one(f"o{run}-{n}", events)

    in_batches(bulk, batches=batches, seed=seed)

    for n in range(len(calls)):
        assert figures(f"b{run}-{n}") == figures(f"o{run}-{n}")


def test_a_batch_stores_each_event_once_and_counts_what_it_added():
    result = call_events_ingest_bulk(calls={"c1": answered_call(), "c2": answered_call(300)},
                                     source="cti")

    assert (result.calls, result.added, result.duplicates) == (2, 12, 0)
    assert CallEvent.objects.count() == 12


def test_sending_a_batch_again_adds_nothing():
    batch = {"c1": answered_call(), "c2": answered_call(300)}
    call_events_ingest_bulk(calls=batch, source="cti")
    before = list(Call.objects.order_by("pk").values_list("telephony_id", "updated_at"))

    again = call_events_ingest_bulk(calls=batch, source="cti")

    assert (again.calls, again.added, again.duplicates) == (0, 0, 12)
    assert list(Call.objects.order_by("pk").values_list("telephony_id", "updated_at")) == before


def test_an_event_repeated_inside_a_batch_is_stored_once():
    events = answered_call()

    result = call_events_ingest_bulk(calls={"c1": events + events[:2]}, source="cti")

    assert (result.added, result.duplicates) == (6, 2)


def test_a_call_with_a_bad_event_is_reported_and_the_others_are_stored():
    bad = [{"kind": "teleported", "at": at(0)}]

    result = call_events_ingest_bulk(calls={"bad": bad, "good": answered_call()}, source="cti")

    assert result.errors == [("bad", "Unknown call event 'teleported'.")]
    assert list(Call.objects.values_list("telephony_id", flat=True)) == ["good"]


def test_a_call_split_over_two_batches_is_folded_from_all_its_events():
    events = answered_call()
    one_by_one("whole", events)

    call_events_ingest_bulk(calls={"split": events[3:]}, source="cti")
    call_events_ingest_bulk(calls={"split": events[:3]}, source="cti")

    assert figures("split") == figures("whole")
    assert Call.objects.get(telephony_id="split").outcome == Outcome.ANSWERED


def test_the_bulk_path_maps_the_agent_to_its_operator_and_links_the_only_customer():
    user = UserFactory()
    Profile.objects.update_or_create(user=user, defaults={"agent_id": "Agent/1007"})
    customer = CustomerFactory(phone="+33611111111")

    call_events_ingest_bulk(calls={"c1": answered_call(agent="Agent/1007",
                                                       caller="06 11 11 11 11")}, source="cti")

    call = Call.objects.get()
    assert (call.operator_id, call.customer_id) == (user.pk, customer.pk)


def test_the_customer_of_the_first_caller_in_time_is_linked_whatever_the_batch_order():
    customer = CustomerFactory(phone="+33611111111")
    events = answered_call(caller="06 11 11 11 11")
    later = {**events[1], "caller": "0699999999"}  # a caller id repeated on a later event

    call_events_ingest_bulk(calls={"c1": [later, *events]}, source="cti")

    call = Call.objects.get()
    assert (call.caller_number, call.customer_id) == ("+33611111111", customer.pk)


def test_a_number_two_customers_share_is_left_for_the_operator_to_choose():
    CustomerFactory(phone="+33622222222")
    CustomerFactory(phone="+33622222222")

    call_events_ingest_bulk(calls={"c1": answered_call(caller="+33622222222")}, source="cti")

    assert Call.objects.get().customer_id is None


def test_the_agent_follows_the_latest_call_of_the_batch():
    call_events_ingest_bulk(calls={
        "early": answered_call(0, agent="Agent/1003"),
        "late": answered_call(1000, agent="Agent/1003")[:2],  # answered, still talking
    }, source="cti")

    state = AgentState.objects.get(agent_id="Agent/1003")
    assert (state.status, state.call.telephony_id) == (AgentStatus.ON_CALL, "late")


def test_a_later_batch_with_an_older_call_does_not_move_the_agent_back():
    call_events_ingest_bulk(calls={"late": answered_call(1000, agent="Agent/1004")[:2]},
                            source="cti")

    call_events_ingest_bulk(calls={"early": answered_call(0, agent="Agent/1004")}, source="cti")

    assert AgentState.objects.get(agent_id="Agent/1004").call.telephony_id == "late"


AGENT_KINDS = ["login", "logout", "paused", "unpaused"]


def agent_world():
    from calls.models import AgentSession

    states = {s.agent_id: (s.status, s.since, s.paused, s.operator_id)
              for s in AgentState.objects.all()}
    sessions = sorted((s.agent_id, s.started_at, s.ended_at, s.start_epoch, s.end_epoch)
                      for s in AgentSession.objects.all())
    return states, sessions


def agent_events(draw_list):
    return [{"agent": f"Agent/{100 + agent}", "kind": AGENT_KINDS[kind], "at": at(60 * minute),
             "key": f"k{agent}-{kind}-{minute}"} for agent, kind, minute in draw_list]


agent_event_lists = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3),
                                       st.integers(0, 12)), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=agent_event_lists, second=agent_event_lists, call_between=st.booleans())
def test_agent_events_in_bulk_give_what_one_by_one_gives(first, second, call_between):
    """Logins, logouts, pauses in any order (late logins, repeats, duplicates), in two
    batches: the same sessions and states as agent_event_ingest one after the other."""
    from calls.bulk import agent_events_ingest_bulk
    from calls.ingest import agent_event_ingest
    from calls.models import AgentEvent, AgentSession

    def reset():
        AgentEvent.objects.all().delete()
        AgentSession.objects.all().delete()
        AgentState.objects.all().delete()
        Call.objects.all().delete()

    def busy():  # an answered call in progress: pauses must not end its on-call status
        if call_between:
            call_event_ingest(telephony_id="busy", kind="answered", at=at(300),
                              agent="Agent/101")

    reset()
    for batch in (first, second):
        for event in agent_events(batch):
            agent_event_ingest(source="cti", **event)
        busy()
    expected = agent_world()
    reset()
    added = 0
    for batch in (first, second):
        added += agent_events_ingest_bulk(agent_events(batch), source="cti")
        busy()
    assert agent_world() == expected
    assert added == AgentEvent.objects.count()


def test_agent_events_in_bulk_open_and_close_sessions_and_store_each_key_once():
    from calls.bulk import agent_events_ingest_bulk
    from calls.models import AgentSession

    Profile.objects.update_or_create(user=UserFactory(username="ann"),
                                     defaults={"agent_id": "Agent/1"})
    events = [{"agent": "Agent/1", "kind": "login", "at": at(0)},
              {"agent": "Agent/1", "kind": "paused", "at": at(60)},
              {"agent": "Agent/1", "kind": "logout", "at": at(120)},
              {"agent": "Agent/1", "kind": "login", "at": at(180)}]
    assert agent_events_ingest_bulk(events, source="sim") == 4
    assert agent_events_ingest_bulk(events, source="sim") == 0
    sessions = list(AgentSession.objects.order_by("started_at")
                    .values_list("started_at", "ended_at"))
    assert sessions == [(at(0), at(120)), (at(180), None)]
    state = AgentState.objects.get(agent_id="Agent/1")
    assert (state.status, state.since, state.paused) == (AgentStatus.AVAILABLE, at(180), False)
    assert state.operator.username == "ann"
    with pytest.raises(Exception, match="Unknown agent event"):
        agent_events_ingest_bulk([{"agent": "Agent/1", "kind": "nap", "at": at(0)}],
                                 source="sim")


def test_the_stage_rows_are_written_as_copy_text_with_tabs_newlines_and_backslashes_escaped():
    import datetime

    from calls.fold_sql import staged

    moment = datetime.datetime(2026, 3, 2, 8, 0, 0, 250000, tzinfo=datetime.UTC)
    rows = [(0, "1.0", "k1", "queued", moment, "", '{"queue": "q"}', "061", "+3361", False),
            (1, "1.0", "k\t2", "answered", moment, "A\\1", "{}", None, None, None),
            (2, "2\n0", "k3\r", "ended", moment, "", '{"a": "\\u00e9"}', "x\ty", "", True)]

    payload = staged(rows).payload

    assert payload.decode().split("\n") == [
        '0\t1.0\tk1\tqueued\t2026-03-02T08:00:00.250000+00:00\t\t{"queue": "q"}\t061\t+3361\tf',
        "1\t1.0\tk\\t2\tanswered\t2026-03-02T08:00:00.250000+00:00\tA\\\\1\t{}\t\\N\t\\N\t\\N",
        '2\t2\\n0\tk3\\r\tended\t2026-03-02T08:00:00.250000+00:00\t\t{"a": "\\\\u00e9"}\tx\\ty\t\tt',
        ""]
