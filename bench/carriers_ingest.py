"""Carriers throughput: tracking ingestion through the signed webhook path (new and duplicate
events) against its floor, label rendering, and sandbox bookings.

    .venv/bin/python bench/carriers_ingest.py [--shipments 200] [--events 5,50]

Each webhook body carries `--events` events of one parcel (each size in the list is run in
turn, `--shipments` bodies each). Per webhook it prints the wall and CPU milliseconds (of the
process and, on PostgreSQL, of its database backend) and the SQL statements sent besides the
transaction's BEGIN and COMMIT, for new events and for the same bodies again (duplicates).
The floor, on a twin set of parcels with the same bodies: the signature check, the JSON parse
and one INSERT of the body's events in one transaction per webhook (what any ingestion must
at least do). Runs on DATABASE_URL's database when set (a scratch one: the tables it fills
are emptied), else a throw-away SQLite file (see bench/common.py).

`--subscribers K` registers K status-change subscribers that want every parcel; the default,
2, is the realistic case: in production every tracked parcel is a swap's (or a repair's),
wanted by exchanges and partners. Each webhook that moves its parcel then also records K
outbox messages and sends them after commit: to the broker when CELERY_BROKER_URL is set
(production, e.g. redis://127.0.0.1:6379/13: no worker needs to run, the messages just
queue; use a scratch Redis database), else run in-process as the embedded mode does.
With a broker the messages are sent by the listening relay, as in production (there a thread
of the beat): the bench runs `manage.py outbox_listen` in a process of its own, and a run's
time lasts until the relay has sent every message (the wait after the last webhook and the
relay's CPU seconds are printed). `--subscribers 0` is the bare case (a parcel no one
follows).
"""

import argparse
import datetime
import functools
import json
import os
import subprocess
import sys
import tempfile
import time

from common import ROOT, Timer, empty, machine, process_cpu, setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shipments", type=int, default=200)
    parser.add_argument("--events", default="5,50",
                        help="events per webhook body, a comma-separated list of sizes")
    parser.add_argument("--bookings", type=int, default=50)
    parser.add_argument("--subscribers", type=int, default=2,
                        help="subscribers that want every parcel (a swap's parcel: 2, the "
                             "default; 0: a parcel no one follows)")
    args = parser.parse_args()
    setup()
    _subscribe(args.subscribers)
    sizes = [int(size) for size in args.events.split(",")]
    for index, per in enumerate(sizes):
        run(args.shipments, per, args.bookings if index == len(sizes) - 1 else 0)


def _configure():
    from django.conf import settings

    from carriers.registry import REGISTRY

    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {"webhook_secret": "bench"}}
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="hotline-bench-media-")
    REGISTRY.cache_clear()


def _wanted(shipment):
    from django.db.models import Exists

    from carriers.models import Shipment

    return Exists(Shipment.objects.filter(pk=shipment, tracking_number__startswith="HX"))


def _subscribe(count: int) -> None:
    """Register `count` subscribers (sharing one `exists`, as exchanges and partners do)."""
    from django.conf import settings

    from carriers.subscribers import subscriber

    def listener(shipment, event):
        return None

    paths = []
    for index in range(count):
        name = f"bench_listener_{index}"
        globals()[name] = subscriber(exists=_wanted)(
            functools.partial(listener))  # one object per subscriber: it carries marks
        paths.append(f"{__name__}.{name}")
    settings.HOTLINE_CARRIER_SUBSCRIBERS = paths


def _bodies(prefix: str, count: int, per: int, now) -> list[bytes]:
    statuses = ["picked_up", "in_transit", "in_transit", "out_for_delivery", "delivered"]
    bodies = []
    for i in range(count):
        events = [{"tracking_number": f"{prefix}{i:010d}", "status": statuses[j % len(statuses)],
                   "code": f"SB-{j}", "text": "bench", "event_id": f"{prefix}{i}-{j}",
                   "occurred_at": (now + datetime.timedelta(minutes=j + 1)).isoformat()}
                  for j in range(per)]
        bodies.append(json.dumps({"events": events}).encode())
    return bodies


