"""An adapter shaped like Stripe's API: Checkout Sessions creating Payment Intents, Refunds,
and `Stripe-Signature` webhooks (`t=<unix>,v1=<HMAC-SHA256(secret, t + "." + body)>`).

Options (settings.PAYMENTS_PROVIDER_OPTIONS["stripe"], from STRIPE_* variables): `api_key`
(secret key), `webhook_secret`, `base_url` (https://api.stripe.com by default; the tests point
it at a local fake), `timeout`, `retries`. Every POST carries an Idempotency-Key, so a retried
request never takes or refunds money twice. Our payment reference travels in the metadata
(`hotline_reference`, `hotline_refund`) and comes back in every event.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Mapping

import httpx
from django.conf import settings

from hotline.httpclient import HttpClient
from hotline.signing import signature_verify
from payments.base import PaymentProvider
from payments.domain import (
    EventKind,
    Intent,
    IntentRequest,
    ProviderError,
    ProviderEvent,
    RefundRequest,
    RefundResult,
    RefundStatus,
    WebhookRejected,
    from_minor,
    to_minor,
)

HEADER = "Stripe-Signature"
REFUND_STATUS = {"succeeded": RefundStatus.SUCCEEDED, "pending": RefundStatus.PENDING,
                 "requires_action": RefundStatus.PENDING, "failed": RefundStatus.FAILED,
                 "canceled": RefundStatus.FAILED}


def _describe(response: httpx.Response) -> tuple[str, list[str]]:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return f"Stripe HTTP {response.status_code}: {response.text[:200]}", []
    return f"Stripe: {error.get('message') or error.get('type') or response.status_code}", [
        str(error.get("param", ""))] if error.get("param") else []


class StripePayments(PaymentProvider):
    code = "stripe"
    name = "Stripe"

    def __init__(self, *, options=None):
        super().__init__(options=options)
        self._http: HttpClient | None = None

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            self._http = HttpClient(
                base_url=str(self.options.get("base_url") or "https://api.stripe.com"),
                service="stripe", error=ProviderError, describe_error=_describe,
                headers={"Authorization": f"Bearer {self.options.get('api_key', '')}"},
                timeout=float(self.options.get("timeout", 15)),
                retries=int(self.options.get("retries", 2)),
                backoff=float(self.options.get("backoff", 0.5)),
                sleep=self.options.get("sleep", time.sleep))
        return self._http

    def create_intent(self, request: IntentRequest) -> Intent:
        currency = request.currency.lower()
        form = {
            "mode": "payment",
            "success_url": request.return_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": request.reference,
            "locale": request.locale if request.locale in ("en", "fr") else "auto",
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": currency,
            "line_items[0][price_data][unit_amount]": str(to_minor(request.amount, request.currency)),
            "line_items[0][price_data][product_data][name]": request.description,
            "metadata[hotline_reference]": request.reference,
            "payment_intent_data[metadata][hotline_reference]": request.reference,
            "payment_intent_data[description]": request.description,
        }
        if request.customer_email:
            form["customer_email"] = request.customer_email
        for key, value in request.metadata.items():
            form[f"payment_intent_data[metadata][{key}]"] = str(value)
        body = self.http.request("POST", "/v1/checkout/sessions", data=form,
                                 headers={"Idempotency-Key": request.idempotency_key}).json()
        return Intent(provider_ref=body["id"], redirect_url=body["url"])

    def refund(self, request: RefundRequest) -> RefundResult:
        body = self.http.request("POST", "/v1/refunds", data={
            "payment_intent": request.payment_ref,
            "amount": str(to_minor(request.amount, request.currency)),
            "metadata[hotline_refund]": request.reference,
        }, headers={"Idempotency-Key": request.idempotency_key}).json()
        return RefundResult(provider_ref=body["id"],
                            status=REFUND_STATUS.get(body.get("status", ""), RefundStatus.PENDING),
                            message=str(body.get("failure_reason") or ""))

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        signature_verify(secret=str(self.options.get("webhook_secret", "")), body=body,
                         headers=headers, header=HEADER, error=WebhookRejected,
                         tolerance=settings.PAYMENTS_WEBHOOK_TOLERANCE)
        try:
            event = json.loads(body)
            kind_of = event["type"]
            obj = event["data"]["object"]
            at = datetime.datetime.fromtimestamp(int(event["created"]), tz=datetime.UTC)
            return _translate(event_id=str(event["id"]), kind_of=kind_of, obj=obj, at=at)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            raise WebhookRejected(f"Malformed Stripe event: {type(exc).__name__}: {exc}") from None


def _translate(*, event_id: str, kind_of: str, obj: dict, at: datetime.datetime) -> list[ProviderEvent]:
    metadata = obj.get("metadata") or {}
    if kind_of.startswith("payment_intent."):
        kind = {"payment_intent.succeeded": EventKind.SUCCEEDED,
                "payment_intent.payment_failed": EventKind.FAILED,
                "payment_intent.canceled": EventKind.CANCELED}.get(kind_of)
        if kind is None or "hotline_reference" not in metadata:
            return []
        error = obj.get("last_payment_error") or {}
        message = (error.get("message") or "") if kind == EventKind.FAILED else ""
        currency = str(obj.get("currency", "")).upper()
        amount = from_minor(int(obj.get("amount_received") or obj.get("amount") or 0), currency)
        return [ProviderEvent(event_id=event_id, kind=kind, reference=metadata["hotline_reference"],
                              occurred_at=at, provider_ref=str(obj["id"]), amount=amount,
                              currency=currency, message=str(message)[:300])]
    if kind_of == "checkout.session.expired":
        reference = metadata.get("hotline_reference") or obj.get("client_reference_id")
        return [ProviderEvent(event_id=event_id, kind=EventKind.CANCELED, reference=str(reference),
                              occurred_at=at, message="payment page expired")] if reference else []
    if kind_of in ("refund.updated", "refund.created", "refund.failed"):
        status = REFUND_STATUS.get(obj.get("status", ""))
        if "hotline_refund" not in metadata or status == RefundStatus.PENDING or status is None:
            return []
        kind = EventKind.REFUND_SUCCEEDED if status == RefundStatus.SUCCEEDED else EventKind.REFUND_FAILED
        return [ProviderEvent(event_id=event_id, kind=kind, reference=metadata["hotline_refund"],
                              occurred_at=at, provider_ref=str(obj["id"]),
                              message=str(obj.get("failure_reason") or "")[:300])]
    return []
