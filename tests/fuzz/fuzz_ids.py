"""Print shell assignments for the API fuzz run: API tokens of the demo operator and
distributor, an API key of the distributor with every scope, a case number, an IMEI (run by
tests/fuzz/api_fuzz.sh after load_demo)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from hotline.models import Case  # noqa: E402
from partners.models import Scope  # noqa: E402
from partners.services.keys import key_create  # noqa: E402

users = get_user_model().objects
for name in ("operator", "distributor"):
    token, _created = Token.objects.get_or_create(user=users.get(username=name))
    print(f"TOKEN_{name.upper()}={token.key}")
distributor = users.get(username="distributor").hotline_profile.distributor
_key, secret = key_create(distributor=distributor, name="fuzz", scopes=list(Scope.values))
print(f"KEY_DISTRIBUTOR={secret}")
case = Case.objects.filter(handset__isnull=False).order_by("pk").first()
print(f"CASE={case.number}")
print(f"IMEI={case.handset.imei}")
