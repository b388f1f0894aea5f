"""Asterisk queue_log importer.

A line is `time|callid|queue|agent|event|data...`. Asterisk 1.4/1.6 wrote the event's data as
fewer fields than 1.8+ does (e.g. EXITWITHTIMEOUT `position` versus `position|origposition|
waittime`, CONNECT `holdtime` versus `holdtime|uniqueid|ringtime`); both are read. Waits and
talk times are taken from the event timestamps, never from the data fields, so both layouts
give the same call. Spaces around the separators are ignored.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from calls.bulk import (
    agent_events_ingest_bulk,
    call_events_stage,
    call_events_store,
    commit_without_waiting,
    gc_paused,
)
from calls.ingest import CallEventError, agent_event_ingest, calls_close_open
from calls.models import AgentEventKind, EventKind, ImportCheckpoint
from hotline.timeutils import in_date_range

SOURCE = "queue_log"
BATCH_LINES = 20_000
FINGERPRINT_BYTES = 4096
EXITS = {
    "ABANDON": "abandon", "EXITWITHTIMEOUT": "timeout", "EXITWITHKEY": "key",
    "EXITEMPTY": "empty",
}
COMPLETES = {"COMPLETECALLER", "COMPLETEAGENT"}
TRANSFERS = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
AGENT_EVENTS = {
    "ADDMEMBER": AgentEventKind.LOGIN, "AGENTLOGIN": AgentEventKind.LOGIN,
    "REMOVEMEMBER": AgentEventKind.LOGOUT, "AGENTLOGOFF": AgentEventKind.LOGOUT,
    "PAUSE": AgentEventKind.PAUSED, "PAUSEALL": AgentEventKind.PAUSED,
    "UNPAUSE": AgentEventKind.UNPAUSED, "UNPAUSEALL": AgentEventKind.UNPAUSED,
}
CALL_EVENTS = {"ENTERQUEUE", "CONNECT", "RINGNOANSWER", "DID"} | set(EXITS) | COMPLETES | TRANSFERS


class MalformedLine(ValueError):
    pass


MAX_KEPT_ERRORS = 10_000  # beyond, only counted: a file of garbage must not fill the memory


@dataclass
class ImportReport:
    lines: int = 0
    added: int = 0
    duplicates: int = 0
    ignored: int = 0
    lost: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    resumed_at: int = 0  # the line a resumed import started after (0: from the start)

    def error(self, number: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append((number, message))


class Line(NamedTuple):  # not a frozen dataclass: built for every line, at half the cost
    at: datetime.datetime
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...]


def parse_time(text: str) -> datetime.datetime:
    """Read an epoch (Asterisk's file) or a local date-time (realtime tables) as aware UTC."""
    try:
        value = datetime.datetime.fromtimestamp(float(text), tz=datetime.UTC)
        if not in_date_range(value):
            raise MalformedLine(f"timestamp out of range {text!r}")
        return value
    except (ValueError, OverflowError, OSError):
        pass
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise MalformedLine(f"bad timestamp {text!r}") from None
    if not in_date_range(value):  # 0001-01-01 shifted to UTC overflows; 9999 is nonsense
        raise MalformedLine(f"timestamp out of range {text!r}")
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    return value


def parse_line(text: str) -> Line | None:
    """Parse one line; None for a blank line. Raise MalformedLine with the reason."""
    text = text.strip()
    if not text:
        return None
    fields = text.split("|")
    if len(text.split(None, 1)) > 1:  # whitespace inside: strip each field
        fields = [part.strip() for part in fields]
    if len(fields) < 5:
        raise MalformedLine(f"expected at least 5 fields separated by '|', got {len(fields)}")
    at = parse_time(fields[0])
    callid, queue, agent, event = fields[1], fields[2], fields[3], fields[4].upper()
    if not event:
        raise MalformedLine("no event name")
    data = list(fields[5:])
    while data and data[-1] == "":
        data.pop()
    if event in CALL_EVENTS and callid in ("", "NONE"):
        raise MalformedLine(f"{event} without a call id")
    if event == "ENTERQUEUE" and queue in ("", "NONE"):
        raise MalformedLine("ENTERQUEUE without a queue")
    if event in ("CONNECT", "RINGNOANSWER") and agent in ("", "NONE"):
        raise MalformedLine(f"{event} without an agent")
    if event in AGENT_EVENTS and agent in ("", "NONE"):
        raise MalformedLine(f"{event} without an agent")
    return Line(at=at, callid=callid, queue=queue, agent=agent if agent != "NONE" else "",
                event=event, data=tuple(data))


class QueueLogImporter:
    """Feed queue_log lines into the ingestion service, remembering per-call context."""

    def __init__(self) -> None:
        self.report = ImportReport()
        self._dialled: dict[str, str] = {}

    def feed(self, lines: Iterable[str], *, first_line: int = 1,
             batch: int = BATCH_LINES) -> ImportReport:
        """Import lines, `batch` at a time: a batch is parsed first, its call events are then
        stored in bulk (one fold per call) and the batch is committed once."""
        numbered = enumerate(lines, start=first_line)
        while True:
            chunk = list(itertools.islice(numbered, batch))
            if not chunk:
                return self.report
            with transaction.atomic():
                self._feed_batch(chunk)

    def _feed_batch(self, chunk: list[tuple[int, str]]) -> None:
        self._store(self._plan(chunk))

    def _plan(self, chunk: list[tuple[int, str]], vendor: str | None = None) -> list[tuple]:
        """Parse a batch into the steps that store it, in order: its agent lines (applied
        in bulk before the batch's calls, as they were applied line by line before the
        calls' flush), its call events (checked and keyed by `call_events_stage`), and at
        a restart both before the open calls are closed. No database work: an import
        plans its next batch while the database stores this one."""
        steps: list[tuple] = []
        pending: dict[str, list[tuple[int, dict]]] = {}
        agents: list[dict] = []
        for number, text in chunk:
            self.report.lines += 1
            try:
                line = parse_line(text)
                if line is None:
                    continue
                if line.event == "QUEUESTART":
                    self._plan_flush(steps, agents, pending, vendor)
                    steps.append(("restart", line.at))
                elif line.event in CALL_EVENTS and line.event != "DID":
                    for event in self._call_events(line):
                        pending.setdefault(line.callid, []).append((number, event))
                elif line.event in AGENT_EVENTS:
                    agents.append(self._agent_event(line))
                else:
                    self._apply(line)
            except (MalformedLine, CallEventError) as exc:
                self.report.error(number, str(exc))
        self._plan_flush(steps, agents, pending, vendor)
        return steps

    @staticmethod
    def _plan_flush(steps: list[tuple], agents: list[dict],
                    pending: dict[str, list[tuple[int, dict]]], vendor: str | None) -> None:
        if agents:
            steps.append(("agents", list(agents)))
            agents.clear()
        if pending:
            first_lines = {callid: numbered[0][0] for callid, numbered in pending.items()}
            staged = call_events_stage(
                calls={callid: [event for _number, event in numbered]
                       for callid, numbered in pending.items()},
                source=SOURCE, vendor=vendor)
            steps.append(("calls", (staged, first_lines)))
            pending.clear()

    def _store(self, steps: list[tuple]) -> None:
        """Apply a planned batch's steps in their order."""
        for kind, value in steps:
            if kind == "agents":
                added = agent_events_ingest_bulk(value, source=SOURCE)
                self.report.added += added
                self.report.duplicates += len(value) - added
            elif kind == "calls":
                staged, first_lines = value
                result = call_events_store(staged)
                self.report.added += result.added
                self.report.duplicates += result.duplicates
                for callid, message in result.errors:
                    self.report.error(first_lines.get(callid, 0), message)
            else:  # the platform restarted: its open calls are lost
                self.report.lost += calls_close_open(before=value, source=SOURCE)

    @staticmethod
    def _agent_event(line: Line) -> dict:
        key = f"{SOURCE}:agent:{line.agent}:{line.event}:{line.queue}:{line.at.timestamp()}"
        return {"agent": line.agent, "kind": AGENT_EVENTS[line.event], "at": line.at,
                "key": key}

    def _flush(self, pending: dict[str, list[tuple[int, dict]]]) -> None:
        steps: list[tuple] = []
        self._plan_flush(steps, [], pending, None)
        self._store(steps)

    def feed_line(self, number: int, text: str) -> None:
        """Import one line now (for --follow)."""
        self.report.lines += 1
        try:
            line = parse_line(text)
            if line is None:
                return
            if line.event in CALL_EVENTS and line.event != "DID":
                self._flush({line.callid: [(number, e) for e in self._call_events(line)]})
            else:
                self._apply(line)
        except (MalformedLine, CallEventError) as exc:
            self.report.error(number, str(exc))

    def _apply(self, line: Line) -> None:
        """Apply a line that is not a call event: restart, agent event, DID, unknown."""
        event = line.event
        if event == "QUEUESTART":
            self.report.lost += calls_close_open(before=line.at, source=SOURCE)
            return
        if event in AGENT_EVENTS:
            self._count(agent_event_ingest(source=SOURCE, **self._agent_event(line)))
            return
        if event == "DID":
            self._dialled[line.callid] = line.data[0] if line.data else ""
            return
        self.report.ignored += 1

    def _call_events(self, line: Line) -> list[dict]:
        events = []
        for kind, extra in self._events_for(line):
            key = f"{SOURCE}:{line.callid}:{line.event}:{kind}:{line.at.timestamp()}:{line.agent}"
            events.append({"kind": kind, "at": line.at, "agent": line.agent, "key": key,
                           **extra})
        return events

    def _events_for(self, line: Line) -> list[tuple[str, dict]]:
        event, data = line.event, line.data
        if event == "ENTERQUEUE":
            # data: url|callerid (1.4) or url|callerid|position (1.8+)
            caller = data[1] if len(data) > 1 else ""
            return [(EventKind.QUEUED, {"queue": line.queue, "caller": caller,
                                        "dialled": self._dialled.pop(line.callid, "")})]
        extra = {"queue": line.queue} if line.queue not in ("", "NONE") else {}
        if event == "CONNECT":
            return [(EventKind.ANSWERED, extra)]
        if event == "RINGNOANSWER":
            return [(EventKind.RING_NO_ANSWER, extra)]
        if event in COMPLETES:
            by = "caller" if event == "COMPLETECALLER" else "agent"
            return [(EventKind.ENDED, {**extra, "data": {"hung_up_by": by}})]
        if event in EXITS:
            return [(EventKind.ABANDONED, {**extra, "data": {"reason": EXITS[event]}})]
        # TRANSFER / BLINDTRANSFER: extension|context|...; ATTENDEDTRANSFER: method|data|...
        target = "@".join(part for part in data[:2] if part)
        return [(EventKind.TRANSFERRED, {**extra, "data": {"target": target, "how": event}}),
                (EventKind.ENDED, {**extra, "data": {"reason": "transfer"}})]

    def _count(self, created: bool) -> None:
        if created:
            self.report.added += 1
        else:
            self.report.duplicates += 1


def import_file(path: str | Path, *, resume: bool = False, batch: int = BATCH_LINES,
                progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import a whole queue_log file, streaming it `batch` lines at a time (the memory used
    does not grow with the file); malformed lines are reported and skipped.

    Each batch commits with a checkpoint (the file's byte offset and line number): with
    `resume`, an import interrupted earlier goes on after its last committed batch, and a
    file Asterisk appended to is read from where the last import stopped. `progress(lines,
    bytes)` is called after each batch with the lines and bytes read so far.

    A second thread reads and plans the next batch (parsing, keys, caller numbers) while
    the database stores this one: the two take turns on the GIL only when both are in
    Python, so on PostgreSQL the parsing hides behind the database's work. At most two
    batches are in memory.
    """
    path = Path(path)
    importer = QueueLogImporter()
    vendor = connection.vendor
    with open(path, "rb") as handle:
        checkpoint = _checkpoint(path, handle)
        offset, number = 0, 0
        if resume and checkpoint.offset and checkpoint.offset <= path.stat().st_size:
            offset, number = checkpoint.offset, checkpoint.line
            importer.report.resumed_at = number
        handle.seek(offset)

        def read_and_plan(number: int, offset: int):
            chunk, read = [], 0
            for raw in itertools.islice(handle, batch):
                read += len(raw)
                number += 1
                chunk.append((number, raw.decode("utf-8", errors="replace")))
            if not chunk:
                return None
            with gc_paused():
                return number, offset + read, importer._plan(chunk, vendor)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="queue_log") as planner, \
                gil_handed_over_quickly():
            planned = planner.submit(read_and_plan, number, offset)
            while (batch_plan := planned.result()) is not None:
                number, offset, steps = batch_plan
                planned = planner.submit(read_and_plan, number, offset)
                with transaction.atomic(), gc_paused():
                    commit_without_waiting()
                    importer._store(steps)
                    checkpoint.offset, checkpoint.line = offset, number
                    checkpoint.save(update_fields=["offset", "line", "updated_at"])
                if progress is not None:
                    progress(number, offset)
    return importer.report


GIL_SWITCH_SECONDS = 0.0005
_switch_lock = threading.Lock()
_switch = [0, 0.0]  # imports running now (any thread), the interval before the first


@contextlib.contextmanager
def gil_handed_over_quickly():
    """Shorten the interpreter's switch interval (5 ms by default) while an import's two
    threads run: the thread that stores a batch waits on the database some 55 times per
    batch, and each time the answer came while the planning thread held the GIL it waited
    up to the whole interval for it, while the database sat idle (up to a third of a
    batch's wall time on an idle machine). The planning thread loses nothing: it runs
    whenever the storing thread waits. Counted across threads: the interval is restored
    when the last import running ends."""
    with _switch_lock:
        if _switch[0] == 0:
            _switch[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch[1], GIL_SWITCH_SECONDS))
        _switch[0] += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch[0] -= 1
            if _switch[0] == 0:
                sys.setswitchinterval(_switch[1])


def _checkpoint(path: Path, handle) -> ImportCheckpoint:
    """Return this file's checkpoint, reset when the file is another one than last time:
    its first bytes (as many as were fingerprinted then) differ, so it was rotated or
    replaced."""
    head = handle.read(FINGERPRINT_BYTES)
    handle.seek(0)
    checkpoint, _ = ImportCheckpoint.objects.get_or_create(
        path=str(path.resolve())[:500], defaults={"fingerprint": _fingerprint(head)})
    known_length = int(checkpoint.fingerprint.split(":", 1)[0])
    if checkpoint.fingerprint != _fingerprint(head[:known_length]):
        checkpoint.offset, checkpoint.line = 0, 0
    checkpoint.fingerprint = _fingerprint(head)
    checkpoint.save()
    return checkpoint


def _fingerprint(head: bytes) -> str:
    return f"{len(head)}:{hashlib.sha256(head).hexdigest()}"


def follow_lines(path: str | Path, *, poll: float = 1.0,
                 keep_going: Callable[[], bool] = lambda: True) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) from the file as it grows, reopening it when rotated."""
    path = Path(path)
    number, handle, inode, pending = 0, open(path, encoding="utf-8", errors="replace"), None, ""
    inode = path.stat().st_ino
    try:
        while True:
            chunk = handle.readline()
            if chunk:
                pending += chunk
                if pending.endswith("\n"):
                    number += 1
                    yield number, pending
                    pending = ""
                continue
            if not keep_going():
                return
            time.sleep(poll)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if stat.st_ino != inode or stat.st_size < handle.tell():
                handle.close()
                handle, inode, number, pending = (
                    open(path, encoding="utf-8", errors="replace"), stat.st_ino, 0, "")
    finally:
        handle.close()
