from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from carriers import services


class Command(BaseCommand):
    help = ("Release the sandbox courier's events due by --until (default: now) through the "
            "webhook ingestion path. The beat task does this every minute.")

    def add_arguments(self, parser):
        parser.add_argument("--until", help="ISO date-time with offset, e.g. 2026-11-25T18:00+01:00")

    def handle(self, *args, until=None, **options):
        moment = None
        if until:
            try:
                moment = parse_datetime(until)
            except ValueError:  # well-formed but impossible, e.g. month 13
                moment = None
            if moment is None or moment.tzinfo is None:
                raise CommandError("--until must be an ISO date-time with a UTC offset.")
        result = services.sandbox_advance(until=moment)
        self.stdout.write(f"released {result.received} event(s): {result.stored} stored, "
                          f"{result.changed} status change(s), {result.duplicates} duplicate(s)")
