"""The calls app on the real PostgreSQL: concurrent events, and the metrics' SQL."""

import datetime

import pytest

from calls.ingest import call_event_ingest
from calls.metrics import sla_report
from calls.models import Call, CallEvent, Outcome
from calls.tests.factories import T0, at, make_call, make_session
from tests.integration.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)




def test_the_same_event_sent_concurrently_is_stored_once():
    _results, errors = run_concurrently(8, lambda i: call_event_ingest(
        telephony_id="race-1", kind="queued", at=T0, queue="hotline", caller="0612345678"))

    assert errors == []
    assert (Call.objects.count(), CallEvent.objects.count()) == (1, 1)


def test_a_calls_events_arriving_concurrently_in_any_order_build_the_whole_call():
    events = [("queued", 0, ""), ("answered", 12, "Agent/1001"), ("held", 40, "Agent/1001"),
              ("resumed", 50, "Agent/1001"), ("ended", 132, "Agent/1001"),
              ("wrapup_done", 150, "Agent/1001")]

    _results, errors = run_concurrently(len(events), lambda i: call_event_ingest(
        telephony_id="race-2", kind=events[i][0], at=at(events[i][1]), agent=events[i][2]))

    call = Call.objects.get()
    assert errors == []
    assert (call.wait_seconds, call.talk_seconds, call.hold_seconds, call.wrapup_seconds,
            call.outcome) == (12, 110, 10, 18, Outcome.ANSWERED)


def test_the_metrics_give_the_hand_computed_figures_on_postgresql():
    make_session("Agent/1001", 0, 3600)
    make_call(queued=0, wait=20, talk=100, wrapup=20)
    make_call(queued=60, wait=21, talk=200, wrapup=40)
    make_call(queued=29 * 60 + 50, abandoned=True, wait=5)
    make_call(queued=31 * 60, abandoned=True, wait=60)

    report = sla_report(start=T0, end=T0 + datetime.timedelta(hours=1), interval="30m")

    total = report["total"]
    assert [row["offered"] for row in report["rows"]] == [3, 1]
    assert (total["answered_within"], total["short_abandoned"]) == (1, 1)
    assert (total["service_level"], total["service_level_offered"]) == (0.5, round(1 / 3, 4))
    assert (total["asa"], total["aht"], total["p90_wait"]) == (20.5, 180, 60)
    assert total["occupancy"] == 0.1


def test_the_bulk_path_gives_the_same_calls_as_one_event_at_a_time_on_postgresql():
    from calls.tests.test_bulk import answered_call, figures, in_batches, one_by_one

    calls = {f"pg-{n}": answered_call(100 * n, agent=f"Agent/10{n % 3}") for n in range(12)}
    calls["pg-abandoned"] = [
        {"kind": "queued", "at": at(5), "queue": "hotline", "caller": "anonymous"},
        {"kind": "abandoned", "at": at(50), "data": {"reason": "timeout"}}]
    for telephony_id, events in calls.items():
        one_by_one(f"one-{telephony_id}", events)

    in_batches(calls, batches=3, seed=7)

    for telephony_id in calls:
        assert figures(telephony_id) == figures(f"one-{telephony_id}")
    assert Call.objects.get(telephony_id="pg-abandoned").outcome == Outcome.TIMEOUT


def test_a_bulk_batch_sent_twice_stores_its_events_once_on_postgresql():
    from calls.bulk import call_events_ingest_bulk
    from calls.tests.test_bulk import answered_call

    batch = {"pg-1": answered_call(), "pg-2": answered_call(300)}
    first = call_events_ingest_bulk(calls=batch, source="cti")

    again = call_events_ingest_bulk(calls=batch, source="cti")

    assert (first.added, again.added, again.duplicates) == (12, 0, 12)
    assert CallEvent.objects.count() == 12


def test_the_same_bulk_batch_sent_concurrently_is_stored_once():
    from calls.bulk import call_events_ingest_bulk
    from calls.tests.test_bulk import answered_call

    batch = {f"race-{n}": answered_call(60 * n) for n in range(20)}

    _results, errors = run_concurrently(4, lambda i: call_events_ingest_bulk(
        calls=batch, source="cti"))

    assert errors == []
    assert (Call.objects.count(), CallEvent.objects.count()) == (20, 120)
    assert set(Call.objects.values_list("outcome", flat=True)) == {Outcome.ANSWERED}


def test_a_queue_log_file_imported_in_batches_twice_on_postgresql(tmp_path):
    from calls.queue_log import import_file
    from calls.tests.test_queue_log import _synthetic

    path = tmp_path / "queue_log"
    path.write_text(_synthetic(30))

    first = import_file(path, batch=11)
    again = import_file(path, batch=11)

    assert (first.added, again.added, again.duplicates) == (90, 0, 90)
    assert Call.objects.filter(outcome=Outcome.ANSWERED, wait_seconds=9).count() == 30


def test_agent_events_in_bulk_give_what_one_by_one_gives_on_postgresql():
    """Late logins replace an open session (one open session per agent, a partial unique
    index on PostgreSQL), logouts close it, pauses follow: as one by one."""
    from calls.bulk import agent_events_ingest_bulk
    from calls.ingest import agent_event_ingest
    from calls.models import AgentEvent, AgentSession, AgentState
    from calls.tests.test_bulk import agent_events, agent_world

    batches = [[(0, 0, 5), (0, 2, 6), (1, 0, 3), (0, 0, 2), (1, 1, 8)],
               [(0, 1, 9), (0, 0, 10), (1, 0, 1), (2, 3, 4), (0, 0, 10)]]
    for batch in batches:
        for event in agent_events(batch):
            agent_event_ingest(source="cti", **event)
    expected = agent_world()
    for model in (AgentEvent, AgentSession, AgentState):
        model.objects.all().delete()

    added = sum(agent_events_ingest_bulk(agent_events(batch), source="cti")
                for batch in batches)

    assert agent_world() == expected
    assert added == AgentEvent.objects.count() == 9
    assert AgentSession.objects.filter(ended_at__isnull=True).count() == 2
