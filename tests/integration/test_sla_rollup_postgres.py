"""The service-level report's roll-up (calls.rollup) on the real PostgreSQL: the report read
from the roll-up gives exactly the figures of the report computed from the calls, whatever
calls arrived, late or again, changed or went away, and whichever path wrote them."""

import datetime
import itertools
import math
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls import rollup
from calls.bulk import call_events_ingest_bulk
from calls.metrics import sla_report
from calls.models import Call, SlaRollup, SlaRollupDirty
from calls.tasks import calls_rollup_refresh
from calls.tests.factories import PARIS, make_call
from hotline.models import Handset
from hotline.tests.factories import HandsetFactory

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2026, 3, 2, tzinfo=PARIS)  # local midnight, a Monday
END = START + datetime.timedelta(days=3)
NUMBERS = ["", "+33600000001", "+33600000002", "+33600000003"]
_ids = itertools.count(1)


def _raw(**kwargs):
    with mock.patch.object(rollup, "rollup_enabled", return_value=False):
        return sla_report(**kwargs)


def _both(**kwargs):
    """Return the report from the roll-up and from the calls, with the same arguments."""
    SlaRollup.objects.count()  # the database is reachable before patching anything
    return sla_report(**kwargs), _raw(**kwargs)


def _handsets() -> list:
    found = list(Handset.objects.order_by("pk")[:3])
    while len(found) < 3:
        found.append(HandsetFactory())
    return found


calls_strategy = st.lists(st.tuples(
    st.integers(-86_400, 4 * 86_400),  # seconds from the period's start
    st.sampled_from([0, 0.25, 0.5]),  # waits in quarter seconds: sums exact in float
    st.sampled_from(["hotline", "sales"]),
    st.sampled_from(NUMBERS),
    st.sampled_from([None, 0, 1, 2]),
    st.sampled_from(["answered", "abandoned", "timeout", "lost", "waiting", "talking"]),
    st.integers(0, 90),
    st.integers(1, 900),
    st.booleans(),
), max_size=40)

changes_strategy = st.lists(st.tuples(
    st.sampled_from(["number", "handset", "wait", "outcome", "delete", "move"]),
    st.integers(0, 1_000),
    st.sampled_from(NUMBERS),
    st.sampled_from([None, 0, 1, 2]),
    st.integers(0, 90),
), max_size=8)

report_strategy = st.tuples(
    st.sampled_from(["15m", "30m", "1h", "day", "week"]),
    st.sampled_from(["interval", "queue", "total"]),
    st.sampled_from([None, "hotline"]),
    st.sampled_from([20, 7.5, 0, 30.25]),
    st.sampled_from([5, 0, 12.5]),
)


def _call(spec, handsets) -> Call:
    offset, fraction, queue, number, handset, kind, wait, talk, transferred = spec
    queued = START + datetime.timedelta(seconds=offset + fraction)
    wait = wait + fraction
    call = Call(telephony_id=f"p-{next(_ids)}", queue=queue, caller_number=number,
                caller_withheld=not number, queued_at=queued,
                queued_epoch=math.floor(queued.timestamp()),
                handset=None if handset is None else handsets[handset])
    second = datetime.timedelta(seconds=1)
    if kind in ("answered", "talking"):
        call.answered_at, call.wait_seconds, call.agent_id = queued + wait * second, wait, "A/1"
        call.outcome, call.transferred = "answered", transferred
        if kind == "answered":
            call.talk_seconds, call.wrapup_seconds = talk, 30
            call.ended_at = call.answered_at + talk * second
    elif kind == "lost":
        call.answered_at, call.wait_seconds, call.outcome = queued + wait * second, wait, "lost"
    elif kind != "waiting":
        call.ended_at, call.wait_seconds, call.outcome = queued + wait * second, wait, kind
    return call


def _change(change, handsets) -> None:
    what, index, number, handset, wait = change
    calls = list(Call.objects.order_by("pk"))
    if not calls:
        return
    call = calls[index % len(calls)]
    if what == "delete":
        call.delete()
        return
    if what == "number":
        call.caller_number = number
    elif what == "handset":
        call.handset = None if handset is None else handsets[handset]
    elif what == "wait" and call.wait_seconds is not None:
        call.wait_seconds = wait
    elif what == "outcome":
        call.outcome = "abandoned" if call.outcome == "answered" else "answered"
    elif what == "move":  # a late correction of the queue time: another bucket, or none
        call.queued_at = call.queued_at + datetime.timedelta(hours=wait - 45)
        call.queued_epoch = math.floor(call.queued_at.timestamp())
    call.save()


