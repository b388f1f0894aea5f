import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from diagnostics.models import FaultCode
from hotline.models import HandsetModel
from quality import selectors
from quality.selectors import Filters

BY = ("week", "month", "batch", "months_in_service")


class Command(BaseCommand):
    help = ("Print a model's failure trend (per 1,000 units in the field) by week, month, batch "
            "or months in service.")

    def add_arguments(self, parser):
        parser.add_argument("--model", required=True, help='as in the catalogue, e.g. "Nordline N5"')
        parser.add_argument("--fault", help="a fault code, e.g. CHG-01")
        parser.add_argument("--by", choices=BY, default="week")
        parser.add_argument("--start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args, model, fault, by, start, end, as_json: bool = False, **options):
        dates = {}
        for name, value in (("start", start), ("end", end)):
            try:
                dates[name] = datetime.date.fromisoformat(value)
            except ValueError:
                raise CommandError(f"--{name} {value!r}: expected YYYY-MM-DD.") from None
        if dates["start"] > dates["end"]:
            raise CommandError("--start is after --end.")
        found = next((m for m in HandsetModel.objects.all()
                      if str(m).casefold() == " ".join(model.split()).casefold()), None)
        if found is None:
            raise CommandError(f"--model {model!r}: not in the catalogue (e.g. \"Nordline N5\").")
        if fault and not FaultCode.objects.filter(pk=fault.upper()).exists():
            raise CommandError(f"--fault {fault!r}: unknown fault code.")
        f = Filters(start=dates["start"], end=dates["end"], model_id=found.pk,
                    fault_code=fault.upper() if fault else None)
        rows = {"week": selectors.weekly_trend, "month": selectors.monthly_trend,
                "batch": selectors.batch_comparison,
                "months_in_service": selectors.hazard}[by](f)
        if as_json:
            self.stdout.write(json.dumps({
                "model": str(found), "fault_code": f.fault_code, "by": by, "start": start,
                "end": end, "rows": rows}, indent=2, default=str, ensure_ascii=False))
            return
        keys = {"week": "week", "month": "month", "batch": "batch", "months_in_service": "label"}
        self.stdout.write(f"{found} {f.fault_code or 'all faults'} by {by}, {start} to {end}")
        self.stdout.write(f"{by:>18} {'failures':>9} {'units':>9} {'per 1000':>9}")
        for row in rows:
            rate = "-" if row["rate"] is None else f"{row['rate']:.3f}"
            units = "-" if row["units"] is None else row["units"]
            self.stdout.write(f"{row[keys[by]]!s:>18} {row['failures']:>9} {units!s:>9} {rate:>9}")
