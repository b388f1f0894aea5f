"""Demo data of the repairs app: service points covering the demo postcodes, a service point
login, the parts catalogue with stock, and repairs and referrals in several states.

Idempotent: every row is found by a natural key before it is created.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from hotline.models import HandsetModel
from repairs.models import Part, PartStock, ServicePoint, StockLocation
from repairs.services.points import parse_hours

WEEKDAYS = "Mon-Fri 09:30-12:30,14:00-19:00; Sat 10:00-13:00"
POINTS = [
    # code, name, street, postcode, city, postcodes served, capacity, walk-in, appointment
    ("paris-oberkampf", "Atelier Oberkampf", "40 rue Oberkampf", "75011", "Paris",
     ["75", "92100-92190", "93", "94"], 8, True, True),
    ("paris-montparnasse", "Répar'Phone Montparnasse", "12 rue du Départ", "75014", "Paris",
     ["75", "92"], 4, True, False),
    ("lyon-gerland", "Lyon Mobile Service", "21 avenue Tony Garnier", "69007", "Lyon",
     ["69"], 6, False, True),
    ("toulouse-capitole", "Capitole Réparation", "5 rue Lafayette", "31000", "Toulouse",
     ["31"], 5, True, True),
    ("bordeaux-chartrons", "Chartrons Phone Clinic", "60 quai des Chartrons", "33000",
     "Bordeaux", ["33"], 5, True, False),
    ("lille-centre", "Lille Smartphone Service", "8 rue Nationale", "59000", "Lille",
     ["59", "62"], 4, True, False),
    ("marseille-castellane", "Castellane Mobile", "3 place Castellane", "13006", "Marseille",
     ["13"], 4, True, True),
    ("strasbourg-gare", "Réparation Gare Strasbourg", "1 place de la Gare", "67000",
     "Strasbourg", ["67", "68"], 3, True, False),
]
# The demo's parts catalogue, stock and bench notes are typed by the French repair centre's
# staff, so in French (what people type is shown as typed; only the product's text is translated).
PARTS = [
    # part number suffix, description, component, cost
    ("BAT", "Batterie", "batterie", "14.90"),
    ("DSP", "Écran complet", "écran", "62.00"),
    ("USB", "Nappe du connecteur de charge", "connecteur de charge", "7.40"),
    ("BGL", "Vitre arrière", "vitre arrière", "11.50"),
]
STAFF_USER = "servicepoint"
DEMO_LOGINS = [("service point", STAFF_USER)]  # printed by load_demo


def load(*, stdout) -> None:
    with transaction.atomic():
        points = _points()
        _staff(points["paris-oberkampf"])
        made = _parts()
    stdout.write(f"repairs: {len(points)} service points, {made} parts; service point login "
                 f"'{STAFF_USER}' (Atelier Oberkampf)")
    _repairs(stdout=stdout)


def _points() -> dict:
    points = {}
    for code, name, street, postcode, city, served, capacity, walk_in, appointment in POINTS:
        points[code], _created = ServicePoint.objects.get_or_create(code=code, defaults={
            "name": name, "street": street, "postcode": postcode, "city": city,
            "phone": "+33140000000", "opening_hours": parse_hours(WEEKDAYS),
            "holidays": ["2026-12-25", "2027-01-01"], "brands": ["Nordline"],
            "postcodes": served, "daily_capacity": capacity, "walk_in": walk_in,
            "appointment": appointment})
    return points


def _staff(point: ServicePoint) -> None:
    from hotline.demo import DEMO_PASSWORD

    user, created = get_user_model().objects.get_or_create(
        username=STAFF_USER, defaults={"first_name": "Samir", "last_name": "Haddad",
                                       "email": f"{STAFF_USER}@hotline.example"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name="service_point"))
    point.staff.add(user)


def _parts() -> int:
    centre, _created = StockLocation.objects.get_or_create(
        code="centre", defaults={"name": "Magasin du centre de réparation (Saint-Denis)",
                                 "is_repair_centre": True})
    shop, _created = StockLocation.objects.get_or_create(
        code="paris-oberkampf", defaults={"name": "Étagère de l’Atelier Oberkampf"})
    made = 0
    for model in HandsetModel.objects.filter(is_current=True):
        for suffix, description, component, cost in PARTS:
            number = f"{model.name.upper().replace(' ', '')}-{suffix}"
            part, created = Part.objects.get_or_create(part_number=number, defaults={
                "description": f"{description} {model}", "component": component,
                "cost": Decimal(cost)})
            part.handset_models.add(model)
            made += created
            # The display of the N5 Pro is scarce: the reorder alert shows on the demo.
            scarce = suffix == "DSP" and model.name == "N5 Pro"
            PartStock.objects.get_or_create(part=part, location=centre, defaults={
                "on_hand": 1 if scarce else 12, "reorder_point": 3})
            if suffix == "BAT":
                PartStock.objects.get_or_create(part=part, location=shop,
                                                defaults={"on_hand": 4, "reorder_point": 1})
    return made


def _repairs(*, stdout) -> None:
    """Returned swap units at the centre in several states, a mail-in repair, referrals."""
    from repairs import demo_orders

    demo_orders.load(stdout=stdout)
