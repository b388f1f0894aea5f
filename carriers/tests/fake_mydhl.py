"""A local fake of the MyDHL API 3.x on a real socket, for the adapter's tests.

It follows the spec's request and response shapes and its error bodies
({instance, detail, title, message, status, additionalDetails}): 400 for an invalid request,
401 for bad credentials, 404 for unknown waybills and pickups; `fail()` scripts 429/500
answers (and `stall()` slow ones) to exercise the client's retries.
"""

from __future__ import annotations

import base64
import io
import json
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PLANNED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} ?GMT[+-]\d{2}:\d{2}$")
FAKE_PDF = b"%PDF-1.4\n% fake DHL label\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Failure:
    method: str
    prefix: str
    status: int
    times: int
    headers: dict = field(default_factory=dict)
    handled: bool = False  # the server acted on the request before failing


class FakeMyDhl:
    def __init__(self, *, api_key="key", api_secret="secret", account="123456789"):
        self.api_key, self.api_secret, self.account = api_key, api_secret, account
        self.requests: list[dict] = []
        self.shipments: dict[str, dict] = {}
        self.pickups: dict[str, str] = {}
        self.events: dict[str, list[dict]] = {}
        self.failures: list[Failure] = []
        self.stalls: list[tuple[str, float, int]] = []
        self.chaos_rate, self.chaos_hold, self.chaos_seen = 0.0, 0.0, Counter()
        self._chaos_random = random.Random(0)
        self.holds: dict[str, tuple[threading.Event, threading.Event]] = {}
        self.issue_invalid_numbers = False
        self._next = 234567890
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/mydhlapi"

    def start(self) -> FakeMyDhl:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- scripting ---------------------------------------------------------------------------
    def fail(self, method: str, prefix: str, status: int, *, times: int = 1,
             headers: dict | None = None, handled: bool = False) -> None:
        self.failures.append(Failure(method, prefix, status, times, headers or {}, handled))

    def stall(self, prefix: str, seconds: float, *, times: int = 1) -> None:
        self.stalls.append((prefix, seconds, times))

    def chaos(self, rate: float, *, hold: float, seed: int = 17) -> None:
        """Make `rate` of all requests fail, in equal shares: a 503 before the request is
        handled; a 500 after it was (the shipment exists, the answer is lost); an answer held
        `hold` seconds (beyond the client's timeout) after it was handled."""
        self.chaos_rate, self.chaos_hold = rate, hold
        self._chaos_random = random.Random(seed)

    def hold(self, method: str, prefix: str) -> tuple[threading.Event, threading.Event]:
        """Hold the next matching request until the test releases it: return (arrived,
        release) events. The request is handled once released (as a server would, though
        its client may be gone)."""
        pair = (threading.Event(), threading.Event())
        self.holds[f"{method} /mydhlapi{prefix}"] = pair
        return pair

    def shipments_by_reference(self) -> dict[str, list[str]]:
        """Return the waybills created under each shipment reference (customerReferences)."""
        found: dict[str, list[str]] = {}
        for number, shipment in self.shipments.items():
            for ref in shipment["request"].get("customerReferences") or []:
                found.setdefault(ref.get("value", ""), []).append(number)
        return found

    def add_events(self, number: str, events: list[dict]) -> None:
        self.events.setdefault(number, []).extend(events)

    def calls(self, method: str, prefix: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method
                and r["path"].startswith("/mydhlapi" + prefix)]

    def new_waybill(self) -> str:
        with self._lock:
            self._next += 1
            body = str(self._next)
        digit = int(body) % 7
        if self.issue_invalid_numbers:
            digit = (digit + 1) % 7
        return f"{body}{digit}"

    # --- the HTTP side -----------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                fake._dispatch(self, "GET")

            def do_POST(self):
                fake._dispatch(self, "POST")

            def do_DELETE(self):
                fake._dispatch(self, "DELETE")

        return Handler

    def _dispatch(self, handler, method: str) -> None:
        parsed = urlparse(handler.path)
        path, query = parsed.path, parse_qs(parsed.query)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        record = {"method": method, "path": path, "query": query,
                  "headers": dict(handler.headers.items()), "body": raw}
        self.requests.append(record)
        for key, (arrived, release) in list(self.holds.items()):
            held_method, prefix = key.split(" ", 1)
            if held_method == method and path.startswith(prefix):
                del self.holds[key]
                arrived.set()
                release.wait(120)
        for index, (prefix, seconds, times) in enumerate(self.stalls):
            if path.startswith("/mydhlapi" + prefix) and times > 0:
                self.stalls[index] = (prefix, seconds, times - 1)
                time.sleep(seconds)
        for failure in self.failures:
            if failure.times > 0 and failure.method == method and \
                    path.startswith("/mydhlapi" + failure.prefix):
                failure.times -= 1
                if failure.handled:  # DHL acted, then failed to answer
                    self._respond(handler, method, path, query, raw, swallow=True)
                title = {429: "Too many requests", 500: "Internal Server Error",
                         503: "Service Unavailable"}.get(failure.status, "Error")
                return self._error(handler, failure.status, path, title,
                                   "Please try again later.", headers=failure.headers)
        fault = self._chaos_fault()
        if fault == "503":
            self.chaos_seen[fault] += 1
            return self._error(handler, 503, path, "Service Unavailable", "Please try again later.")
        if fault:
            self.chaos_seen[fault] += 1
            self._respond(handler, method, path, query, raw, swallow=True)
            if fault == "500":
                return self._error(handler, 500, path, "Internal Server Error",
                                   "Please try again later.")
            time.sleep(self.chaos_hold)
            return None
        return self._respond(handler, method, path, query, raw)

    def _chaos_fault(self) -> str:
        if not self.chaos_rate:
            return ""
        with self._lock:
            if self._chaos_random.random() >= self.chaos_rate:
                return ""
            return self._chaos_random.choice(["503", "500", "timeout"])

    def _respond(self, handler, method, path, query, raw, *, swallow=False):
        """Handle the request; with `swallow`, do it but send nothing back (the answer is
        lost)."""
        if swallow:
            handler = _Swallowed(handler)
        if not self._authorised(handler):
            return self._error(handler, 401, path, "Unauthorized",
                               "Invalid Credentials")
        route = path.removeprefix("/mydhlapi")
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._error(handler, 400, path, "Bad request", "Malformed JSON")
        if method == "POST" and route == "/shipments":
            return self._create(handler, path, body)
        match = re.fullmatch(r"/shipments/(\w+)/tracking", route)
        if method == "GET" and match:
            return self._track(handler, path, [match.group(1)])
        if method == "GET" and route == "/tracking" and "shipmentReference" in query:
            return self._track_reference(handler, path, query)
        if method == "GET" and route == "/tracking":
            return self._track(handler, path, query.get("shipmentTrackingNumber", []))
        match = re.fullmatch(r"/shipments/(\w+)/get-image", route)
        if method == "GET" and match:
            return self._image(handler, path, match.group(1), query)
        match = re.fullmatch(r"/pickups/(\w+)", route)
        if method == "DELETE" and match:
            return self._cancel_pickup(handler, path, match.group(1), query)
        return self._error(handler, 404, path, "Not Found", "No such endpoint")

    def _authorised(self, handler) -> bool:
        expected = base64.b64encode(f"{self.api_key}:{self.api_secret}".encode()).decode()
        return handler.headers.get("Authorization", "") == f"Basic {expected}"

    def _create(self, handler, path, body) -> None:
        problems = validate_shipment(body or {})
        if problems:
            return self._error(handler, 400, path, "Bad request",
                               "Multiple problems found, see Additional Details",
                               details=problems)
        accounts = [a.get("number") for a in body["accounts"]]
        if self.account not in accounts:
            return self._error(handler, 400, path, "Bad request",
                               "The account number is not found or invalid. Please check the "
                               "account number and retry.")
        number = self.new_waybill()
        dispatch = ""
        with self._lock:
            if body["pickup"].get("isRequested"):
                dispatch = f"PRG{time.strftime('%y%m%d')}{len(self.pickups) + 1:06d}"
                self.pickups[dispatch] = number
            self.shipments[number] = {"request": body, "dispatch": dispatch}
        fmt = body.get("outputImageProperties", {}).get("encodingFormat", "pdf")
        label = FAKE_PDF if fmt == "pdf" else f"^XA^FD{number}^FS^XZ".encode()
        response = {
            "url": f"{self.url}/shipments",
            "shipmentTrackingNumber": number,
            "trackingUrl": f"{self.url}/shipments/{number}/tracking",
            "packages": [{"referenceNumber": i + 1, "trackingNumber": f"JD0146{number}{i:04d}",
                          "trackingUrl": f"{self.url}/shipments/{number}/tracking"}
                         for i in range(len(body["content"]["packages"]))],
            "documents": [{"imageFormat": fmt.upper(),
                           "content": base64.b64encode(label).decode(), "typeCode": "label"}],
        }
        if dispatch:
            response["dispatchConfirmationNumber"] = dispatch
            response["cancelPickupUrl"] = f"{self.url}/pickups/{dispatch}"
        return self._json(handler, 201, response)

    def _track(self, handler, path, numbers) -> None:
        known = [n for n in numbers if n in self.shipments or n in self.events]
        if not known:
            return self._error(handler, 404, path, "Not Found",
                               "No shipment with given tracking number found.")
        shipments = [{"shipmentTrackingNumber": n, "status": "Success",
                      "productCode": (self.shipments.get(n) or {}).get("request", {})
                      .get("productCode", "N"),
                      "events": list(self.events.get(n, []))} for n in known]
        return self._json(handler, 200, {"shipments": shipments})

    def _track_reference(self, handler, path, query) -> None:
        required = ("shipmentReferenceType", "shipperAccountNumber", "dateRangeFrom",
                    "dateRangeTo")
        missing = [name for name in required if name not in query]
        if missing:
            return self._error(handler, 400, path, "Bad request",
                               f"Missing query parameters: {', '.join(missing)}")
        reference = query["shipmentReference"][0]
        with self._lock:
            numbers = self.shipments_by_reference().get(reference, [])
        if not numbers:
            return self._error(handler, 404, path, "Not Found",
                               "No shipment with given reference found.")
        return self._track(handler, path, numbers)

    def _image(self, handler, path, number, query) -> None:
        required = ("shipperAccountNumber", "typeCode", "pickupYearAndMonth")
        missing = [name for name in required if name not in query]
        if missing:
            return self._error(handler, 400, path, "Bad request",
                               f"Missing query parameters: {', '.join(missing)}")
        if number not in self.shipments:
            return self._error(handler, 404, path, "Not Found",
                               f"No document found for shipment {number}.")
        return self._json(handler, 200, {"documents": [{
            "typeCode": "waybill", "encodingFormat": "pdf",
            "content": base64.b64encode(FAKE_PDF).decode()}]})

    def _cancel_pickup(self, handler, path, dispatch, query) -> None:
        if "requestorName" not in query or "reason" not in query:
            return self._error(handler, 400, path, "Bad request",
                               "requestorName and reason are required")
        if dispatch not in self.pickups:
            return self._error(handler, 404, path, "Not Found",
                               f"Pickup {dispatch} was not found or is already cancelled.")
        del self.pickups[dispatch]
        return self._json(handler, 200, {})

    def _json(self, handler, status, payload, headers=None) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        try:
            handler.wfile.write(data)
        except OSError:  # the client gave up waiting (a timeout): nobody reads the answer
            pass

    def _error(self, handler, status, path, title, detail, *, details=None, headers=None):
        body = {"instance": path.replace("/mydhlapi", "/expressapi"), "detail": detail,
                "title": title, "message": title, "status": str(status)}
        if details:
            body["additionalDetails"] = details
        return self._json(handler, status, body, headers=headers)


