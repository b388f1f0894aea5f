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


def test_ids_and_caller_ids_with_tabs_newlines_and_backslashes_are_stored_as_sent():
    """The SQL fold's stage rows go as COPY text written by calls.fold_sql.staged: every
    character COPY escapes must come back as it was sent."""
    from calls.bulk import call_events_ingest_bulk

    odd = "a\tb\nc\rd\\e \\N é"
    events = [{"kind": "queued", "at": at(0), "queue": f"q {odd}", "caller": f"{odd} <0612345678>",
               "key": f"key {odd}", "data": {"note": odd}},
              {"kind": "answered", "at": at(12), "agent": f"Agent/{odd}"},
              {"kind": "ended", "at": at(60), "agent": f"Agent/{odd}"}]

    result = call_events_ingest_bulk(calls={f"call {odd}": events}, source="cti")

    call = Call.objects.get()
    stored = CallEvent.objects.get(kind="queued")
    assert (result.added, call.telephony_id, call.queue, call.caller_raw, call.caller_number,
            call.agent_id) == (3, f"call {odd}", f"q {odd}", f"{odd} <0612345678>",
                               "+33612345678", f"Agent/{odd}")
    assert (stored.key, stored.data["note"]) == (f"key {odd}", odd)


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


# The SQL fold (calls.fold_sql) against the Python fold and the one-event path, on
# PostgreSQL: the same calls, to the last bit of every figure, whatever the batches.

FOLD_FIELDS = ["queue", "caller_raw", "caller_number", "caller_withheld", "dialled_number",
               "queued_at", "queued_epoch", "answered_at", "agent_id", "operator_id",
               "ended_at", "wrapup_done_at", "wait_seconds", "talk_seconds", "hold_seconds",
               "wrapup_seconds", "transferred", "outcome", "customer_id"]


IDENTITY = {"queue", "caller_raw", "caller_number", "caller_withheld", "dialled_number",
            "customer_id"}


def _calls_by_suffix(prefix):
    return {call["telephony_id"][len(prefix):]: {name: call[name] for name in FOLD_FIELDS}
            for call in Call.objects.filter(telephony_id__startswith=prefix)
            .values("telephony_id", *FOLD_FIELDS)}


def _rich_event(kind, tenths, agent, reason, extra):
    event = {"kind": kind, "at": at(tenths / 10), "agent": agent}
    if kind == "abandoned":
        event["data"] = {"reason": reason}
    if extra == "queue":
        event["queue"] = "second-level"
    elif extra == "caller":
        event["caller"] = "0698765432"
    elif extra == "withheld":
        event["caller"], event["data"] = "0611111111", {"withheld": True}
    return event


def _fold_strategies():
    from hypothesis import strategies as st

    kinds = ["answered", "held", "resumed", "held", "resumed", "transferred", "ended",
             "abandoned", "lost", "wrapup_done", "ring_no_answer"]
    event = st.builds(_rich_event, st.sampled_from(kinds), st.integers(0, 3000),
                      st.sampled_from(["Agent/1001", "Agent/1002", ""]),
                      st.sampled_from(["abandon", "TIMEOUT", "key", "exit_empty", "other"]),
                      st.sampled_from(["", "", "", "queue", "caller", "withheld"]))
    call = st.builds(
        lambda tenths, caller, dialled, rest, queued: (
            [{"kind": "queued", "at": at(tenths / 10), "queue": "hotline", "caller": caller,
              "dialled": dialled}] if queued else []) + rest,
        st.integers(0, 600),
        st.sampled_from(["0612345678", "anonymous", "12", "+33698765432", "", "<0633333333>",
                         "Private", "+447700900123"]),
        st.sampled_from(["+33800100200", ""]), st.lists(event, max_size=8), st.booleans())
    return st.lists(call, min_size=1, max_size=6), st.integers(1, 4), st.integers(0, 1000)


