"""What the swap stage tests share: the frozen Monday in Paris, a booked swap, the sandbox
courier moving on, a courier's event. The `run` and `_frozen` fixtures are in conftest.py."""

import datetime
import zoneinfo

from django.utils import timezone

from carriers.domain import CarrierEvent
from carriers.services import sandbox_advance, tracking_ingest
from exchanges.decisions.fulfilment import swap_request
from exchanges.tests.factories import swap_case

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_10AM = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)


def booked_swap(run, **kwargs):
    case, decision = swap_case(**kwargs)
    swap = run(swap_request, case=case, decision=decision)
    swap.refresh_from_db()
    return swap


def advance(run, traveller, hours):
    traveller.shift(datetime.timedelta(hours=hours))
    run(sandbox_advance, until=timezone.now())


def courier_says(run, shipment, status, *, hours=1, reason="", location="Depot Paris Nord"):
    event = CarrierEvent(tracking_number=shipment.tracking_number, status=status,
                         occurred_at=timezone.now() + datetime.timedelta(hours=hours),
                         raw_code=f"T-{status}", raw_text=f"courier: {status}",
                         location=location, reason=reason)
    run(tracking_ingest, carrier="sandbox", events=[event], source="webhook")


def courier_raises(monkeypatch, error) -> None:
    """The sandbox courier answers every booking with `error`."""
    from carriers.sandbox import SandboxCarrier

    def book(self, request):
        raise error

    monkeypatch.setattr(SandboxCarrier, "book", book)
