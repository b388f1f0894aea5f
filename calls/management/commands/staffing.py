import json

from django.core.management.base import BaseCommand, CommandError

from calls.erlang import STAFFING_KEYS, StaffingError, staffing_answer
from calls.forecast import plan_day
from calls.metrics import sl_threshold
from hotline.timeutils import parse_bounded_date


class Command(BaseCommand):
    help = ("Erlang C: the operators needed for a forecast, with the predicted service level, "
            "probability of waiting, ASA and occupancy; with --agents N, the predictions for "
            "that staffing.")

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=float, help="calls per interval")
        parser.add_argument("--interval", type=int, default=1800, help="seconds (default 1800)")
        parser.add_argument("--aht", type=float, help="average handle time, s")
        parser.add_argument("--target", type=float, default=0.8,
                            help="target service level as a fraction (default 0.8)")
        parser.add_argument("--answer-within", type=float,
                            help="service-level threshold in seconds (default: the setting "
                                 "CALLS_SL_THRESHOLD)")
        parser.add_argument("--shrinkage", type=float, default=0.0,
                            help="share of paid time off the phones, e.g. 0.3")
        parser.add_argument("--max-occupancy", type=float, help="e.g. 0.85")
        parser.add_argument("--agents", type=int, help="predict for this many operators")
        parser.add_argument("--day", help="plan this day (ISO date) from the forecast: the "
                            "same weekday and interval over the last --weeks weeks of calls")
        parser.add_argument("--weeks", type=int, default=4)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        if o["answer_within"] is None:
            o["answer_within"] = sl_threshold()
        if o["day"]:
            return self._plan(o)
        if o["calls"] is None or o["aht"] is None:
            raise CommandError("give --calls and --aht (or --day to plan from the forecast)")
        try:
            result = staffing_answer(**{key: o[key] for key in STAFFING_KEYS
                                        if o.get(key) is not None})
        except StaffingError as exc:
            raise CommandError(str(exc)) from None
        if o["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(f"traffic: {result['traffic_erlangs']:.2f} Erlangs")
        if "agents_with_shrinkage" in result:
            self.stdout.write(f"operators needed: {result['agents']} on the phones, "
                              f"{result['agents_with_shrinkage']} rostered with "
                              f"{result['shrinkage']:.0%} shrinkage")
        else:
            self.stdout.write(f"operators: {result['agents']}")
        asa = "-" if result["asa"] is None else f"{result['asa']:.1f} s"
        self.stdout.write(
            f"service level: {result['service_level']:.1%} answered within "
            f"{o['answer_within']:g} s\nprobability of waiting: {result['probability_wait']:.1%}"
            f"\nASA: {asa}\noccupancy: {result['occupancy']:.1%}")

    def _plan(self, o):
        day = parse_bounded_date(o["day"])
        if day is None:
            raise CommandError(f"--day: expected an ISO date from 2000 to 2100, got {o['day']!r}")
        try:
            plan = plan_day(day=day, interval_seconds=o["interval"], target=o["target"],
                            answer_within=o["answer_within"], shrinkage=o["shrinkage"],
                            max_occupancy=o["max_occupancy"], weeks=o["weeks"])
        except StaffingError as exc:
            raise CommandError(str(exc)) from None
        rows = [{"start": row.start.isoformat(), "end": row.end.isoformat(),
                 "calls": row.calls, "aht": row.aht, "agents": row.agents,
                 "agents_with_shrinkage": row.agents_with_shrinkage, "rostered": row.rostered,
                 "predicted_service_level": row.predicted_service_level, "gap": row.gap}
                for row in plan if row.calls or row.rostered]
        if o["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        self.stdout.write(f"{'interval':<13}{'calls':>8}{'AHT':>8}{'needed':>8}"
                          f"{'rostered':>10}{'+shrink':>9}{'gap':>6}")
        for row in rows:
            self.stdout.write(
                f"{row['start'][11:16]}-{row['end'][11:16]}  {row['calls']:>8.1f}"
                f"{row['aht'] or 0:>8.0f}{row['agents']:>8}{row['rostered']:>10}"
                f"{row['agents_with_shrinkage']:>9}{row['gap']:>6}")
