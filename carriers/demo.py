"""Demo shipments for `make run`: sandbox deliveries with collections, each telling a different
story, started in the past so the console shows progress at once. Idempotent (booking keys)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from carriers import services
from carriers.domain import Address, Parcel, Service

HANDSET = Parcel(weight_kg=Decimal("0.450"), length_cm=20, width_cm=12, height_cm=8,
                 contents="Téléphone mobile (remplacement)")
FAULTY = Parcel(weight_kg=Decimal("0.400"), length_cm=20, width_cm=12, height_cm=8,
                contents="Téléphone mobile (appareil défectueux)")

DEMO = [
    # key, scenario, hours ago, name, street, postcode, city, phone, language
    ("demo-shipment-1", "normal", 30, "Camille Dupont", "12 rue de la Paix", "75002", "Paris",
     "+33612345678", "fr"),
    ("demo-shipment-2", "recipient_absent", 23, "Lucas Moreau", "8 avenue Jean Jaurès", "69007",
     "Lyon", "+33698765432", "fr"),
    ("demo-shipment-3", "depot_hold", 26, "Emma Lefebvre", "3 place du Capitole", "31000",
     "Toulouse", "+33601020304", "fr"),
    ("demo-shipment-4", "late", 16, "James Wilson", "27 quai des Chartrons", "33000",
     "Bordeaux", "+33755512345", "en"),
    ("demo-shipment-5", "normal", 4, "Léa Dupont", "12 rue de la Paix", "75002", "Paris",
     "+33612345678", "fr"),
    ("demo-shipment-6", "return_to_sender", 80, "Hugo Petit", "5 rue Nationale", "59000",
     "Lille", "+33320000000", "fr"),
]


def load(*, stdout) -> None:
    if "sandbox" not in services.carriers_all():
        stdout.write("carriers: the sandbox courier is not configured; no demo shipments")
        return
    warehouse = Address.from_dict(settings.HOTLINE_WAREHOUSE)
    created = 0
    for key, scenario, hours, name, street, postcode, city, phone, language in DEMO:
        customer = Address(name=name, street=street, postcode=postcode, city=city,
                           country="FR", phone=phone)
        result = services.shipment_book(
            carrier="sandbox", sender=warehouse, recipient=customer, parcels=[HANDSET],
            service=Service.NEXT_DAY_NOON, reference=key.upper(), idempotency_key=key,
            return_parcels=[FAULTY], return_to=warehouse, language=language,
            ship_date=timezone.localdate(timezone.now() - datetime.timedelta(hours=hours)),
            options={"scenario": scenario, "backdate_hours": str(hours)})
        created += result.created
    released = services.sandbox_advance()
    stdout.write(f"shipments: {created} booked, {released.stored} sandbox events released")
