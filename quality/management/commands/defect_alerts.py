import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from quality.models import Alert, AlertStatus
from quality.warning import alert_json, alerts_scan, last_complete_week


class Command(BaseCommand):
    help = "Run the early-warning scan as of a date and print the open alerts."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD: scan the week ended by then")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args, as_of, as_json: bool = False, **options):
        try:
            day = datetime.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"--as-of {as_of!r}: expected YYYY-MM-DD.") from None
        alerts_scan(as_of=day)
        week = last_complete_week(day)
        alerts = (Alert.objects.exclude(status=AlertStatus.RESOLVED).filter(detected_week__lte=week)
                  .select_related("model", "batch").order_by("-statistic", "id"))
        if as_json:
            self.stdout.write(_dumps({"as_of": day.isoformat(),
                                      "alerts": [_short(a) for a in alerts]}))
            return
        if not alerts:
            self.stdout.write(f"as of {day}: no open alert.")
            return
        self.stdout.write(f"as of {day}: {len(alerts)} open alert(s)")
        for a in alerts:
            batch = f" batch {a.batch.code}" if a.batch_id else ""
            self.stdout.write(f"  {a.model} {a.fault_code_id}{batch}: since {a.first_week}, "
                              f"observed {a.observed}, expected {a.expected:.1f}, "
                              f"statistic {a.statistic:.2f} ({a.method})")


def _short(alert) -> dict:
    data = alert_json(alert)
    data.pop("status")
    return data


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
