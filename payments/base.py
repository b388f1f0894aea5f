"""The base class of payment providers (see payments.domain for the contract)."""

from __future__ import annotations

from collections.abc import Mapping

from payments.domain import Intent, IntentRequest, ProviderEvent, RefundRequest, RefundResult


class PaymentProvider:
    """A payment service: a hosted payment page, refunds, and signed pushes of what happened."""

    code = ""
    name = ""

    def __init__(self, *, options: Mapping[str, object] | None = None):
        self.options = dict(options or {})

    def create_intent(self, request: IntentRequest) -> Intent:
        """Create the payment at the provider; the same idempotency key returns the same one."""
        raise NotImplementedError

    def refund(self, request: RefundRequest) -> RefundResult:
        """Give money back; the same idempotency key refunds once."""
        raise NotImplementedError

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        """Verify the push's signature (WebhookRejected) and translate it; [] if irrelevant."""
        raise NotImplementedError
