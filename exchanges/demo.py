"""Demo data of the exchanges app: prices of paid outcomes, replacement stock, technicians.

Idempotent: every row is found by a natural key before it is created.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from carriers.services import carriers_all, sandbox_advance
from diagnostics.models import FaultCode
from exchanges import demo_visits
from exchanges.decisions.fulfilment import swap_request
from exchanges.decisions.warranty import warranty_status
from exchanges.models import Decision, ReplacementUnit, ServicePrice, Swap, Technician, Warehouse
from hotline import services
from hotline.models import Case, Customer, Handset, HandsetModel, Tac
from hotline.validators import imei_with_check_digit
from hotline.workflow import transition

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

WAREHOUSES = [
    # code, name, street, postcode, city, cut-off, transit days, priority
    ("PAR", "Entrepôt principal de Paris", "14 rue des Entrepôts", "93200", "Saint-Denis", "17:00", 1, 10),
    ("LYS", "Entrepôt secondaire de Lyon", "5 rue de Gerland", "69007", "Lyon", "15:00", 1, 20),
]

# Demo swaps, each told by a sandbox scenario started `hours` ago.
DEMO_SWAPS = [
    # first, last, email, street, postcode, city, scenario, hours ago
    ("Nadia", "Benali", "nadia.benali@example.org", "40 rue Oberkampf", "75011", "Paris",
     "normal", 30),
    ("Hugo", "Lambert", "hugo.lambert@example.org", "2 rue Nationale", "59000", "Lille",
     "recipient_absent", 23),
    ("Chloé", "Martin", "chloe.martin@example.org", "9 cours Julien", "13006", "Marseille",
     "depot_hold", 22),
    ("Omar", "Diallo", "omar.diallo@example.org", "17 rue Sainte-Catherine", "33000",
     "Bordeaux", "lost", 100),
    ("Julie", "Roche", "julie.roche@example.org", "6 rue du Faubourg", "67000", "Strasbourg",
     "normal", 0),
]


def load(*, stdout) -> None:
    with transaction.atomic():
        _load_reference(stdout=stdout)
    _load_swaps(stdout=stdout)
    demo_visits.load(stdout=stdout)


def _imei_for(unit_number: int, model) -> str:
    tac = Tac.objects.filter(model=model).values_list("tac", flat=True).first() or "35999999"
    return imei_with_check_digit(f"{tac}{700000 + unit_number:06d}")


def _load_reference(*, stdout) -> None:
    for outcome, category, description, amount in PRICES:
        ServicePrice.objects.get_or_create(
            outcome=outcome, category=category, model=None,
            defaults={"description": description, "amount": Decimal(amount), "currency": "EUR"})
    User = get_user_model()
    for name, username, prefixes, families in TECHNICIANS:
        user = User.objects.filter(username=username).first() if username else None
        Technician.objects.get_or_create(name=name, defaults={
            "user": user, "country": "FR", "postcode_prefixes": prefixes, "families": families})
    warehouses = {}
    for code, name, street, postcode, city, cutoff, transit, priority in WAREHOUSES:
        warehouses[code], _created = Warehouse.objects.get_or_create(code=code, defaults={
            "name": name, "street": street, "postcode": postcode, "city": city, "country": "FR",
            "phone": "+33148000000", "cutoff": datetime.time.fromisoformat(cutoff),
            "transit_days": transit, "priority": priority})
    created = 0
    for model in HandsetModel.objects.filter(is_current=True).prefetch_related("variants"):
        for variant in model.variants.all():
            for code, wanted in (("PAR", UNITS_PER_VARIANT), ("LYS", 1)):
                units = ReplacementUnit.objects.filter(model=model, variant=variant)
                have = units.filter(warehouse=warehouses[code]).count()
                if code == "PAR":
                    units.filter(warehouse__isnull=True).update(warehouse=warehouses[code])
                    have = units.filter(warehouse=warehouses[code]).count()
                for _index in range(have, wanted):
                    ReplacementUnit.objects.create(
                        model=model, variant=variant, warehouse=warehouses[code], location=code,
                        imei=_imei_for(ReplacementUnit.objects.count() + 1, model))
                    created += 1
    for unit in ReplacementUnit.objects.filter(imei__isnull=True):
        unit.imei = _imei_for(unit.pk, unit.model)
        unit.save(update_fields=["imei"])
    stdout.write(f"exchanges: {ServicePrice.objects.count()} prices, "
                 f"{Technician.objects.count()} technicians, {created} new replacement units")


def _load_swaps(*, stdout) -> None:
    """A few swaps in different states, driven by the sandbox courier's scenarios."""
    if "sandbox" not in carriers_all():
        return
    fault_code = FaultCode.objects.filter(code="BAT-01").first()
    tac = Tac.objects.filter(model__is_current=True, model__variants__isnull=False).first()
    if fault_code is None or tac is None:
        stdout.write("exchanges: no fault catalogue or TAC; no demo swaps")
        return
    operator = get_user_model().objects.filter(username="operator").first()
    made = 0
    for number, (first, last, email, street, postcode, city, scenario, hours) in enumerate(
            DEMO_SWAPS, start=1):
        if Swap.objects.filter(case__customer__email=email).exists():
            continue
        with transaction.atomic():
            customer = Customer.objects.filter(email=email).first() or services.customer_create(
                first_name=first, last_name=last, email=email, country="FR", language="fr",
                phones=[f"+336000000{number:02d}"],
                address={"street": street, "postcode": postcode, "city": city,
                         "access_notes": ""})
            imei = imei_with_check_digit(f"{tac.tac}{800000 + number:06d}")
            handset = Handset.objects.filter(imei=imei).first() or services.handset_register(
                imei=imei, owner=customer,
                purchase_date=datetime.date.today() - datetime.timedelta(days=200))
            if handset.variant_id is None:
                handset.variant = tac.model.variants.first()
                handset.save(update_fields=["variant"])
            case = Case.objects.filter(customer=customer).first() or services.case_open(
                customer=customer, handset=handset, symptom="battery_drain",
                description="La batterie ne tient plus la journée.")
            if case.status == "open":
                transition(case, "start_diagnosis", check_permission=False)
            if case.status == "diagnosing":
                transition(case, "start_service", check_permission=False)
            decision = Decision.objects.create(
                case=case, fault_code=fault_code, recommended_action="swap",
                proposed_outcome="swap", status="confirmed", outcome="swap",
                inputs={"warranty": warranty_status(handset=handset,
                                                    fault_code=fault_code).as_dict()},
                decided_by=operator, decided_at=timezone.now())
            options = {"scenario": scenario}
            if hours:
                options["backdate_hours"] = str(hours)
            swap_request(case=case, decision=decision, carrier_options=options)
        made += 1
    released = sandbox_advance()
    stdout.write(f"exchanges: {made} demo swaps, {released.stored} sandbox events released")