def _shipments(prefix: str, count: int, now) -> None:
    from carriers.models import Shipment

    Shipment.objects.bulk_create([Shipment(
        carrier="sandbox", service="next_day", direction="outbound",
        tracking_number=f"{prefix}{i:010d}", booking_key=f"bench-{prefix}-{i}", sender={},
        recipient={}, parcels=[], ship_date=now.date(), status="booked", status_at=now,
        booked_at=now) for i in range(count)])


class Statements:
    """Count the SQL statements sent while it is installed (an executemany counts once)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def counted(function, *args):
    """Run `function(*args)`; return its result and the statements it sent (the drivers
    open and commit transactions themselves: BEGIN and COMMIT are not counted)."""
    from django.db import connection

    statements = Statements()
    with connection.execute_wrapper(statements):
        result = function(*args)
    return result, statements.count


def floor(bodies: list[bytes]) -> Timer:
    """Verify, parse and INSERT each webhook's events, nothing else."""
    from django.db import transaction

    from carriers.models import Shipment, TrackingEvent
    from carriers.registry import carrier_get
    from carriers.signing import HEADER, signature_make

    adapter = carrier_get("sandbox")
    requests = [(body, {HEADER: signature_make(secret="bench", body=body)}) for body in bodies]
    ids = dict(Shipment.objects.filter(tracking_number__startswith="FL")
               .values_list("tracking_number", "pk"))
    with Timer() as timer:
        for body, headers in requests:
            events = adapter.parse_webhook(body=body, headers=headers)
            with transaction.atomic():
                TrackingEvent.objects.bulk_create([TrackingEvent(
                    shipment_id=ids[e.tracking_number], status=e.status, raw_code=e.raw_code,
                    raw_text=e.raw_text, location=e.location, occurred_at=e.occurred_at,
                    source="webhook", dedupe_key=e.dedupe_key, applied=True) for e in events])
    return timer


def webhooks(bodies: list[bytes], relay: "Relay | None" = None) -> Timer:
    """Receive the signed bodies one after the other; with a `relay`, the time runs on until
    it has sent every message they recorded (`timer.drain`: the wait after the last one;
    `timer.relay`: the relay process's CPU seconds)."""
    from carriers import services
    from carriers.signing import HEADER, signature_make

    requests = [(body, {HEADER: signature_make(secret="bench", body=body)}) for body in bodies]
    relay_cpu = relay.cpu() if relay else 0.0
    with Timer() as timer:
        for body, headers in requests:
            services.webhook_receive(carrier="sandbox", body=body, headers=headers)
        received = time.perf_counter()
        if relay:
            relay.drained()
    timer.drain = time.perf_counter() - received
    timer.relay = relay.cpu() - relay_cpu if relay else None
    return timer


