"""A webhook receiver inside the project, for local tests and the demo (DEBUG only): it
verifies the signature like a distributor's receiver would (docs/partners.md) and shows
the last deliveries it got."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from hotline.signing import SignatureRejected, signature_verify
from partners.models import WebhookSubscription

KEEP = 50
TOLERANCE = 300


def _cache_key(name: str) -> str:
    return f"partners:demo-receiver:{name}"


@csrf_exempt
def receiver(request, name):
    if not settings.DEBUG:
        raise Http404
    key = _cache_key(name)
    if request.method == "POST":
        url = request.build_absolute_uri()
        subscription = WebhookSubscription.objects.filter(url=url).first()
        verdict = "no subscription has this URL"
        if subscription is not None:
            try:
                signature_verify(secret=subscription.secret, body=request.body,
                                 headers=request.headers, tolerance=TOLERANCE)
                verdict = "valid"
            except SignatureRejected as exc:
                verdict = str(exc)
        try:
            payload = json.loads(request.body)
        except ValueError:
            payload = None
        received = cache.get(key, [])
        received.insert(0, {"at": timezone.now().isoformat(), "signature": verdict,
                            "id": (payload or {}).get("id"), "type": (payload or {}).get("type"),
                            "status": ((payload or {}).get("data", {}).get("case") or {})
                            .get("status"),
                            "case": ((payload or {}).get("data", {}).get("case") or {})
                            .get("number"),
                            "body": json.dumps(payload, indent=2)[:4000] if payload else ""})
        cache.set(key, received[:KEEP], 7 * 24 * 3600)
        status = 200 if verdict == "valid" else 400
        return JsonResponse({"received": verdict == "valid", "signature": verdict},
                            status=status)
    # Stored as ISO 8601 text (the cache may be Redis); shown in the reader's time and format.
    received = [{**item, "at": datetime.datetime.fromisoformat(item["at"])}
                for item in cache.get(key, [])]
    return render(request, "partners/receiver.html", {"name": name, "received": received})