class _Swallowed:
    """A request handler whose answer goes nowhere (the server acted, the answer was lost)."""

    def __init__(self, handler):
        self.headers = handler.headers
        self.wfile = io.BytesIO()

    def send_response(self, *args):
        pass

    def send_header(self, *args):
        pass

    def end_headers(self):
        pass


def validate_shipment(body: dict) -> list[str]:
    """Return the problems the real API would report for a create-shipment body."""
    problems = []
    planned = body.get("plannedShippingDateAndTime", "")
    if not PLANNED.match(planned or ""):
        problems.append(f"plannedShippingDateAndTime: {planned!r} is not "
                        "YYYY-MM-DDTHH:MM:SS GMT+HH:MM")
    if not isinstance(body.get("pickup"), dict) or "isRequested" not in body["pickup"]:
        problems.append("pickup.isRequested is required")
    if not body.get("productCode"):
        problems.append("productCode is required")
    if not body.get("accounts"):
        problems.append("accounts must not be empty")
    details = body.get("customerDetails") or {}
    for role in ("shipperDetails", "receiverDetails"):
        party = details.get(role) or {}
        postal = party.get("postalAddress") or {}
        for key in ("postalCode", "cityName", "countryCode", "addressLine1"):
            if not postal.get(key):
                problems.append(f"customerDetails.{role}.postalAddress.{key} is required")
        contact = party.get("contactInformation") or {}
        for key in ("phone", "companyName", "fullName"):
            if not contact.get(key):
                problems.append(f"customerDetails.{role}.contactInformation.{key} is required")
    pickup = body.get("pickup") or {}
    if pickup.get("pickupDetails"):
        if not (pickup["pickupDetails"].get("postalAddress") or {}).get("postalCode"):
            problems.append("pickup.pickupDetails.postalAddress.postalCode is required")
    packages = (body.get("content") or {}).get("packages") or []
    if not packages:
        problems.append("content.packages must not be empty")
    for index, package in enumerate(packages):
        if not isinstance(package.get("weight"), (int, float)) or package["weight"] <= 0:
            problems.append(f"content.packages[{index}].weight must be above 0")
        dims = package.get("dimensions") or {}
        for key in ("length", "width", "height"):
            if not isinstance(dims.get(key), (int, float)) or dims[key] <= 0:
                problems.append(f"content.packages[{index}].dimensions.{key} must be above 0")
    fmt = (body.get("outputImageProperties") or {}).get("encodingFormat", "pdf")
    if fmt not in ("pdf", "zpl", "lp2", "epl"):
        problems.append(f"outputImageProperties.encodingFormat {fmt!r} is not allowed")
    for service in body.get("valueAddedServices") or []:
        if not re.fullmatch(r"[A-Z0-9]{2}", service.get("serviceCode", "")):
            problems.append(f"valueAddedServices.serviceCode {service!r} is invalid")
    return problems
