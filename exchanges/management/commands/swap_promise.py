"""Print the delivery promise an operator would see for a swap from a warehouse."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from exchanges.models import Warehouse
from exchanges.swaps.services import swap_promise
from hotline.timeutils import in_date_range
from hotline.validators import normalise_country, normalise_postcode


class Command(BaseCommand):
    help = "Print the promised delivery of a swap booked at a time from a warehouse."

    def add_arguments(self, parser):
        parser.add_argument("--warehouse", required=True, help="warehouse code, e.g. PAR")
        parser.add_argument("--postcode", required=True)
        parser.add_argument("--country", default="FR")
        parser.add_argument("--at", default="", help="ISO date-time of the booking (now)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        warehouse = Warehouse.objects.filter(code__iexact=options["warehouse"]).first()
        if warehouse is None:
            known = ", ".join(Warehouse.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"Unknown warehouse {options['warehouse']!r} (known: {known}).")
        try:
            country = normalise_country(options["country"])
            postcode = normalise_postcode(options["postcode"], country)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        at = timezone.now()
        if options["at"]:
            try:
                at = parse_datetime(options["at"])
            except ValueError:  # well-formed but impossible, e.g. month 13
                at = None
            if at is None or not in_date_range(at):
                raise CommandError("--at must be an ISO date-time between 2000 and 2100, "
                                   "e.g. 2026-12-24T16:30+01:00")
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        promise = swap_promise(warehouse=warehouse, postcode=postcode, country=country, at=at)
        if options["json"]:
            self.stdout.write(json.dumps({"warehouse": warehouse.code, **promise.as_dict()},
                                         indent=2))
            return
        local = timezone.localtime(promise.deliver_by)
        self.stdout.write(f"Warehouse {warehouse.code} (cut-off {warehouse.cutoff:%H:%M}), "
                          f"booked {timezone.localtime(at):%a %Y-%m-%d %H:%M}")
        self.stdout.write(f"Ships on   {promise.ships_on:%a %Y-%m-%d}")
        self.stdout.write(f"Delivered  by {local:%a %Y-%m-%d %H:%M}"
                          f" ({promise.hours_from_booking:.1f} h)")
        for reason in promise.reasons:
            self.stdout.write(f"  - {reason}")
