import json

from django.core.management.base import BaseCommand

from hotline.imei import identify_imei


class Command(BaseCommand):
    help = "Check an IMEI and name its model from the TAC. Exit status 1 when it is refused."

    def add_arguments(self, parser):
        parser.add_argument("imei")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        identity = identify_imei(options["imei"])
        if options["json"]:
            self.stdout.write(json.dumps(identity.as_dict(), indent=2))
        else:
            status = "valid" if identity.valid else "REFUSED"
            self.stdout.write(f"{identity.imei}: {status}")
            if identity.valid:
                found = f"{identity.brand} {identity.model}" if identity.model_id else None
                self.stdout.write(f"  TAC {identity.tac}: {found or 'not in the catalogue'}")
            self.stdout.write(f"  {identity.reason}")
        if not identity.valid:
            raise SystemExit(1)