def test_the_sql_fold_gives_what_the_python_fold_and_one_event_at_a_time_give(monkeypatch):
    """Fractions of seconds, holds in any order, lost and late answers, withheld numbers,
    a known customer and operator, the caller or queue named late: any events, shuffled
    into 1 to 4 batches."""
    from hypothesis import HealthCheck, given, settings

    from calls import bulk
    from calls.tests.test_bulk import in_batches, one_by_one
    from hotline.models import Profile
    from hotline.tests.factories import CustomerFactory, UserFactory

    Profile.objects.update_or_create(user=UserFactory(), defaults={"agent_id": "Agent/1001"})
    CustomerFactory(phone="+33612345678")
    runs = iter(range(10**6))
    calls_strategy, batches_strategy, seeds = _fold_strategies()

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(calls=calls_strategy, batches=batches_strategy, seed=seeds)
    def check(calls, batches, seed):
        run = next(runs)
        for n, events in enumerate(calls):
            one_by_one(f"one{run}-{n}", events)
        monkeypatch.setattr(bulk, "FOLD_IN_SQL", False)
        in_batches({f"py{run}-{n}": events for n, events in enumerate(calls)},
                   batches=batches, seed=seed)
        monkeypatch.setattr(bulk, "FOLD_IN_SQL", True)
        in_batches({f"sql{run}-{n}": events for n, events in enumerate(calls)},
                   batches=batches, seed=seed)

        sql = _calls_by_suffix(f"sql{run}-")
        assert sql == _calls_by_suffix(f"py{run}-")
        # the identity (queue, numbers, customer) is the first one received, by every path:
        # the shuffled batches may receive another one first than the events in order
        timing = {call: {name: value for name, value in figures.items()
                         if name not in IDENTITY} for call, figures in sql.items()}
        assert timing == {call: {name: value for name, value in figures.items()
                                 if name not in IDENTITY}
                          for call, figures in _calls_by_suffix(f"one{run}-").items()}

    check()


def test_a_queue_log_import_gives_the_same_calls_and_sla_report_with_either_fold(
        tmp_path, monkeypatch):
    """Every kind of queue_log line, calls cut across batches, a restart: the SQL fold's
    calls table and SLA report are the Python fold's."""
    import random

    from calls import bulk
    from calls.models import AgentEvent, AgentSession, AgentState, ImportCheckpoint
    from calls.queue_log import import_file

    rng = random.Random(18)
    lines, t = [], 1_772_438_400
    for n in range(300):
        t += rng.randint(0, 40)
        callid = f"{t}.{n}"
        wait = rng.randint(0, 60) + rng.choice([0, 0.25, 0.5])
        agent = f"Agent/{1001 + rng.randrange(5)}"
        lines.append(f"{t}|{callid}|hotline|NONE|DID|+33800100200")
        caller = rng.choice([f"06{rng.randrange(10**8):08d}", "anonymous", "0612345678"])
        lines.append(f"{t}|{callid}|hotline|NONE|ENTERQUEUE||{caller}|1")
        roll = rng.random()
        if roll < 0.2:
            exit_event = rng.choice(["ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"])
            lines.append(f"{t + wait}|{callid}|hotline|NONE|{exit_event}|1|1|{wait}")
            continue
        if roll < 0.3:
            lines.append(f"{t + 2}|{callid}|hotline|{agent}|RINGNOANSWER|2000")
        talk = rng.randint(20, 400)
        lines.append(f"{t + wait}|{callid}|hotline|{agent}|CONNECT|{wait}|x|2")
        if roll < 0.4:
            lines.append(f"{t + wait + talk}|{callid}|hotline|{agent}|BLINDTRANSFER|2000|ctx")
        elif roll < 0.95:
            end = rng.choice(["COMPLETECALLER", "COMPLETEAGENT"])
            lines.append(f"{t + wait + talk}|{callid}|hotline|{agent}|{end}|{wait}|{talk}|1")
        if n % 40 == 0:
            lines.append(f"{t}|NONE|hotline|{agent}|PAUSE|")
        if n == 150:
            lines.append(f"{t + 1}|NONE|NONE|NONE|QUEUESTART|")
    rng.shuffle(lines[-60:])  # some lines out of order at the end
    path = tmp_path / "queue_log"
    path.write_text("\n".join(lines) + "\n")

    def imported(fold_in_sql):
        for model in (CallEvent, Call, AgentEvent, AgentSession, AgentState, ImportCheckpoint):
            model.objects.all().delete()
        monkeypatch.setattr(bulk, "FOLD_IN_SQL", fold_in_sql)
        import_file(path, batch=97)
        report = sla_report(start=at(0, datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)),
                            end=at(0, datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC)))
        calls = sorted(Call.objects.values_list("telephony_id", *FOLD_FIELDS))
        states = sorted(AgentState.objects.values_list("agent_id", "status", "since",
                                                       "call__telephony_id"))
        return calls, report, states

    python_fold = imported(False)
    sql_fold = imported(True)

    assert len(sql_fold[0]) == 300
    assert sql_fold == python_fold
