import uuid
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carriers import services
from carriers.domain import Address, CarrierError, Parcel, Service
from carriers.sandbox import SCENARIOS

TEST_CUSTOMER = Address(name="Test Recipient", street="1 place de l'Hôtel de Ville",
                        postcode="75004", city="Paris", country="FR", phone="+33100000000",
                        email="test.recipient@example.org")


class Command(BaseCommand):
    help = ("Book a test delivery with the collection of a faulty unit against the configured "
            "endpoint of a carrier, store it, and print its tracking numbers and labels.")

    def add_arguments(self, parser):
        parser.add_argument("--carrier", required=True, help="carrier code, e.g. sandbox, mydhl")
        parser.add_argument("--service", default=Service.NEXT_DAY_NOON, choices=Service.values)
        parser.add_argument("--no-return", action="store_true",
                            help="book the delivery only, without the collection")
        parser.add_argument("--scenario", choices=SCENARIOS,
                            help="sandbox only: the story the parcel will tell")

    def handle(self, *args, carrier, service, no_return, scenario, **options):
        warehouse = Address.from_dict(settings.HOTLINE_WAREHOUSE)
        handset = Parcel(weight_kg=Decimal("0.450"), length_cm=20, width_cm=12, height_cm=8,
                         contents="Mobile phone (test)")
        key = f"book-test-{uuid.uuid4().hex[:16]}"
        try:
            result = services.shipment_book(
                carrier=carrier, sender=warehouse, recipient=TEST_CUSTOMER, parcels=[handset],
                service=service, reference=key[:35], idempotency_key=key,
                return_parcels=[] if no_return else [handset], return_to=warehouse,
                options={"scenario": scenario} if scenario else {})
        except CarrierError as exc:
            kind = "permanent" if exc.permanent else "transient"
            raise CommandError(f"{kind} carrier error: {exc.message}") from None
        for shipment in (result.outbound, result.collection):
            if shipment is None:
                continue
            flag = "" if shipment.tracking_number_valid else "  (check digit FAILS)"
            self.stdout.write(f"{shipment.direction:<9} {shipment.tracking_number}{flag}  "
                              f"ref={shipment.carrier_reference or '-'}  "
                              f"label={shipment.label_pdf.name}")
        self.stdout.write(self.style.SUCCESS(f"booked with {carrier} (key {key})"))
