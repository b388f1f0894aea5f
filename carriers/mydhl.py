"""DHL Express through the MyDHL API 3.x (REST, JSON, Basic auth).

- Booking: `POST /shipments`. The replacement goes out on one waybill; the faulty unit comes
  back on a second one, shipper = the customer, whose `pickup.isRequested` books the courier at
  the customer's door on the delivery day, with an instruction tying it to the delivery's
  waybill, so one visit delivers and collects. Handsets carry lithium batteries: every parcel
  with `contains_lithium` adds the value-added service for "lithium ion batteries contained in
  equipment" (PI967 Section II; `HV` unless MYDHL_LITHIUM_SERVICE_CODE says otherwise).
- Labels come back with the booking (`outputImageProperties`: pdf or zpl); the waybill
  document can be fetched again with `GET /shipments/{number}/get-image`.
- Tracking: `GET /shipments/{number}/tracking`, or `GET /tracking` for several numbers.
- Cancel: MyDHL has no shipment cancellation (an unused label is not billed); what can be
  cancelled is the courier pickup, `DELETE /pickups/{dispatchConfirmationNumber}`. A waybill
  without a pickup is simply abandoned: nothing to undo at DHL.
- DHL Express waybills are 10 digits with a mod-7 check digit: numbers that fail it are
  flagged (logged, and `tracking_number_valid=False` on the shipment), never silently used.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
import time
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence

import httpx
from django.conf import settings
from django.utils import timezone

from carriers.base import BaseCarrier, dhl_express_waybill_is_valid
from carriers.domain import (
    Address,
    BookedShipment,
    Booking,
    BookingRequest,
    CarrierError,
    CarrierEvent,
    Direction,
    Document,
    FailureReason,
    Parcel,
    Service,
    TrackingStatus,
)
from carriers.httpclient import HttpClient
from hotline import jsonsafe

log = logging.getLogger(__name__)
S, R = TrackingStatus, FailureReason

#: DHL Express checkpoint (event type) codes -> our status and, for failed deliveries, why.
EVENT_CODES: dict[str, tuple[str, str]] = {
    "PU": (S.PICKED_UP, ""),  # shipment picked up
    "SA": (S.PICKED_UP, ""),  # shipment acceptance
    "PL": (S.IN_TRANSIT, ""),  # processed at location
    "DF": (S.IN_TRANSIT, ""),  # departed facility
    "AF": (S.IN_TRANSIT, ""),  # arrived facility
    "AR": (S.IN_TRANSIT, ""),  # arrived at delivery facility
    "FD": (S.IN_TRANSIT, ""),  # forward destination
    "TR": (S.IN_TRANSIT, ""),  # record of transfer
    "TP": (S.IN_TRANSIT, ""),  # forwarded to a third party
    "IC": (S.IN_TRANSIT, ""),  # in clearance processing
    "CR": (S.IN_TRANSIT, ""),  # clearance release
    "BR": (S.IN_TRANSIT, ""),  # broker release
    "BN": (S.IN_TRANSIT, ""),  # customer's broker notified
    "RR": (S.IN_TRANSIT, ""),  # response received
    "SC": (S.IN_TRANSIT, ""),  # service changed
    "AD": (S.IN_TRANSIT, ""),  # agreed delivery (arranged with the recipient)
    "WC": (S.OUT_FOR_DELIVERY, ""),  # with delivering courier
    "OK": (S.DELIVERED, ""),  # delivery
    "CM": (S.DELIVERY_FAILED, R.ADDRESS_PROBLEM),  # customer moved
    "BA": (S.DELIVERY_FAILED, R.ADDRESS_PROBLEM),  # bad address
    "NH": (S.DELIVERY_FAILED, R.RECIPIENT_ABSENT),  # not home
    "CA": (S.DELIVERY_FAILED, R.RECIPIENT_ABSENT),  # closed on arrival
    "RD": (S.DELIVERY_FAILED, R.REFUSED),  # refused delivery
    "ND": (S.DELIVERY_FAILED, ""),  # not delivered
    "OH": (S.HELD_AT_DEPOT, ""),  # on hold
    "CC": (S.HELD_AT_DEPOT, ""),  # awaiting consignee collection
    "HP": (S.HELD_AT_DEPOT, ""),  # held for payment
    "RT": (S.RETURNED_TO_SENDER, ""),  # returned to consignor
    "DS": (S.LOST, ""),  # destroyed / disposal
    "DD": (S.EXCEPTION, ""),  # delivered damaged: needs a person
    "PD": (S.EXCEPTION, ""),  # partial delivery
    "MD": (S.EXCEPTION, ""),  # missed delivery cycle
    "MS": (S.EXCEPTION, ""),  # mis-sort
    "MC": (S.EXCEPTION, ""),  # miscode
    "CD": (S.EXCEPTION, ""),  # controllable clearance delay
    "UD": (S.EXCEPTION, ""),  # uncontrollable clearance delay
    "SS": (S.EXCEPTION, ""),  # shipment stopped
    "CS": (S.EXCEPTION, ""),  # closed shipment
}

#: Our service -> DHL Express product code, domestic and international.
PRODUCTS = {
    Service.NEXT_DAY: ("N", "P"),  # EXPRESS DOMESTIC / EXPRESS WORLDWIDE
    Service.NEXT_DAY_NOON: ("1", "Y"),  # EXPRESS DOMESTIC 12:00 / EXPRESS 12:00
    Service.NEXT_DAY_9: ("I", "E"),  # EXPRESS DOMESTIC 9:00 / EXPRESS 9:00
}

EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
      "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


def map_event_code(code: str) -> tuple[str, str]:
    """Return (status, reason) for a DHL event type code; unknown codes are exceptions."""
    return EVENT_CODES.get((code or "").strip().upper(), (S.EXCEPTION, ""))


def describe_error(response: httpx.Response) -> tuple[str, list[str]]:
    """Return DHL's own message from an error body {instance, detail, title, message, status,
    additionalDetails}, plus the additional details."""
    try:
        body = response.json()
    except ValueError:
        return f"DHL answered HTTP {response.status_code}: {response.text[:200]}", []
    if not isinstance(body, dict):
        return f"DHL answered HTTP {response.status_code}", []
    title = body.get("title") or body.get("message") or f"HTTP {response.status_code}"
    detail = body.get("detail") or ""
    details = [str(item) for item in body.get("additionalDetails") or []]
    text = f"DHL {response.status_code} {title}: {detail}".rstrip(": ")
    if details:
        text += " (" + "; ".join(details) + ")"
    return text, details


class MyDhlCarrier(BaseCarrier):
    code = "mydhl"
    name = "DHL Express"
    TRACKING_PAGE = "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"

    def public_tracking_url(self, tracking_number: str) -> str:
        return self.TRACKING_PAGE.format(number=tracking_number)

    def __init__(self, *, options: Mapping | None = None):
        super().__init__(options=options)
        self._http: HttpClient | None = None

    # --- plumbing ---------------------------------------------------------------------------
    @property
    def http(self) -> HttpClient:
        if self._http is None:
            options = self.options
            if not options.get("api_key") or not options.get("api_secret"):
                raise CarrierError("MyDHL is not configured: set MYDHL_API_KEY and "
                                   "MYDHL_API_SECRET.", permanent=True)
            self._http = HttpClient(
                base_url=options.get("base_url") or "https://express.api.dhl.com/mydhlapi/test",
                carrier=self.code, auth=(options["api_key"], options["api_secret"]),
                headers={"Accept": "application/json",
                         "x-version": options.get("api_version", "3.1.1")},
                timeout=float(options.get("timeout", 15)),
                retries=int(options.get("retries", 3)),
                backoff=float(options.get("backoff", 0.5)),
                max_wait=float(options.get("max_wait", 30)),
                describe_error=describe_error, sleep=options.get("sleep") or time.sleep,
                # MyDHL traces each request by this id (28 to 36 characters).
                request_headers=lambda: {"Message-Reference": str(uuid.uuid4())})
        return self._http

    @property
    def account(self) -> str:
        account = self.options.get("account")
        if not account:
            raise CarrierError("MyDHL is not configured: set MYDHL_ACCOUNT.", permanent=True)
        return account

    def tracking_number_is_valid(self, number: str) -> bool:
        return dhl_express_waybill_is_valid(number)

    # --- booking ----------------------------------------------------------------------------
    def book(self, request: BookingRequest) -> Booking:
        outbound = self._create(self.shipment_payload(request, Direction.OUTBOUND),
                                Direction.OUTBOUND)
        collection = None
        if request.return_collection is not None:
            payload = self.shipment_payload(request, Direction.RETURN,
                                            outbound_number=outbound.tracking_number)
            try:
                collection = self._create(payload, Direction.RETURN)
            except CarrierError as exc:
                if outbound.carrier_reference:
                    self._cancel_pickup_quietly(outbound.carrier_reference)
                raise CarrierError(
                    f"The return collection was refused ({exc.message}); delivery waybill "
                    f"{outbound.tracking_number} was created but will not be used or billed.",
                    permanent=exc.permanent, status_code=exc.status_code,
                    details=exc.details) from exc
        return Booking(outbound=outbound, collection=collection)

    def shipment_payload(self, request: BookingRequest, direction: str, *,
                         outbound_number: str = "") -> dict:
        """Return the body of POST /shipments for one direction of the booking."""
        if direction == Direction.OUTBOUND:
            shipper, receiver, parcels = request.sender, request.recipient, request.parcels
            planned = self._planned(request.ship_date, self.options.get("pickup_time", "16:00"))
            pickup: dict = {"isRequested": bool(self.options.get("outbound_pickup", False))}
            if pickup["isRequested"]:
                pickup["closeTime"] = self.options.get("close_time", "18:00")
        else:
            collection = request.return_collection
            shipper, receiver, parcels = request.recipient, collection.return_to, \
                collection.parcels
            visit_day = _next_working_day(request.ship_date)
            planned = self._planned(visit_day, self.options.get("collection_time", "09:00"))
            pickup = {
                "isRequested": True,
                "closeTime": self.options.get("close_time", "18:00"),
                "location": "front door",
                "specialInstructions": [{
                    "value": f"Collect when delivering {outbound_number}"[:80],
                    "typeCode": "TBD"}],
                "pickupDetails": _party(request.recipient),
            }
        domestic = shipper.country == receiver.country
        declarable = not domestic and not (shipper.country in EU and receiver.country in EU)
        product = request.options.get("product_code") or \
            PRODUCTS.get(request.service, PRODUCTS[Service.NEXT_DAY])[0 if domestic else 1]
        fmt = (request.options.get("label_format") or self.options.get("label_format")
               or "pdf").lower()
        payload = {
            "plannedShippingDateAndTime": planned,
            "pickup": pickup,
            "productCode": product,
            "accounts": [{"typeCode": "shipper", "number": self.account}],
            "outputImageProperties": {
                "printerDPI": 300,
                "encodingFormat": fmt,
                "imageOptions": [
                    {"typeCode": "label",
                     "templateName": self.options.get("label_template", "ECOM26_84_001"),
                     "isRequested": True},
                    {"typeCode": "waybillDoc", "templateName": "ARCH_8X4", "isRequested": False,
                     "hideAccountNumber": True},
                ],
            },
            "customerReferences": [{"value": booking_reference(request, direction),
                                    "typeCode": "CU"}],
            "customerDetails": {"shipperDetails": _party(shipper),
                                "receiverDetails": _party(receiver)},
            "content": {
                "packages": [_package(p, request.reference) for p in parcels],
                "isCustomsDeclarable": declarable,
                "description": (parcels[0].contents if parcels else "Mobile phone")[:70],
                "incoterm": "DAP",
                "unitOfMeasurement": "metric",
            },
        }
        if declarable:
            payload["content"]["declaredValue"] = float(request.options.get("declared_value", 1))
            payload["content"]["declaredValueCurrency"] = request.options.get("currency", "EUR")
        if any(p.contains_lithium for p in parcels):
            payload["valueAddedServices"] = [
                {"serviceCode": self.options.get("lithium_service_code") or "HV"}]
        return payload

    def _planned(self, day: datetime.date, at: str) -> str:
        hour, minute = (int(part) for part in at.split(":"))
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        local = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
        offset = local.utcoffset() or datetime.timedelta(0)
        sign = "+" if offset >= datetime.timedelta(0) else "-"
        minutes = abs(int(offset.total_seconds())) // 60
        return f"{local:%Y-%m-%dT%H:%M:%S} GMT{sign}{minutes // 60:02d}:{minutes % 60:02d}"

    def _create(self, payload: dict, direction: str) -> BookedShipment:
        """Create the shipment once. MyDHL takes no idempotency key, so the booking's own
        reference (case number and a digest of our idempotency key and the direction) goes in
        the shipment's customer reference, and before each POST DHL is asked for a shipment
        with that reference: a request that timed out or failed after DHL acted on it (or a
        worker killed while waiting for the answer) is found instead of booked again."""
        reference = payload["customerReferences"][0]["value"]
        attempt = 0
        while True:
            attempt += 1
            found = self._find(reference, payload, direction)
            if found is not None:
                log.info("carrier booking found by its reference", extra={
                    "carrier": self.code, "reference": reference,
                    "tracking_number": found.tracking_number})
                return found
            try:
                response = self.http.request("POST", "/shipments", json=payload, ok=(200, 201),
                                             retry_ambiguous=False)
            except CarrierError as exc:
                if exc.permanent or attempt > self.http.retries:
                    raise
                delay = min(self.http.max_wait, self.http.backoff * 2 ** (attempt - 1))
                if exc.status_code is None:
                    # No answer: DHL may still be working on it. Give it as long again as we
                    # waited before asking whether the shipment exists.
                    delay = max(delay, self.http.timeout)
                log.info("carrier booking retried", extra={
                    "carrier": self.code, "reference": reference, "attempt": attempt,
                    "delay": round(delay, 3), "problem": exc.message})
                self.http.sleep(delay)
                continue
            return self._booked(response.json(), direction)

    def _find(self, reference: str, payload: dict, direction: str) -> BookedShipment | None:
        """Return the shipment DHL already holds under this booking reference, if any."""
        planned = payload["plannedShippingDateAndTime"][:10]
        day = datetime.date.fromisoformat(planned)
        try:
            response = self.http.request("GET", "/tracking", params={
                "shipmentReference": reference, "shipmentReferenceType": "CU",
                "shipperAccountNumber": self.account,
                "dateRangeFrom": (day - datetime.timedelta(days=7)).isoformat(),
                "dateRangeTo": (day + datetime.timedelta(days=7)).isoformat(),
                "trackingView": "shipment-details-only", "levelOfDetail": "shipment"})
        except CarrierError as exc:
            if exc.status_code == 404:  # nothing under this reference: book it
                return None
            raise
        numbers = [str(s.get("shipmentTrackingNumber") or "")
                   for s in response.json().get("shipments") or []]
        numbers = [n for n in numbers if n]
        if not numbers:
            return None
        number = numbers[0]
        valid = self.tracking_number_is_valid(number)
        # No documents nor pickup number come with tracking: our own label is printed, and a
        # pickup found this way cannot be cancelled through the API (DHL's customer service can).
        return BookedShipment(direction=direction, tracking_number=number,
                              tracking_number_valid=valid)

    def _booked(self, body: Mapping, direction: str) -> BookedShipment:
        number = str(body.get("shipmentTrackingNumber") or "")
        if not number:
            raise CarrierError("DHL accepted the shipment but returned no waybill number.",
                               permanent=False)
        valid = self.tracking_number_is_valid(number)
        if not valid:
            log.warning("carrier waybill fails its check digit",
                        extra={"carrier": self.code, "tracking_number": number})
        documents = tuple(
            Document(kind=doc.get("typeCode", "label"),
                     format=(doc.get("imageFormat") or "pdf").lower(),
                     content=base64.b64decode(doc.get("content", "")))
            for doc in body.get("documents") or [] if doc.get("content"))
        return BookedShipment(
            direction=direction, tracking_number=number,
            piece_numbers=tuple(p["trackingNumber"] for p in body.get("packages") or []
                                if p.get("trackingNumber")),
            carrier_reference=body.get("dispatchConfirmationNumber") or "",
            documents=documents, tracking_number_valid=valid)

    # --- documents --------------------------------------------------------------------------
    def labels(self, tracking_number: str, *, format: str = "pdf") -> list[Document]:
        if format != "pdf":
            raise CarrierError("MyDHL gives ZPL labels only with the booking; documents can be "
                               "fetched again as PDF only.", permanent=True)
        today = timezone.localdate()
        last_month = (today.replace(day=1) - datetime.timedelta(days=1))
        for month in (today, last_month):
            try:
                response = self.http.request(
                    "GET", f"/shipments/{tracking_number}/get-image",
                    params={"shipperAccountNumber": self.account, "typeCode": "waybill",
                            "pickupYearAndMonth": f"{month:%Y-%m}", "encodingFormat": "pdf",
                            "allInOnePDF": "true", "compressedPackage": "false"})
            except CarrierError as exc:
                if exc.status_code == 404 and month is today:
                    continue
                raise
            return [Document(kind=doc.get("typeCode", "waybill"),
                             format=(doc.get("encodingFormat") or "pdf").lower(),
                             content=base64.b64decode(doc["content"]))
                    for doc in response.json().get("documents") or [] if doc.get("content")]
        return []

    # --- tracking ---------------------------------------------------------------------------
    def track(self, tracking_numbers: Sequence[str]) -> list[CarrierEvent]:
        numbers = [n for n in dict.fromkeys(tracking_numbers) if n]
        if not numbers:
            return []
        params = {"trackingView": "all-checkpoints", "levelOfDetail": "all",
                  "requestGMTOffsetPerEvent": "true"}
        try:
            if len(numbers) == 1:
                response = self.http.request(
                    "GET", f"/shipments/{numbers[0]}/tracking", params=params)
            else:
                response = self.http.request(
                    "GET", "/tracking",
                    params=[("shipmentTrackingNumber", n) for n in numbers] + list(params.items()))
        except CarrierError as exc:
            if exc.status_code == 404:  # DHL answers 404 until the first checkpoint
                return []
            raise
        return self.parse_tracking(response.json())

    def parse_tracking(self, body: Mapping) -> list[CarrierEvent]:
        """Turn a tracking response (or a webhook in the same shape) into our events."""
        found = []
        for shipment in body.get("shipments") or []:
            number = str(shipment.get("shipmentTrackingNumber") or "")
            if number and not self.tracking_number_is_valid(number):
                log.warning("carrier waybill fails its check digit",
                            extra={"carrier": self.code, "tracking_number": number})
            for event in shipment.get("events") or []:
                code = str(event.get("typeCode") or "")
                status, reason = map_event_code(code)
                areas = event.get("serviceArea") or []
                found.append(CarrierEvent(
                    tracking_number=number, status=status, reason=reason,
                    occurred_at=_event_time(event), raw_code=code,
                    raw_text=str(event.get("description") or "")[:300],
                    location=str(areas[0].get("description", "")) if areas else ""))
        return found

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[CarrierEvent]:
        self.verify_webhook(body=body, headers=headers)
        try:
            return self.parse_tracking(jsonsafe.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CarrierError(f"Malformed MyDHL tracking push: {exc}", permanent=True,
                               status_code=400) from None

    # --- cancelling -------------------------------------------------------------------------
    def cancel(self, *, tracking_number: str, carrier_reference: str = "") -> None:
        """Cancel the courier pickup booked for the waybill, if any. MyDHL cannot cancel a
        waybill itself; an unused label is not billed, so without a pickup there is nothing
        to undo at DHL."""
        if not carrier_reference:
            log.info("carrier waybill abandoned without a pickup to cancel",
                     extra={"carrier": self.code, "tracking_number": tracking_number})
            return
        self.http.request(
            "DELETE", f"/pickups/{carrier_reference}", ok=(200, 204),
            params={"requestorName": self.options.get("requestor_name", "Hotline"),
                    "reason": "not needed"})

    def _cancel_pickup_quietly(self, reference: str) -> None:
        try:
            self.cancel(tracking_number="", carrier_reference=reference)
        except CarrierError as exc:
            log.warning("carrier pickup cancel failed", extra={"carrier": self.code,
                                                                "reference": reference,
                                                                "error": exc.message})


def booking_reference(request: BookingRequest, direction: str) -> str:
    """Return the shipment's customer reference: the case number for people, and a digest of
    the idempotency key and the direction that tells this booking from any other (35
    characters at most, DHL's limit)."""
    digest = hashlib.sha256(f"{request.idempotency_key}|{direction}".encode()).hexdigest()[:10]
    return f"{request.reference[:24]} {digest}"


def _party(address: Address) -> dict:
    postal = {"postalCode": address.postcode, "cityName": address.city,
              "countryCode": address.country.upper(), "addressLine1": address.street[:45]}
    if address.street2:
        postal["addressLine2"] = address.street2[:45]
    contact = {"phone": address.phone, "companyName": (address.company or address.name)[:60],
               "fullName": address.name[:60]}
    if address.email:
        contact["email"] = address.email
    return {"postalAddress": postal, "contactInformation": contact,
            "typeCode": "business" if address.company else "private"}


def _package(parcel: Parcel, reference: str) -> dict:
    return {"weight": float(parcel.weight_kg),
            "dimensions": {"length": parcel.length_cm, "width": parcel.width_cm,
                           "height": parcel.height_cm},
            "description": parcel.contents[:70],
            "customerReferences": [{"value": reference[:35], "typeCode": "CU"}]}


def _next_working_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _event_time(event: Mapping) -> datetime.datetime:
    date, at = event.get("date") or "", event.get("time") or "00:00:00"
    offset = event.get("GMTOffset") or ""
    try:
        moment = datetime.datetime.fromisoformat(f"{date}T{at}")
    except ValueError:
        raise CarrierError(f"DHL event has an unreadable date {date!r} {at!r}.",
                           permanent=True) from None
    if offset:
        sign = -1 if offset.startswith("-") else 1
        hours, _, minutes = offset.lstrip("+-").partition(":")
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(hours), minutes=int(minutes or 0)))
        return moment.replace(tzinfo=tz)
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
