"""A local fake of the Stripe API on a real socket, for the adapter's tests.

It follows Stripe's shapes: form-encoded POSTs with `Authorization: Bearer sk_...`, an
`Idempotency-Key` replayed with the first response (and refused, 400, with another body), error
bodies `{"error": {"type", "message", "param"}}`; `fail()` scripts 5xx answers to exercise the
client's retries; `event()` builds a signed webhook like Stripe's.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from hotline.signing import signature_make


class FakeStripe:
    def __init__(self, *, api_key="sk_test_fake", webhook_secret="whsec_fake"):
        self.api_key, self.webhook_secret = api_key, webhook_secret
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[str, int, dict]] = {}
        self.failures: list[list] = []  # [path, status, times]
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, path: str, status: int, *, times: int = 1) -> None:
        self.failures.append([path, status, times])

    def calls(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def event(self, kind: str, obj: dict, *, event_id: str | None = None, at: int | None = None,
              secret: str | None = None) -> tuple[bytes, dict]:
        """Return a webhook body and headers signed as Stripe signs them."""
        body = json.dumps({"id": event_id or f"evt_{len(self.requests)}_{time.time_ns()}", "object": "event",
                           "type": kind, "created": at or int(time.time()),
                           "data": {"object": obj}}).encode()
        return body, {"Stripe-Signature": signature_make(secret=secret or self.webhook_secret, body=body)}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                with fake._lock:
                    status, body = fake._dispatch(self.path, self.headers, form)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    def _dispatch(self, path: str, headers, form: dict) -> tuple[int, dict]:
        self.requests.append({"path": path, "form": form, "headers": dict(headers)})
        for failure in self.failures:
            if failure[0] == path and failure[2] > 0:
                failure[2] -= 1
                return failure[1], {"error": {"type": "api_error", "message": "Something went wrong."}}
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided."}}
        key = headers.get("Idempotency-Key", "")
        fingerprint = json.dumps(form, sort_keys=True)
        if key in self.idempotent:
            first_print, status, body = self.idempotent[key]
            if first_print != fingerprint:
                return 400, {"error": {"type": "idempotency_error",
                                       "message": "Keys for idempotent requests can only be used with the "
                                                  "same parameters they were first used with."}}
            return status, body
        status, body = self._route(path, form)
        if key:
            self.idempotent[key] = (fingerprint, status, body)
        return status, body

    def _route(self, path: str, form: dict) -> tuple[int, dict]:
        if path == "/v1/checkout/sessions":
            missing = [f for f in ("success_url", "line_items[0][price_data][currency]",
                                   "line_items[0][price_data][unit_amount]") if f not in form]
            if missing:
                return 400, {"error": {"type": "invalid_request_error", "param": missing[0],
                                       "message": f"Missing required param: {missing[0]}."}}
            sid = f"cs_test_{len(self.sessions) + 1:06d}"
            self.sessions[sid] = form
            return 200, {"id": sid, "object": "checkout.session", "url": f"{self.url}/pay/{sid}",
                         "payment_intent": None, "status": "open"}
        if path == "/v1/refunds":
            if not form.get("payment_intent", "").startswith("pi_"):
                return 400, {"error": {"type": "invalid_request_error", "param": "payment_intent",
                                       "message": "No such payment_intent."}}
            rid = f"re_test_{len(self.refunds) + 1:06d}"
            self.refunds[rid] = form
            return 200, {"id": rid, "object": "refund", "status": "succeeded",
                         "amount": int(form["amount"]), "payment_intent": form["payment_intent"]}
        return 404, {"error": {"type": "invalid_request_error",
                               "message": f"Unrecognized request URL {path}."}}
