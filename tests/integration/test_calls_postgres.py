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
