"""Demo technician visits: the demo technician's working day, relative to the day `load_demo`
runs, in the states the clock has reached, and the working day before with its reports.

The working day is today when the technician works today and a slot is still to start, else
the next working day (weekends, public holidays and days off skipped). Visits are found by the
demo customer's e-mail, so loading the demo again adds nothing.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from diagnostics.models import FaultCode
from exchanges.decisions.fulfilment import visit_request
from exchanges.decisions.warranty import warranty_status
from exchanges.models import Decision, Technician, Visit
from exchanges.visits.slots import is_working_day, technician_day_slots
from hotline import services
from hotline.models import AuditEvent, Case, Customer, Handset, Tac
from hotline.validators import imei_with_check_digit
from hotline.workflow import transition

TODAY = [
    # first, last, e-mail, phone, street, postcode, city, access notes, fault code
    ("Manon", "Girard", "manon.girard@example.org", "+33611220001", "5 rue Lepic", "75018",
     "Paris", "Digicode 18A, 2e étage gauche", "CHG-03"),
    ("Karim", "Haddad", "karim.haddad@example.org", "+33611220002",
     "22 avenue Aristide Briand", "92120", "Montrouge", "", "DSP-03"),
    ("Sophie", "Blanc", "sophie.blanc@example.org", "+33611220003", "9 rue de Paris", "93100",
     "Montreuil", "Interphone : Blanc", "SW-04"),
    ("Antoine", "Mercier", "antoine.mercier@example.org", "+33611220004",
     "31 rue de Fontenay", "94300", "Vincennes", "", "CHG-03"),
]
DAY_BEFORE = [
    ("Élise", "Faure", "elise.faure@example.org", "+33611220005", "48 rue Oberkampf", "75011",
     "Paris", "Bâtiment B", "DSP-03"),
    ("Bruno", "Lemaire", "bruno.lemaire@example.org", "+33611220006", "3 rue Victor Hugo",
     "92100", "Boulogne-Billancourt", "", "CHG-03"),
]
# Typed by the demo's French technicians and operators, so in French.
REPORTS = {
    "CHG-03": ("Bobine de recharge sans fil remplacée ; charge testée pendant 10 minutes.",
               "Bobine de recharge sans fil QI-5"),
    "DSP-03": ("Connecteur de l’écran remis en place, nappe de l’écran remplacée.",
               "Nappe de l’écran"),
    "SW-04": ("Micrologiciel réinstallé, sauvegarde du client restaurée.", ""),
}
DESCRIPTIONS = {"CHG-03": "Ne se recharge plus sur le chargeur sans fil.",
                "DSP-03": "L’écran clignote puis devient noir.",
                "SW-04": "Redémarre en boucle depuis la dernière mise à jour."}
SYMPTOMS = {"CHG-03": "wont_charge", "DSP-03": "screen", "SW-04": "software"}
# When each step happens, from the slot's start: the technician leaves 25 minutes before,
# arrives 10 minutes in, and is done 65 minutes later.
STEPS = [("start_route", datetime.timedelta(minutes=-25)),
         ("arrive", datetime.timedelta(minutes=10)),
         ("complete", datetime.timedelta(minutes=75))]


def load(*, stdout) -> None:
    technician = Technician.objects.filter(user__username="technician").first()
    operator = get_user_model().objects.filter(username="operator").first()
    tac = Tac.objects.filter(model__is_current=True, model__variants__isnull=False).first()
    if technician is None or tac is None or not FaultCode.objects.filter(code="CHG-03").exists():
        stdout.write("exchanges: no demo technician, TAC or fault catalogue; no demo visits")
        return
    now = timezone.now()
    day = working_day(technician, now=now)
    before = previous_working_day(technician, day)
    made = 0
    for people, on_day, count in ((DAY_BEFORE, before, 2), (TODAY, day, 4)):
        if Customer.objects.filter(email=people[0][2]).exists():
            continue
        slots = technician_day_slots(technician=technician, day=on_day,
                                     after=_midnight(on_day))[:count]
        for person, (start, end) in zip(people, slots, strict=False):
            with transaction.atomic():
                _visit(person, technician=technician, operator=operator, tac=tac,
                       start=start, end=end, now=now)
            made += 1
    stdout.write(f"exchanges: {made} demo visits; {technician.name}'s working day with "
                 f"visits: {day.isoformat()}")


def working_day(technician: Technician, *, now) -> datetime.date:
    """Today when a slot of today is still to start, else the next working day."""
    today = timezone.localdate(now)
    if technician_day_slots(technician=technician, day=today, after=now):
        return today
    day = today + datetime.timedelta(days=1)
    while not is_working_day(technician, day):
        day += datetime.timedelta(days=1)
    return day


def previous_working_day(technician: Technician, day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_working_day(technician, day):
        day -= datetime.timedelta(days=1)
    return day


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min,
                                     tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _visit(person, *, technician, operator, tac, start, end, now) -> None:
    """One demo visit booked in (start, end), taken as far as the clock has gone."""
    first, last, email, phone, street, postcode, city, notes, code = person
    fault_code = FaultCode.objects.get(code=code)
    customer = services.customer_create(
        first_name=first, last_name=last, email=email, country="FR", language="fr",
        phones=[phone], address={"street": street, "postcode": postcode, "city": city,
                                 "access_notes": notes})
    serial = [row[2] for row in DAY_BEFORE + TODAY].index(email)
    imei = imei_with_check_digit(f"{tac.tac}{900000 + serial:06d}")
    handset = Handset.objects.filter(imei=imei).first() or services.handset_register(
        imei=imei, owner=customer, purchase_date=start.date() - datetime.timedelta(days=150))
    case = services.case_open(customer=customer, handset=handset,
                              symptom=SYMPTOMS[code],
                              description=DESCRIPTIONS[code])
    transition(case, "start_diagnosis", check_permission=False)
    transition(case, "start_service", check_permission=False)
    decided = start - datetime.timedelta(hours=20)
    decision = Decision.objects.create(
        case=case, fault_code=fault_code, recommended_action="visit", proposed_outcome="visit",
        status="confirmed", outcome="visit",
        inputs={"warranty": warranty_status(handset=handset, fault_code=fault_code).as_dict()},
        decided_by=operator, decided_at=decided)
    visit = visit_request(case=case, decision=decision, actor=operator)
    transition(visit, "schedule", actor=operator, check_permission=False,
               technician=technician, start=start, end=end,
               data={"technician": technician.name, "slot_start": start})
    times = {"case_opened": decided - datetime.timedelta(minutes=12)}
    for step, offset in STEPS:
        at = start + offset
        if at > now:
            break
        if step == "complete":
            visit.work_done, visit.parts_used = REPORTS[code]
            visit.confirmed_fault_code, visit.signed_by = fault_code, f"{first} {last}"
        transition(visit, step, actor=technician.user, check_permission=False, at=at)
        times[step] = at
        if step == "complete":
            transition(case, "resolve", actor=technician.user, check_permission=False,
                       reason=gettext_noop("visit completed"), data={"visit": visit.pk})
            times["resolve"] = at
    _backdate(case, visit=visit, decided=decided, times=times)


def _backdate(case: Case, *, visit: Visit, decided, times: dict) -> None:
    """Date the case, its decision and its timeline when they happened, not when loaded."""
    opened = times["case_opened"]
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    Decision.objects.filter(case=case).update(created_at=decided)
    for event in AuditEvent.objects.filter(case=case):
        at = times.get(event.action) or (decided if event.action in (
            "visit_requested", "schedule", "start_service") else opened)
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
    Visit.objects.filter(pk=visit.pk).update(created_at=decided)
