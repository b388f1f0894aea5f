import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from calls.metrics import GROUPS, sla_report
from hotline.timeutils import parse_bounded_date, parse_bounded_datetime

COLUMNS = [
    ("offered", "offered"), ("answered", "answd"), ("abandoned", "aband"),
    ("short_abandoned", "short"), ("service_level", "SL"), ("service_level_offered", "SL2"),
    ("asa", "ASA"), ("average_wait", "wait"), ("p90_wait", "p90"), ("longest_wait", "max"),
    ("aht", "AHT"), ("average_talk", "talk"), ("abandonment_rate", "aband%"),
    ("transfer_rate", "xfer%"), ("first_contact_resolution", "FCR"), ("occupancy", "occ"),
]


def parse_moment(value: str, name: str) -> datetime.datetime:
    moment = parse_bounded_datetime(value)
    if moment is None:
        raise CommandError(f"--{name}: expected an ISO date or date-time from 2000 to 2100, "
                           f"got {value!r}")
    return moment


def parse_end(value: str) -> datetime.datetime:
    """Return the period's end: a date is the last day, included (as "To (included)" on the
    report page); a date-time is the moment the period ends, excluded."""
    day = parse_bounded_date(value)
    if day is not None:
        return parse_moment((day + datetime.timedelta(days=1)).isoformat(), "end")
    return parse_moment(value, "end")


class Command(BaseCommand):
    help = ("Print the service-level metrics per interval (or queue, or operator) and for the "
            "whole period; docs/metrics.md defines each figure. --start 2026-11-23 --end "
            "2026-11-29 covers both days, as the report page's From and To (included).")

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="ISO date or date-time (local time)")
        parser.add_argument("--end", required=True,
                            help="the last day, included (ISO date, as the report page's "
                                 "'To (included)'), or an ISO date-time at which the period "
                                 "ends, excluded")
        parser.add_argument("--queue")
        parser.add_argument("--agent", help="one operator's agent id, e.g. Agent/1001")
        parser.add_argument("--interval", default="30m",
                            help="15m, 30m, 1h, day, week or month (default 30m)")
        parser.add_argument("--by", default="interval", choices=GROUPS,
                            help="group rows by interval (default), queue or operator")
        parser.add_argument("--threshold", type=float,
                            help="service-level threshold in seconds (default: the setting "
                                 "CALLS_SL_THRESHOLD)")
        parser.add_argument("--short-abandon", type=float,
                            help="abandons within this many seconds are short (default: the "
                                 "setting CALLS_SHORT_ABANDON)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        start = parse_moment(options["start"], "start")
        end = parse_end(options["end"])
        try:
            report = sla_report(start=start, end=end, interval=options["interval"],
                                threshold=options["threshold"],
                                short_abandon=options["short_abandon"], queue=options["queue"],
                                agent=options["agent"], group=options["by"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(f"{report['start']} .. {report['end']}  SL at "
                          f"{report['threshold_seconds']:g} s, short abandons <= "
                          f"{report['short_abandon_seconds']:g} s")
        header = f"{report['group']:<26}" + "".join(f"{label:>8}" for _k, label in COLUMNS)
        self.stdout.write(header)
        for row in report["rows"]:
            self.stdout.write(self._line(str(row["key"] or "-"), row))
        self.stdout.write(self._line("total", report["total"]))

    def _line(self, label: str, row: dict) -> str:
        cells = []
        for key, _label in COLUMNS:
            value = row.get(key)
            if value is None:
                cells.append(f"{'-':>8}")
            elif key.endswith(("rate", "level", "offered", "resolution", "occupancy")) \
                    and isinstance(value, float):
                cells.append(f"{value * 100:>7.1f}%")
            elif isinstance(value, float):
                cells.append(f"{value:>8.1f}")
            else:
                cells.append(f"{value:>8}")
        return f"{label[:25]:<26}" + "".join(cells)
