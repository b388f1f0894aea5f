"""Demo repairs in several states: returned swap units on the bench (one refurbished back
into stock, one retired), a mail-in repair waiting for its handset, referrals to a service
point (one expected, one in the shop). Run once, by repairs.demo."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from diagnostics.models import FaultCode
from exchanges.models import Decision, ReplacementUnit, UnitGrade, UnitStatus
from hotline import services as hotline_services
from hotline.models import Customer, Handset, HandsetModel, Tac
from hotline.validators import imei_with_check_digit
from hotline.workflow import transition
from repairs.models import Part, RepairOrder, ServicePoint
from repairs.services import mail_in, orders, referrals

# model name, fault, what happens on the bench
BENCH = [
    ("N5", "BAT-03", "refurbished"),
    ("N5", "CHG-01", "retired"),
    ("N5 Pro", "DSP-01", "repairing"),
    ("N5 Pro", "DSP-02", "waiting_parts"),
    ("N3 Lite", "AUD-01", "diagnosing"),
    ("N3 Lite", "CAM-01", "received"),
]
CUSTOMERS = [
    # first, last, email, street, postcode, city, model, serial, what
    ("Sarah", "Nguyen", "sarah.nguyen@example.org", "9 rue de la Roquette", "75011", "Paris",
     "Rugged R2", "880001", "mail_in"),
    ("Karim", "Mansour", "karim.mansour@example.org", "4 rue de Charonne", "75011", "Paris",
     "N5", "880002", "referral"),
    ("Élise", "Fontaine", "elise.fontaine@example.org", "15 rue Daguerre", "75014", "Paris",
     "N3 Lite", "880003", "referral_received"),
]


def load(*, stdout) -> None:
    qa = get_user_model().objects.filter(username="qa").first()
    made = 0 if RepairOrder.objects.filter(kind="stock").exists() else _bench(qa)
    made += _customers()
    stdout.write(f"repairs: {made} demo repairs and referrals")


def _imei(model: HandsetModel, serial: str) -> str:
    tac = Tac.objects.filter(model=model).values_list("tac", flat=True).first() or "35999999"
    return imei_with_check_digit(f"{tac}{serial}")


def _bench(actor) -> int:
    made = 0
    for number, (name, code, state) in enumerate(BENCH, start=1):
        model = HandsetModel.objects.filter(name=name, is_current=True).first()
        fault = FaultCode.objects.filter(code=code).first()
        if model is None or fault is None:
            continue
        with transaction.atomic():
            unit = ReplacementUnit.objects.create(
                model=model, imei=_imei(model, f"{810000 + number:06d}"), location="repair",
                grade=UnitGrade.REFURBISHED, status=UnitStatus.RETURNED,
                warehouse=None)
            order = orders.repair_from_returned_unit(
                unit=unit, fault_code=fault, actor=actor,
                notes=f"Contrôle à réception : {fault.description_fr}, panne confirmée.")
            _advance(order, state, actor)
        made += 1
    return made


def _part(order, component):
    return Part.objects.filter(handset_models=order.model, component=component).first()


def _advance(order, state, actor) -> None:
    if state == "received":
        return
    orders.repair_diagnose(order=order, actor=actor)
    if state == "diagnosing":
        return
    if state == "retired":
        orders.repair_retire(order=order, actor=actor,
                             reason="Carte mère corrodée : la réparation coûte plus cher que l’appareil.")
        return
    component = {"BAT-03": "batterie", "DSP-01": "écran", "DSP-02": "écran"}.get(
        order.fault_code.code, "connecteur de charge")
    part = _part(order, component)
    orders.repair_plan(order=order, actor=actor, parts=[(part, 1)] if part else [],
                       component=component, root_cause="usure normale")
    if state in ("repairing", "waiting_parts"):
        return
    orders.repair_finish(order=order, actor=actor)
    orders.repair_check(order=order, passed=True, actor=actor, notes="Tous les tests sont passés.")


def _customers() -> int:
    operator = get_user_model().objects.filter(username="operator").first()
    staff = get_user_model().objects.filter(username="servicepoint").first()
    fault = FaultCode.objects.filter(code="BAT-01").first()
    made = 0
    for first, last, email, street, postcode, city, name, serial, what in CUSTOMERS:
        model = HandsetModel.objects.filter(name=name, is_current=True).first()
        if model is None or fault is None or Customer.objects.filter(email=email).exists():
            continue
        with transaction.atomic():
            customer = hotline_services.customer_create(
                first_name=first, last_name=last, email=email, language="fr",
                phones=[f"+3361208{serial[-4:]}"],
                address={"street": street, "postcode": postcode, "city": city})
            handset = Handset.objects.filter(imei=_imei(model, serial)).first() or \
                hotline_services.handset_register(imei=_imei(model, serial), owner=customer)
            case = hotline_services.case_open(customer=customer, handset=handset,
                                              symptom="battery_drain",
                                              description="La batterie se vide en une matinée.")
            transition(case, "start_diagnosis", actor=operator)
            outcome = "repair" if what == "mail_in" else "referral"
            decision = Decision.objects.create(
                case=case, fault_code=fault, recommended_action=outcome,
                proposed_outcome=outcome, status="confirmed", outcome=outcome,
                decided_by=operator)
            if what == "mail_in":
                transition(case, "start_service", actor=operator)
                mail_in.mail_in_create(case=case, decision=decision, actor=operator)
            else:
                transition(case, "refer", actor=operator, follow=True)
                point = ServicePoint.objects.get(code="paris-oberkampf")
                referral = referrals.referral_create(case=case, service_point=point,
                                                     decision=decision, actor=operator)
                if what == "referral_received":
                    referrals.referral_receive(referral=referral, actor=staff)
        made += 1
    return made
