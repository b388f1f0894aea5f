import json

from django.core.management.base import BaseCommand, CommandError

from calls.erlang import StaffingError, predict, staffing_required


class Command(BaseCommand):
    help = ("Erlang C: the operators needed for a forecast, with the predicted service level, "
            "probability of waiting, ASA and occupancy; with --agents N, the predictions for "
            "that staffing.")

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=float, required=True, help="calls per interval")
        parser.add_argument("--interval", type=int, default=1800, help="seconds (default 1800)")
        parser.add_argument("--aht", type=float, required=True, help="average handle time, s")
        parser.add_argument("--target", type=float, default=0.8,
                            help="target service level as a fraction (default 0.8)")
        parser.add_argument("--answer-within", type=float, default=20,
                            help="service-level threshold in seconds (default 20)")
        parser.add_argument("--shrinkage", type=float, default=0.0,
                            help="share of paid time off the phones, e.g. 0.3")
        parser.add_argument("--max-occupancy", type=float, help="e.g. 0.85")
        parser.add_argument("--agents", type=int, help="predict for this many operators")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        try:
            if o["agents"] is not None:
                result = predict(agents=o["agents"], calls=o["calls"],
                                 interval_seconds=o["interval"], aht=o["aht"],
                                 answer_within=o["answer_within"]).__dict__
            else:
                result = staffing_required(
                    calls=o["calls"], interval_seconds=o["interval"], aht=o["aht"],
                    target=o["target"], answer_within=o["answer_within"],
                    shrinkage=o["shrinkage"], max_occupancy=o["max_occupancy"]).as_dict()
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
