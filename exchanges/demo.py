"""Demo data of the exchanges app: prices of paid outcomes, replacement stock, technicians.

Idempotent: every row is found by a natural key before it is created.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from carriers.models import TrackingEvent
from carriers.services import carriers_all, sandbox_advance
from diagnostics.models import FaultCode
from exchanges import demo_visits
from exchanges.decisions.fulfilment import swap_request
from exchanges.decisions.warranty import warranty_status
from exchanges.models import Decision, ReplacementUnit, ServicePrice, Swap, Technician, Warehouse
from hotline import services
from hotline.models import AuditEvent, Case, Customer, Handset, HandsetModel, Notification, Tac
from hotline.validators import imei_with_check_digit
from hotline.workflow import transition

# The demo's price list is typed by the French service's staff, so in French: its lines are
# what the quotes show, as typed (only the product's own text is translated).
PRICES = [
    # outcome, fault category ("" = any), description, amount before tax
    ("swap", "", "Appareil de remplacement identique (hors garantie)", "149.00"),
    ("swap", "liquid_damage", "Appareil de remplacement après oxydation", "229.00"),
    ("swap", "physical_damage", "Appareil de remplacement après casse", "199.00"),
    ("visit", "", "Intervention d’un technicien et réparation sur place (hors garantie)",
     "89.00"),
    ("visit", "physical_damage", "Intervention d’un technicien et réparation de la casse",
     "129.00"),
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
    _load_quote(stdout=stdout)
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
    for swap in Swap.objects.filter(case__customer__email__in=[row[2] for row in DEMO_SWAPS],
                                    outbound__isnull=False).select_related("outbound", "case"):
        _date_history(swap)
    stdout.write(f"exchanges: {made} demo swaps, {released.stored} sandbox events released")


# A handset out of warranty: its swap is paid, the quote waits for the customer's consent.
QUOTE_CUSTOMER = ("Léa", "Fontaine", "lea.fontaine@example.org", "12 rue de la République",
                  "69002", "Lyon")


def _load_quote(*, stdout) -> None:
    """A case whose paid swap waits for the customer's written consent to its quote, through
    the real path (diagnosis, proposal, confirmation: the quote is priced and sent)."""
    from exchanges.decisions.selectors import decision_current
    from exchanges.decisions.services import decision_confirm, diagnosis_record

    first, last, email, street, postcode, city = QUOTE_CUSTOMER
    tac = Tac.objects.filter(model__is_current=True, model__variants__isnull=False).first()
    fault_code = FaultCode.objects.filter(code="BAT-01").first()
    operator = get_user_model().objects.filter(username="operator").first()
    if tac is None or fault_code is None or Customer.objects.filter(email=email).exists():
        return
    with transaction.atomic():
        customer = services.customer_create(
            first_name=first, last_name=last, email=email, country="FR", language="fr",
            phones=["+33600000099"],
            address={"street": street, "postcode": postcode, "city": city, "access_notes": ""})
        handset = services.handset_register(
            imei=imei_with_check_digit(f"{tac.tac}{890000:06d}"), owner=customer,
            purchase_date=datetime.date.today() - datetime.timedelta(days=3 * 365))
        case = services.case_open(customer=customer, handset=handset, symptom="battery_drain",
                                  description="Le téléphone s’éteint à 30 % de batterie.")
        diagnosis_record(case=case, fault_code=fault_code, action="swap", actor=operator,
                         propose=True)
        decision_confirm(decision=decision_current(case=case), actor=operator)
    case.refresh_from_db()
    stdout.write(f"exchanges: case {case.number} waits for the consent to its quote")




def _date_history(swap: Swap) -> None:
    """Give a demo swap's case the times of what it records. The demo books its parcels hours
    ago (the sandbox courier's `backdate_hours`), but its case, decision and booking were
    written now: each courier event's audit row takes the time the courier gave it, what led to
    the booking takes the minutes before the booking, what followed an event takes its time;
    the case's opening and its messages move with the audit rows they were written with."""
    booked = swap.outbound.booked_at
    if booked is None or booked > timezone.now() - datetime.timedelta(minutes=5):
        return
    events = list(AuditEvent.objects.filter(case=swap.case).order_by("at", "id"))
    occurred = dict(TrackingEvent.objects.filter(
        pk__in=[e.data.get("tracking_event") for e in events if e.data.get("tracking_event")]
    ).values_list("pk", "occurred_at"))
    tracked = [i for i, e in enumerate(events) if e.data.get("tracking_event") in occurred]
    before = tracked[0] if tracked else len(events)
    moved, previous = [], None
    for index, event in enumerate(events):
        if index < before:  # the opening, the diagnosis, the decision, the booking
            at = booked - datetime.timedelta(minutes=2 * (before - 1 - index))
        elif event.data.get("tracking_event") in occurred:
            at = occurred[event.data["tracking_event"]]
        else:  # written with the event before it
            at = previous or event.at
        moved.append((event, at))
        previous = at
    # Messages were written in the same transaction as the audit row just before them.
    notifications = list(Notification.objects.filter(case=swap.case).order_by("created_at", "id"))
    for notification in notifications:
        owner = None
        for event, at in moved:
            if event.at <= notification.created_at + datetime.timedelta(seconds=1):
                owner = (event, at)
        if owner is not None:
            Notification.objects.filter(pk=notification.pk).update(
                created_at=notification.created_at + (owner[1] - owner[0].at))
    for event, at in moved:
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
    if moved:
        Case.objects.filter(pk=swap.case_id).update(created_at=moved[0][1])
        # The decision was confirmed when the case went into service.
        started = [at for event, at in moved if event.action == "start_service"]
        if started:
            Decision.objects.filter(case=swap.case_id).update(decided_at=started[0])