def _report_args(spec) -> dict:
    interval, group, queue, threshold, short_abandon = spec
    return {"start": START, "end": END, "interval": interval, "group": group, "queue": queue,
            "threshold": threshold, "short_abandon": short_abandon}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(first=calls_strategy, late=calls_strategy, changes=changes_strategy,
       reports=st.lists(report_strategy, min_size=1, max_size=3), refresh_between=st.booleans())
def test_the_rollup_report_equals_the_report_from_the_calls(first, late, changes, reports,
                                                             refresh_between):
    Call.objects.all().delete()
    handsets = _handsets()
    Call.objects.bulk_create([_call(spec, handsets) for spec in first])
    if refresh_between:
        rollup.rollup_refresh()

    Call.objects.bulk_create([_call(spec, handsets) for spec in late])  # late, any time
    for change in changes:
        _change(change, handsets)

    for spec in reports:
        from_rollup, from_calls = _both(**_report_args(spec))
        assert from_rollup == from_calls
    assert not SlaRollupDirty.objects.exists()


def test_the_report_reads_the_rollup_for_whole_buckets():
    make_call(queued=600)

    report = sla_report(start=START, end=END)

    assert report["total"]["offered"] == 1
    assert SlaRollup.objects.get().offered == 1
    assert not SlaRollupDirty.objects.exists()


def test_the_beat_task_brings_the_rollup_up_to_date():
    make_call(queued=600)
    make_call(queued=4000)

    refreshed = calls_rollup_refresh()

    assert refreshed == 2
    assert sum(SlaRollup.objects.values_list("offered", flat=True)) == 2
    assert not SlaRollupDirty.objects.exists()


def test_a_period_that_cuts_a_bucket_is_read_from_the_calls():
    make_call(queued=10 * 3600)

    with mock.patch.object(rollup, "rollup_rows") as rows:
        report = sla_report(start=START + datetime.timedelta(seconds=1), end=END)

    rows.assert_not_called()
    assert report["total"]["offered"] == 1


def test_the_operators_report_is_read_from_the_calls():
    make_call(queued=10 * 3600, agent="Agent/1001")

    with mock.patch.object(rollup, "rollup_rows") as rows:
        report = sla_report(start=START, end=END, group="operator")

    rows.assert_not_called()
    assert [row["key"] for row in report["rows"]] == ["Agent/1001"]


def test_calls_from_the_ingestion_paths_late_and_reimported_keep_the_rollup_exact():
    base = START + datetime.timedelta(hours=9)
    make_call(queued=0, caller="0612345678", base=base, telephony_id="a")
    make_call(queued=3600, caller="0612345679", abandoned=True, wait=4, base=base)
    assert sla_report(start=START, end=END)["total"]["resolved_first_contact"] == 1
    events = {"late": [
        {"kind": "queued", "at": base + datetime.timedelta(days=2), "queue": "hotline",
         "caller": "0612345678"},
        {"kind": "answered", "at": base + datetime.timedelta(days=2, seconds=30),
         "agent": "Agent/1002"}]}

    call_events_ingest_bulk(calls=events, source="test")
    call_events_ingest_bulk(calls=events, source="test")  # the same batch again
    make_call(queued=0, caller="0612345678", base=base, telephony_id="a")  # re-imported

    from_rollup, from_calls = _both(start=START, end=END)
    assert from_rollup == from_calls
    assert from_rollup["total"]["resolved_first_contact"] == 1  # "a" called again, "late" not
    assert from_rollup["total"]["offered"] == 3


def test_a_deleted_handset_changes_the_first_contact_resolution_in_the_rollup():
    handset = HandsetFactory()
    first = make_call(queued=3600, caller="")
    later = make_call(queued=7200, caller="")
    Call.objects.filter(pk__in=[first.pk, later.pk]).update(handset=handset)
    assert sla_report(start=START, end=END)["total"]["resolved_first_contact"] == 1

    handset.delete()

    from_rollup, from_calls = _both(start=START, end=END)
    assert from_rollup == from_calls
    assert from_rollup["total"]["resolved_first_contact"] == 2
