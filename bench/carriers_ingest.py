"""Carriers throughput: tracking ingestion (new and duplicate events, through the signed
webhook path), label rendering, and sandbox bookings.

    .venv/bin/python bench/carriers_ingest.py [--shipments 200] [--events 5]

Runs on a throw-away SQLite database under a temporary directory (or on DATABASE_URL's
server if you set it: it then creates and drops a test database).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HOTLINE_VAR_DIR", tempfile.mkdtemp(prefix="hotline-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shipments", type=int, default=200)
    parser.add_argument("--events", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        run(args.shipments, args.events)
    finally:
        runner.teardown_databases(old)


def run(count: int, per: int) -> None:
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from carriers import labels, services
    from carriers.domain import Address, Parcel
    from carriers.models import Shipment
    from carriers.signing import HEADER, signature_make

    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {"webhook_secret": "bench"}}
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="hotline-bench-media-")
    from carriers.registry import REGISTRY

    REGISTRY.cache_clear()
    customer = Address(name="Camille Dupont", street="12 rue de la Paix", postcode="75002",
                       city="Paris", country="FR", phone="+33612345678")
    warehouse = Address.from_dict(settings.HOTLINE_WAREHOUSE)
    parcel = Parcel(weight_kg=Decimal("0.45"), length_cm=20, width_cm=12, height_cm=8,
                    contents="Mobile phone")

    started = time.perf_counter()
    bookings = 50
    for i in range(bookings):
        services.shipment_book(carrier="sandbox", sender=warehouse, recipient=customer,
                               parcels=[parcel], service="next_day", reference=f"B{i}",
                               idempotency_key=f"bench-book-{i}", return_parcels=[parcel],
                               return_to=warehouse)
    book_ms = (time.perf_counter() - started) / bookings * 1000

    now = timezone.now()
    Shipment.objects.bulk_create([Shipment(
        carrier="sandbox", service="next_day", direction="outbound",
        tracking_number=f"HX{i:010d}", booking_key=f"bench-{i}", sender={}, recipient={},
        parcels=[], ship_date=now.date(), status="booked", status_at=now, booked_at=now)
        for i in range(count)])
    statuses = ["picked_up", "in_transit", "in_transit", "out_for_delivery", "delivered"]
    bodies = []
    for i in range(count):
        events = [{"tracking_number": f"HX{i:010d}", "status": statuses[j % len(statuses)],
                   "code": f"SB-{j}", "text": "bench", "event_id": f"HX{i}-{j}",
                   "occurred_at": (now + datetime.timedelta(minutes=j + 1)).isoformat()}
                  for j in range(per)]
        bodies.append(json.dumps({"events": events}).encode())

    def deliver_all() -> float:
        t0 = time.perf_counter()
        for body in bodies:
            services.webhook_receive(carrier="sandbox", body=body, headers={
                HEADER: signature_make(secret="bench", body=body)})
        return time.perf_counter() - t0

    first = deliver_all()
    again = deliver_all()
    total = count * per

    data = labels.LabelData(tracking_number="HS1234567897", carrier_name="Sandbox courier",
                            service="next_day", sender=warehouse, recipient=customer,
                            weight_kg="0.45")
    t0 = time.perf_counter()
    for _ in range(50):
        labels.render_label_pdf(data)
    label_ms = (time.perf_counter() - t0) / 50 * 1000

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}")
    print(f"new events via signed webhooks: {total / first:,.0f} events/s "
          f"({count} webhooks x {per} events, {first:.2f} s)")
    print(f"duplicate events (stored once): {total / again:,.0f} events/s ({again:.2f} s)")
    print(f"A6 label PDF: {label_ms:.1f} ms each")
    print(f"sandbox booking, delivery + collection with labels and slip: {book_ms:.1f} ms each")


if __name__ == "__main__":
    main()
