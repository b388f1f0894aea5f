"""Demo data for `make run`: users per role, distributors, customers, handsets, cases.

Idempotent: each record is found by a natural key before it is created.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from hotline import services
from hotline.models import Case, Customer, Distributor, Handset, Profile
from hotline.validators import imei_with_check_digit

DEMO_PASSWORD = "hotline-demo"

DEMO_USERS = [
    # username, role, first, last, agent id, distributor code
    ("operator", "operator", "Olivia", "Martin", "Agent/1001", None),
    ("operator2", "operator", "Hugo", "Bernard", "Agent/1002", None),
    ("supervisor", "supervisor", "Sophie", "Durand", "Agent/1900", None),
    ("qa", "qa", "Quentin", "Arnaud", "", None),
    ("technician", "technician", "Thomas", "Petit", "", None),
    ("distributor", "distributor", "Diane", "Leroy", "", "telcomarket"),
]

DISTRIBUTORS = [
    ("telcomarket", "TelcoMarket", "FR", "Marc Vidal", "sav@telcomarket.example"),
    ("mobilis", "Mobilis Stores", "BE", "An Peeters", "service@mobilis.example"),
]

CUSTOMERS = [
    # first, last, phone, email, street, postcode, city, country, notes, lang, tac, serial, bought
    ("Camille", "Dupont", "+33612345678", "camille.dupont@example.org", "12 rue de la Paix",
     "75002", "Paris", "FR", "Code 4521B, 3e étage", "fr", "35999101", "000011", 300),
    ("Lucas", "Moreau", "+33698765432", "lucas.moreau@example.org", "8 avenue Jean Jaurès",
     "69007", "Lyon", "FR", "", "fr", "35999201", "000012", 45),
    ("Emma", "Lefebvre", "+33601020304", "emma.lefebvre@example.org", "3 place du Capitole",
     "31000", "Toulouse", "FR", "Sonner deux fois", "fr", "35999301", "000013", 900),
    ("James", "Wilson", "+33755512345", "james.wilson@example.org", "27 quai des Chartrons",
     "33000", "Bordeaux", "FR", "", "en", "35999101", "000014", None),
    ("Léa", "Dupont", "+33612345678", "lea.dupont@example.org", "12 rue de la Paix",
     "75002", "Paris", "FR", "Code 4521B, 3e étage", "fr", "35999401", "000015", 120),
]


@transaction.atomic
def load(*, stdout) -> None:
    distributors = {}
    for code, name, country, contact, email in DISTRIBUTORS:
        distributors[code], _ = Distributor.objects.get_or_create(
            code=code, defaults={"name": name, "country": country, "contact_name": contact,
                                 "contact_email": email})
    User = get_user_model()
    for username, role, first, last, agent, distributor in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last,
                                         "email": f"{username}@hotline.example"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == "supervisor"
            user.save()
        user.groups.add(Group.objects.get(name=role))
        Profile.objects.update_or_create(user=user, defaults={
            "agent_id": agent, "extension": agent.split("/")[-1] if agent else "",
            "distributor": distributors.get(distributor)})
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@hotline.example", DEMO_PASSWORD)

    today = datetime.date.today()
    for (first, last, phone, email, street, postcode, city, country, notes, lang, tac, serial,
         bought) in CUSTOMERS:
        customer = Customer.objects.filter(email=email).first()
        if customer is None:
            customer = services.customer_create(
                first_name=first, last_name=last, email=email, country=country, language=lang,
                phones=[phone], address={"street": street, "postcode": postcode, "city": city,
                                         "access_notes": notes})
        imei = imei_with_check_digit(tac + serial)
        handset = Handset.objects.filter(imei=imei).first()
        if handset is None:
            handset = services.handset_register(
                imei=imei, owner=customer, sold_by=distributors["telcomarket"],
                purchase_date=today - datetime.timedelta(days=bought) if bought else None)
        if not Case.objects.filter(customer=customer).exists():
            services.case_open(customer=customer, handset=handset, symptom="battery_drain"
                               if serial.endswith("1") else "wont_charge",
                               description="Le téléphone ne tient plus la charge.")


def print_logins(*, stdout, more: list[tuple[str, str]] = ()) -> None:
    """Print one line per demo login (ours and `more`: the other apps' (role, username))."""
    from django.conf import settings

    stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
    logins = [(role, username) for username, role, *_rest in DEMO_USERS] + list(more)
    logins.append(("admin", "admin (superuser, Django admin)"))
    for role, username in logins:
        stdout.write(f"  {role:<18} {username}\n")
    stdout.write(f"E-mails and SMS to customers are not sent: they are written to "
                 f"{_shown_path(settings.OUTBOX_LOG_FILE)}\n")
    stdout.write(f"Console: {settings.SITE_URL}/\n")


def _shown_path(path) -> str:
    """Return `path` relative to the working directory when it is inside it."""
    from pathlib import Path

    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
