import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from carriers.domain import Address, Direction, Parcel, Service
from carriers.models import Shipment, ShipmentStatus

CUSTOMER = Address(name="Camille Dupont", street="12 rue de la Paix", postcode="75002",
                   city="Paris", country="FR", phone="+33612345678",
                   email="camille.dupont@example.org", notes="Code 4521B")
WAREHOUSE = Address(name="Returns desk", company="Hotline Logistics",
                    street="14 rue des Entrepôts", postcode="93200", city="Saint-Denis",
                    country="FR", phone="+33148000000")
HANDSET = Parcel(weight_kg=Decimal("0.450"), length_cm=20, width_cm=12, height_cm=8,
                 contents="Mobile phone (replacement)")
FAULTY = Parcel(weight_kg=Decimal("0.400"), length_cm=20, width_cm=12, height_cm=8,
                contents="Mobile phone (faulty unit)")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    carrier = "sandbox"
    service = Service.NEXT_DAY
    direction = Direction.OUTBOUND
    tracking_number = factory.Sequence(lambda n: f"HS{n:010d}")
    reference = factory.Sequence(lambda n: f"HL-2026-{n:06d}")
    booking_key = factory.Sequence(lambda n: f"key-{n}")
    sender = factory.LazyFunction(WAREHOUSE.as_dict)
    recipient = factory.LazyFunction(CUSTOMER.as_dict)
    parcels = factory.LazyFunction(lambda: [HANDSET.as_dict()])
    ship_date = factory.LazyFunction(timezone.localdate)
    status = ShipmentStatus.BOOKED
    status_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    booked_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
