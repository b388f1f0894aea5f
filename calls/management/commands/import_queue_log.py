import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from calls.queue_log import BATCH_LINES, QueueLogImporter, follow_lines, import_file

SHOWN_ERRORS = 1000


class Command(BaseCommand):
    help = ("Import an Asterisk queue_log file (both field layouts), streaming it in batches "
            "stored in bulk. Malformed lines are reported with their line number and skipped; "
            "importing a file twice adds nothing. An interrupted import resumes after its last "
            "committed batch, and a file Asterisk appended to is read from where the last "
            "import stopped (--from-start reads it all again). With --follow, keep reading as "
            "Asterisk appends (Ctrl-C to stop).")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--follow", action="store_true",
                            help="keep reading new lines as they are written, like tail -f")
        parser.add_argument("--poll", type=float, default=1.0,
                            help="seconds between checks for new lines with --follow")
        parser.add_argument("--from-start", action="store_true",
                            help="read the whole file again instead of resuming where the "
                                 "last import of this file stopped")
        parser.add_argument("--batch", type=int, default=BATCH_LINES,
                            help=f"lines per committed batch (default {BATCH_LINES})")
        parser.add_argument("--progress", action="store_true", default=None,
                            help="show a progress bar (default: when the terminal is one)")
        parser.add_argument("--no-progress", action="store_false", dest="progress")

    def handle(self, *args, path, follow, poll, from_start, batch, progress, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        started = time.monotonic()
        try:
            if follow:
                importer = QueueLogImporter()
                reported = 0
                try:
                    for number, line in follow_lines(path, poll=poll):
                        importer.feed_line(number, line)
                        reported = self._errors(importer.report, reported)
                except KeyboardInterrupt:
                    pass
                report = importer.report
            else:
                report = self._import(Path(path), resume=not from_start, batch=batch,
                                      progress=progress)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        if not follow:
            self._errors(report, 0)
        if report.error_count > SHOWN_ERRORS:
            self.stderr.write(f"... and {report.error_count - SHOWN_ERRORS} more malformed lines")
        took = max(time.monotonic() - started, 1e-6)
        resumed = f" (resumed after line {report.resumed_at})" if report.resumed_at else ""
        self.stdout.write(
            f"{report.lines} lines{resumed}: {report.added} events added, {report.duplicates} "
            f"already known, {report.ignored} ignored, {report.lost} calls closed as lost by a "
            f"restart, {report.error_count} malformed; {report.lines / took:,.0f} lines/s")

    def _import(self, path: Path, *, resume: bool, batch: int, progress):
        size = path.stat().st_size
        show = sys.stderr.isatty() if progress is None else progress
        with tqdm(total=size, unit="B", unit_scale=True, unit_divisor=1024, disable=not show,
                  desc=path.name, file=sys.stderr) as bar:
            def advance(lines: int, offset: int) -> None:
                bar.update(offset - bar.n)
                rate = lines / max(bar.format_dict["elapsed"], 1e-6)
                bar.set_postfix_str(f"{lines:,} lines, {rate:,.0f} lines/s")

            return import_file(path, resume=resume, batch=batch, progress=advance)

    def _errors(self, report, reported: int) -> int:
        for number, message in report.errors[reported:SHOWN_ERRORS]:
            self.stderr.write(f"line {number}: {message}")
        return len(report.errors)
