import io

import pytest
from django.core.management import call_command

from calls.models import AgentSession, AgentState, AgentStatus, Call, CallEvent, Outcome
from calls.queue_log import MalformedLine, QueueLogImporter, parse_line

pytestmark = pytest.mark.django_db

# Asterisk 1.8+ layout: data1..data5 always written.
CURRENT = """\
1772438400|1772438400.1|hotline|NONE|DID|+33800100200||||
1772438400|1772438400.1|hotline|NONE|ENTERQUEUE||0612345678|1||
1772438418|1772438400.1|hotline|Agent/1001|CONNECT|18|1772438418.2|3||
1772438538|1772438400.1|hotline|Agent/1001|COMPLETECALLER|18|120|1||
"""
# Asterisk 1.4 layout: fewer data fields.
OLDER = """\
1772438400|1772438400.1|hotline|NONE|ENTERQUEUE||0612345678
1772438418|1772438400.1|hotline|Agent/1001|CONNECT|18
1772438538|1772438400.1|hotline|Agent/1001|COMPLETEAGENT|18|120
"""


def _import(text):
    return QueueLogImporter().feed(io.StringIO(text))


def test_the_current_layout_gives_wait_talk_and_dialled_number():
    _import(CURRENT)

    call = Call.objects.get(telephony_id="1772438400.1")
    assert (call.wait_seconds, call.talk_seconds, call.outcome) == (18, 120, Outcome.ANSWERED)
    assert call.dialled_number == "+33800100200"
    assert call.caller_number == "+33612345678"


def test_the_older_layout_gives_the_same_call():
    _import(OLDER)

    call = Call.objects.get(telephony_id="1772438400.1")
    assert (call.wait_seconds, call.talk_seconds, call.agent_id) == (18, 120, "Agent/1001")


def test_spaces_around_the_separators_are_ignored():
    line = parse_line(" 1772438400 | 1772438400.1 | hotline | NONE | ENTERQUEUE |  | 0612345678 ")

    assert (line.callid, line.queue, line.event, line.data) == (
        "1772438400.1", "hotline", "ENTERQUEUE", ("", "0612345678"))


def test_waits_come_from_the_timestamps_not_the_data_fields():
    _import("1772438400|c1|hotline|NONE|ENTERQUEUE||0612345678\n"
            "1772438430|c1|hotline|NONE|ABANDON|1|1|999\n")

    assert Call.objects.get().wait_seconds == 30


@pytest.mark.parametrize("event, data, outcome", [
    ("ABANDON", "1|1|30", Outcome.ABANDONED),
    ("EXITWITHTIMEOUT", "1", Outcome.TIMEOUT),
    ("EXITWITHTIMEOUT", "1|1|30", Outcome.TIMEOUT),
    ("EXITWITHKEY", "5|1", Outcome.EXIT_KEY),
    ("EXITWITHKEY", "5|1|1|30", Outcome.EXIT_KEY),
    ("EXITEMPTY", "1|1|30", Outcome.EXIT_EMPTY),
])
def test_each_exit_event_in_either_layout_gives_its_outcome(event, data, outcome):
    _import(f"1772438400|c1|hotline|NONE|ENTERQUEUE||0612345678\n"
            f"1772438430|c1|hotline|NONE|{event}|{data}\n")

    assert Call.objects.get().outcome == outcome


@pytest.mark.parametrize("event", ["TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"])
def test_each_transfer_event_ends_the_call_as_transferred(event):
    _import("1772438400|c1|hotline|NONE|ENTERQUEUE||0612345678\n"
            "1772438410|c1|hotline|Agent/1001|CONNECT|10|x|2\n"
            f"1772438500|c1|hotline|Agent/1001|{event}|2000|default|10|90|1\n")

    call = Call.objects.get()
    assert (call.outcome, call.talk_seconds) == (Outcome.TRANSFERRED, 90)


def test_ring_no_answer_does_not_answer_the_call():
    _import("1772438400|c1|hotline|NONE|ENTERQUEUE||0612345678\n"
            "1772438415|c1|hotline|Agent/1002|RINGNOANSWER|15000\n")

    assert Call.objects.get().answered_at is None


def test_a_malformed_line_is_reported_with_its_number_and_the_import_goes_on():
    report = _import("1772438400|c1|hotline|NONE|ENTERQUEUE||0612345678\n"
                     "this is not a queue_log line\n"
                     "yesterday|c2|hotline|NONE|ENTERQUEUE||0612345679\n"
                     "1772438430|c1|hotline|NONE|ABANDON|1|1|30\n")

    assert [number for number, _message in report.errors] == [2, 3]
    assert Call.objects.get(telephony_id="c1").outcome == Outcome.ABANDONED


def test_a_connect_without_an_agent_is_malformed():
    with pytest.raises(MalformedLine):
        parse_line("1772438418|c1|hotline|NONE|CONNECT|18")