class Relay:
    """`manage.py outbox_listen` in a process of its own, on the bench's database and broker
    (the beat's thread in production)."""

    def __init__(self):
        from django.db import connection

        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "outbox_listen", "--wait", "1"],
            cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "outbox: listening"
        import psycopg

        # The drain's look-ups on a connection of their own: not counted as the webhooks'.
        self.probe = psycopg.connect(**connection.get_connection_params(), autocommit=True)

    def drained(self) -> None:
        from hotline.models import OutboxMessage

        table = OutboxMessage._meta.db_table
        while self.probe.execute(
                f"SELECT EXISTS(SELECT 1 FROM {table} WHERE dispatched_at IS NULL)"
        ).fetchone()[0]:
            time.sleep(0.001)

    def cpu(self) -> float:
        return process_cpu(self.process.pid)

    def close(self) -> None:
        self.probe.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def run(count: int, per: int, bookings: int) -> None:
    from decimal import Decimal

    from django.conf import settings
    from django.utils import timezone

    from carriers import labels, services
    from carriers.domain import Address, Parcel
    from carriers.models import SandboxParcel, Shipment, TrackingEvent
    from hotline.models import AuditEvent, OutboxMessage

    _configure()
    empty(TrackingEvent, SandboxParcel, Shipment, OutboxMessage, AuditEvent)
    now = timezone.now()
    _shipments("HX", count, now)
    _shipments("FL", count, now)
    total = count * per
    floor_timer, floor_sql = counted(floor, _bodies("FL", count, per, now))
    bodies = _bodies("HX", count, per, now)
    from django.db import connection

    relay = Relay() if (settings.HOTLINE_CARRIER_SUBSCRIBERS and connection.vendor ==
                        "postgresql" and not settings.CELERY_TASK_ALWAYS_EAGER) else None
    try:
        first, first_sql = counted(webhooks, bodies, relay)
        again, again_sql = counted(webhooks, bodies, relay)
    finally:
        if relay:
            relay.close()
    unsent = OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
    assert unsent == 0, unsent
    stored = TrackingEvent.objects.filter(shipment__tracking_number__startswith="HX").count()
    assert stored == total, (stored, total)

    subscribed = len(settings.HOTLINE_CARRIER_SUBSCRIBERS)
    print(machine())
    print(f"{count} webhooks x {per} events = {total} events" + (
        f"; {subscribed} subscribers want every parcel, their messages "
        + ("run in-process (no broker)" if settings.CELERY_TASK_ALWAYS_EAGER
           else "sent to the broker by the listening relay (a process of its own), the time "
                "running until it has sent them all") if subscribed else ""))
    print(f"floor (signature, parse, one INSERT per webhook): {total / floor_timer.wall:,.0f} "
          f"events/s wall, {total / floor_timer.cpu:,.0f} per CPU-second; "
          f"{_per_webhook(floor_timer, floor_sql, count)}")
    print(f"new events via signed webhooks: {total / first.wall:,.0f} events/s wall "
          f"({first.wall:.2f} s), {total / first.cpu:,.0f} per CPU-second; "
          f"{floor_timer.wall / first.wall:.2f}x the floor (wall), "
          f"{floor_timer.cpu / first.cpu:.2f}x (CPU); {_per_webhook(first, first_sql, count)}")
    if first.relay is not None:
        print(f"  the relay: {first.drain * 1000:.0f} ms after the last webhook to have sent "
              f"every message; {first.relay / count * 1000:.2f} ms of its CPU a webhook")
    print(f"duplicate events (stored once): {total / again.wall:,.0f} events/s wall, "
          f"{total / again.cpu:,.0f} per CPU-second; {_per_webhook(again, again_sql, count)}")
    if not bookings:
        return

    customer = Address(name="Camille Dupont", street="12 rue de la Paix", postcode="75002",
                       city="Paris", country="FR", phone="+33612345678")
    warehouse = Address.from_dict(settings.HOTLINE_WAREHOUSE)
    parcel = Parcel(weight_kg=Decimal("0.45"), length_cm=20, width_cm=12, height_cm=8,
                    contents="Mobile phone")
    with Timer() as booking:
        for i in range(bookings):
            services.shipment_book(carrier="sandbox", sender=warehouse, recipient=customer,
                                   parcels=[parcel], service="next_day", reference=f"B{i}",
                                   idempotency_key=f"bench-book-{i}", return_parcels=[parcel],
                                   return_to=warehouse)
    data = labels.LabelData(tracking_number="HS1234567897", carrier_name="Sandbox courier",
                            service="next_day", sender=warehouse, recipient=customer,
                            weight_kg="0.45")
    with Timer() as label:
        for _ in range(50):
            labels.render_label_pdf(data)
    print(f"A6 label PDF: {label.wall / 50 * 1000:.1f} ms each")
    print(f"sandbox booking, delivery + collection with labels and slip: "
          f"{booking.wall / bookings * 1000:.1f} ms each")


def _per_webhook(timer: Timer, statements: int, count: int) -> str:
    database = f", database backend {timer.db / count * 1000:.2f} ms CPU" \
        if timer.db is not None else ""
    return (f"per webhook {timer.wall / count * 1000:.2f} ms wall, "
            f"{timer.cpu / count * 1000:.2f} ms CPU{database}, "
            f"{statements / count:.1f} statements")


if __name__ == "__main__":
    main()
