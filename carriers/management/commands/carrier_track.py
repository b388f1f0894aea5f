import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from carriers.domain import CarrierError
from carriers.registry import carrier_get


class Command(BaseCommand):
    help = ("Ask a courier about a tracking number and print the normalised events "
            "(status, reason, the courier's own code and text, location, time).")

    def add_arguments(self, parser):
        parser.add_argument("tracking_number")
        parser.add_argument("--carrier", required=True, help="carrier code, e.g. sandbox, mydhl")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, tracking_number, carrier, json: bool = False, **options):
        try:
            adapter = carrier_get(carrier)
            events = adapter.track([tracking_number])
        except CarrierError as exc:
            raise CommandError(exc.message) from None
        valid = adapter.tracking_number_is_valid(tracking_number)
        events = sorted(events, key=lambda e: e.occurred_at)
        if json:
            self.stdout.write(_dumps({
                "carrier": carrier, "tracking_number": tracking_number,
                "tracking_number_valid": valid,
                "events": [{"occurred_at": e.occurred_at.isoformat(), "status": e.status,
                            "reason": e.reason, "raw_code": e.raw_code, "raw_text": e.raw_text,
                            "location": e.location} for e in events]}))
            return
        if not valid:
            self.stdout.write(self.style.WARNING(
                f"warning: {tracking_number} fails the {adapter.name} check digit"))
        if not events:
            self.stdout.write(f"{adapter.name} has no events for {tracking_number} yet.")
        for e in events:
            reason = f" ({e.reason})" if e.reason else ""
            where = f" @ {e.location}" if e.location else ""
            when = timezone.localtime(e.occurred_at)
            self.stdout.write(f"{when:%Y-%m-%d %H:%M %z}  {e.status}{reason}{where}  "
                              f"[{e.raw_code}] {e.raw_text}")


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