def test_a_call_without_an_exit_before_a_restart_is_closed_as_lost_not_answered():
    _import("1772438400|c1|hotline|NONE|ENTERQUEUE||0612345678\n"
            "1772438410|c1|hotline|Agent/1001|CONNECT|10|x|2\n"
            "1772438500|NONE|NONE|NONE|QUEUESTART|\n")

    call = Call.objects.get()
    assert call.outcome == Outcome.LOST


def test_a_call_that_ended_before_a_restart_keeps_its_outcome():
    _import(CURRENT + "1772438600|NONE|NONE|NONE|QUEUESTART|\n")

    assert Call.objects.get().outcome == Outcome.ANSWERED


def test_importing_the_same_file_twice_adds_nothing():
    _import(CURRENT + "1772438600|NONE|NONE|NONE|QUEUESTART|\n")
    before = (Call.objects.count(), CallEvent.objects.count())

    report = _import(CURRENT + "1772438600|NONE|NONE|NONE|QUEUESTART|\n")

    assert (Call.objects.count(), CallEvent.objects.count()) == before
    assert report.added == 0


def test_members_added_and_removed_give_a_logged_in_session():
    _import("1772438000|NONE|hotline|Agent/1001|ADDMEMBER|\n"
            "1772441600|NONE|hotline|Agent/1001|REMOVEMEMBER|\n")

    session = AgentSession.objects.get()
    assert session.end_epoch - session.start_epoch == 3600


def test_the_command_reports_malformed_lines_on_stderr_and_counts(tmp_path):
    path = tmp_path / "queue_log"
    path.write_text(CURRENT + "garbage\n")
    out, err = io.StringIO(), io.StringIO()

    call_command("import_queue_log", str(path), stdout=out, stderr=err)

    assert "line 5:" in err.getvalue()
    assert "5 lines: 3 events added" in out.getvalue()


def test_follow_reads_lines_appended_while_it_runs_and_a_rotated_file(tmp_path):
    from calls.queue_log import follow_lines

    path = tmp_path / "queue_log"
    path.write_text("1|c1|q|NONE|ENTERQUEUE||1\n")
    idle = {"checks": 0}

    def keep_going():
        idle["checks"] += 1
        if idle["checks"] == 1:
            with open(path, "a") as handle:
                handle.write("2|c1|q|NONE|ABANDON|1|1|1\n")
        elif idle["checks"] == 2:
            path.rename(tmp_path / "queue_log.1")
            path.write_text("3|c2|q|NONE|ENTERQUEUE||2\n")
        return idle["checks"] < 4

    lines = list(follow_lines(path, poll=0, keep_going=keep_going))

    assert [(number, text.split("|")[1]) for number, text in lines] == [
        (1, "c1"), (2, "c1"), (1, "c2")]


def test_a_restart_of_asterisk_leaves_calls_from_other_sources_open():
    from calls.tests.factories import make_call

    other = make_call(talk=None)

    _import("1772438400|c1|hotline|NONE|ENTERQUEUE||0612345678\n"
            "1772500000|NONE|NONE|NONE|QUEUESTART|\n")

    other.refresh_from_db()
    assert (other.outcome, Call.objects.get(telephony_id="c1").outcome) == ("", Outcome.LOST)


def _synthetic(calls: int, start: int = 1772438400) -> str:
    lines = []
    for n in range(calls):
        t, callid = start + 60 * n, f"{start + 60 * n}.{n}"
        lines += [f"{t}|{callid}|hotline|NONE|ENTERQUEUE||06{n:08d}|1",
                  f"{t + 9}|{callid}|hotline|Agent/1001|CONNECT|9|{callid}x|2",
                  f"{t + 50}|{callid}|hotline|Agent/1001|COMPLETECALLER|9|41|1"]
    return "\n".join(lines) + "\n"


def test_a_file_imported_in_small_batches_gives_the_same_calls_as_in_one(tmp_path):
    from calls.queue_log import import_file

    path = tmp_path / "queue_log"
    path.write_text(_synthetic(20))
    import_file(path, batch=10_000)
    whole = list(Call.objects.order_by("telephony_id").values_list(
        "telephony_id", "wait_seconds", "talk_seconds", "outcome"))
    Call.objects.all().delete()

    report = import_file(path, batch=7)  # calls cut across batches

    assert report.added == 60
    assert list(Call.objects.order_by("telephony_id").values_list(
        "telephony_id", "wait_seconds", "talk_seconds", "outcome")) == whole


def test_an_interrupted_import_resumes_after_its_last_committed_batch(tmp_path, monkeypatch):
    from calls import queue_log

    path = tmp_path / "queue_log"
    path.write_text(_synthetic(10))
    store = queue_log.QueueLogImporter._store
    batches = {"n": 0}

    def interrupted(self, steps):
        batches["n"] += 1
        if batches["n"] == 3:
            raise KeyboardInterrupt
        return store(self, steps)

    monkeypatch.setattr(queue_log.QueueLogImporter, "_store", interrupted)
    with pytest.raises(KeyboardInterrupt):
        queue_log.import_file(path, batch=6, resume=True)
    monkeypatch.setattr(queue_log.QueueLogImporter, "_store", store)

    report = queue_log.import_file(path, batch=6, resume=True)

    assert (report.resumed_at, report.lines) == (12, 18)
    assert Call.objects.filter(outcome=Outcome.ANSWERED).count() == 10


