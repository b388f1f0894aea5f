"""The sandbox provider: a simulated card page served by Hotline itself, for demos and tests.

Nothing leaves the machine. Its payment page (`payments:sandbox_checkout`) takes test cards:
4242 4242 4242 4242 is paid, 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 has
insufficient funds; any other valid number is paid. What happens there comes back as a signed
push through the same webhook path as a real provider's (`Hotline-Signature`, secret derived
from SECRET_KEY), so the sandbox exercises the real ingestion.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hotline.signing import HEADER, signature_make, signature_verify
from payments.base import PaymentProvider
from payments.domain import (
    EventKind,
    Intent,
    IntentRequest,
    ProviderEvent,
    RefundRequest,
    RefundResult,
    RefundStatus,
    WebhookRejected,
)

DECLINED = {"4000000000000002": "Your card was declined.",
            "4000000000009995": "Your card has insufficient funds."}
TEST_CARDS = [("4242 4242 4242 4242", "paid"), ("4000 0000 0000 0002", "declined"),
              ("4000 0000 0000 9995", "insufficient funds")]


class SandboxPayments(PaymentProvider):
    code = "sandbox"
    name = "Sandbox (test cards)"

    @property
    def secret(self) -> str:
        configured = self.options.get("webhook_secret")
        if configured:
            return str(configured)
        return hashlib.sha256(f"payments-sandbox:{settings.SECRET_KEY}".encode()).hexdigest()

    def create_intent(self, request: IntentRequest) -> Intent:
        ref = "sbx_pi_" + hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:24]
        return Intent(provider_ref=ref,
                      redirect_url=settings.SITE_URL + reverse("payments:sandbox_checkout", args=[ref]))

    def refund(self, request: RefundRequest) -> RefundResult:
        ref = "sbx_re_" + hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:24]
        return RefundResult(provider_ref=ref, status=RefundStatus.SUCCEEDED)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        signature_verify(secret=self.secret, body=body, headers=headers, tolerance=300,
                         error=WebhookRejected)
        try:
            data = json.loads(body)
            occurred = timezone.datetime.fromisoformat(data["occurred_at"])
            return [ProviderEvent(event_id=str(data["id"]), kind=EventKind(data["kind"]),
                                  reference=str(data["reference"]), occurred_at=occurred,
                                  provider_ref=str(data.get("provider_ref", "")),
                                  message=str(data.get("message", ""))[:300])]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected(f"Malformed sandbox event: {exc}") from None

    def push(self, *, kind: EventKind, reference: str, provider_ref: str,
             message: str = "") -> tuple[bytes, dict]:
        """Return the signed push the sandbox sends when the customer acts on its page."""
        body = json.dumps({"id": f"sbx_evt_{uuid.uuid4().hex}", "kind": kind, "reference": reference,
                           "provider_ref": provider_ref, "message": message,
                           "occurred_at": timezone.now().isoformat()}).encode()
        return body, {HEADER: signature_make(secret=self.secret, body=body)}


def card_outcome(number: str) -> tuple[bool, str]:
    """Return (paid, message) for a test card number (spaces allowed)."""
    digits = number.replace(" ", "")
    if digits in DECLINED:
        return False, DECLINED[digits]
    return True, ""
