"""Demo data of the exchanges app: prices of paid outcomes, replacement stock, technicians.

Idempotent: every row is found by a natural key before it is created.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from exchanges.models import ReplacementUnit, ServicePrice, Technician
from hotline.models import HandsetModel

PRICES = [
    # outcome, fault category ("" = any), description, amount before tax
    ("swap", "", "Replacement handset, like for like (out of warranty)", "149.00"),
    ("swap", "liquid_damage", "Replacement handset after liquid damage", "229.00"),
    ("swap", "physical_damage", "Replacement handset after physical damage", "199.00"),
    ("visit", "", "Technician visit and on-site repair (out of warranty)", "89.00"),
    ("visit", "physical_damage", "Technician visit and repair of physical damage", "129.00"),
]

TECHNICIANS = [
    # name, user, postcode prefixes, families
    ("Thomas Petit", "technician", ["75", "92", "93", "94"], []),
    ("Inès Garnier", None, ["69"], ["N5", "N3"]),
    ("Paul Roux", None, ["31"], []),
    ("Chloé Fabre", None, ["33"], []),
]

UNITS_PER_VARIANT = 3


@transaction.atomic
def load(*, stdout) -> None:
    for outcome, category, description, amount in PRICES:
        ServicePrice.objects.get_or_create(
            outcome=outcome, category=category, model=None,
            defaults={"description": description, "amount": Decimal(amount), "currency": "EUR"})
    User = get_user_model()
    for name, username, prefixes, families in TECHNICIANS:
        user = User.objects.filter(username=username).first() if username else None
        Technician.objects.get_or_create(name=name, defaults={
            "user": user, "country": "FR", "postcode_prefixes": prefixes, "families": families})
    created = 0
    for model in HandsetModel.objects.filter(is_current=True).prefetch_related("variants"):
        for variant in model.variants.all():
            have = ReplacementUnit.objects.filter(model=model, variant=variant).count()
            for _index in range(have, UNITS_PER_VARIANT):
                ReplacementUnit.objects.create(model=model, variant=variant, location="main")
                created += 1
    stdout.write(f"exchanges: {ServicePrice.objects.count()} prices, "
                 f"{Technician.objects.count()} technicians, {created} new replacement units")