def test_a_file_asterisk_appended_to_is_read_from_where_the_last_import_stopped(tmp_path):
    path = tmp_path / "queue_log"
    path.write_text(CURRENT)
    call_command("import_queue_log", str(path), stdout=io.StringIO())
    with open(path, "a") as handle:
        handle.write(_synthetic(1, start=1772500000))
    out = io.StringIO()

    call_command("import_queue_log", str(path), stdout=out)

    assert "3 lines (resumed after line 4): 3 events added" in out.getvalue()
    assert Call.objects.count() == 2


def test_another_file_at_the_same_path_is_read_from_its_start(tmp_path):
    path = tmp_path / "queue_log"
    path.write_text(CURRENT)
    call_command("import_queue_log", str(path), stdout=io.StringIO())
    path.write_text(_synthetic(2, start=1772500000))  # rotated: a new file
    out = io.StringIO()

    call_command("import_queue_log", str(path), stdout=out)

    assert "6 lines: 6 events added" in out.getvalue()


def test_the_command_shows_a_progress_bar_with_the_rate_when_asked(tmp_path, capsys):
    path = tmp_path / "queue_log"
    path.write_text(_synthetic(5))

    call_command("import_queue_log", str(path), "--progress", stdout=io.StringIO())

    assert "lines/s" in capsys.readouterr().err


AGENT_LOG = """1772438000|NONE|hotline|Agent/1001|ADDMEMBER|
1772438000|NONE|hotline|Agent/1002|ADDMEMBER|
1772438100|1772438100.1|hotline|NONE|ENTERQUEUE||0612345678|1
1772438105|1772438100.1|hotline|Agent/1001|CONNECT|5|x|2
1772438200|NONE|hotline|Agent/1002|PAUSE|
1772438200|NONE|hotline|Agent/1002|PAUSE|
1772438300|NONE|hotline|Agent/1002|UNPAUSE|
1772438400|NONE|hotline|Agent/1001|PAUSE|
1772438500|NONE|hotline|Agent/1002|REMOVEMEMBER|
1772437900|NONE|hotline|Agent/1002|ADDMEMBER|
1772438600|NONE|hotline|Agent/1003|AGENTLOGIN|
"""


def _agents_now():
    from calls.models import AgentSession

    return ({s.agent_id: (s.status, s.since, s.paused, s.call_id is not None)
             for s in AgentState.objects.all()},
            sorted(AgentSession.objects.values_list("agent_id", "started_at", "ended_at")))


def test_agent_lines_of_a_file_give_what_they_give_line_by_line(tmp_path):
    """A file's agent lines go in bulk, before the batch's calls: the same sessions, states
    and counts as the same lines fed one at a time (--follow), a late login included."""
    from calls.models import AgentEvent, AgentSession
    from calls.queue_log import QueueLogImporter, import_file

    importer = QueueLogImporter()
    for number, text in enumerate(AGENT_LOG.splitlines(), start=1):
        importer.feed_line(number, text)
    expected, expected_counts = _agents_now(), (importer.report.added,
                                                importer.report.duplicates)
    for model in (AgentEvent, AgentSession, AgentState, Call):
        model.objects.all().delete()
    path = tmp_path / "queue_log"
    path.write_text(AGENT_LOG)

    report = import_file(path)

    assert _agents_now() == expected
    assert (report.added, report.duplicates) == expected_counts == (10, 1)
    assert expected[0]["Agent/1001"][0] == AgentStatus.ON_CALL  # the pause waits for the call


def test_an_import_hands_the_gil_over_quickly_and_restores_the_interval_afterwards(tmp_path):
    import sys

    from calls.queue_log import GIL_SWITCH_SECONDS, import_file

    path = tmp_path / "queue_log"
    path.write_text(_synthetic(20))
    before, seen = sys.getswitchinterval(), []

    import_file(path, batch=15, progress=lambda *_: seen.append(sys.getswitchinterval()))

    assert len(seen) > 1
    assert set(seen) == {min(before, GIL_SWITCH_SECONDS)}
    assert sys.getswitchinterval() == before


def test_two_imports_at_once_restore_the_interval_when_the_last_one_ends():
    import sys

    from calls.queue_log import GIL_SWITCH_SECONDS, gil_handed_over_quickly

    before = sys.getswitchinterval()
    first, second = gil_handed_over_quickly(), gil_handed_over_quickly()

    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    during = sys.getswitchinterval()
    second.__exit__(None, None, None)

    assert during == min(before, GIL_SWITCH_SECONDS)
    assert sys.getswitchinterval() == before
