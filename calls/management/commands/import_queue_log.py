from django.core.management.base import BaseCommand, CommandError

from calls.queue_log import QueueLogImporter, follow_lines


class Command(BaseCommand):
    help = ("Import an Asterisk queue_log file (both field layouts). Malformed lines are "
            "reported with their line number and skipped; importing a file twice adds nothing. "
            "With --follow, keep reading as Asterisk appends (Ctrl-C to stop).")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--follow", action="store_true",
                            help="keep reading new lines as they are written, like tail -f")
        parser.add_argument("--poll", type=float, default=1.0,
                            help="seconds between checks for new lines with --follow")

    def handle(self, *args, path, follow, poll, **options):
        importer = QueueLogImporter()
        reported = 0
        try:
            if follow:
                for number, line in follow_lines(path, poll=poll):
                    importer.feed_line(number, line)
                    reported = self._errors(importer, reported)
            else:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    importer.feed(handle)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except KeyboardInterrupt:
            pass
        self._errors(importer, reported)
        report = importer.report
        self.stdout.write(
            f"{report.lines} lines: {report.added} events added, {report.duplicates} already "
            f"known, {report.ignored} ignored, {report.lost} calls closed as lost by a restart, "
            f"{len(report.errors)} malformed")

    def _errors(self, importer, reported: int) -> int:
        for number, message in importer.report.errors[reported:]:
            self.stderr.write(f"line {number}: {message}")
        return len(importer.report.errors)
