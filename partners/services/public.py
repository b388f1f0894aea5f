"""Keep each case's public view current and tell subscribed distributors when it changes.

Other apps never import partners: every transition of the mapped machines is an audit event
that hotline.audit_hooks hands to our subscriber (`audit_event_seen`) after commit, through
the outbox, so the refresh sees the transaction's last word (a case sent to service and its
swap created together is one change, not two).
Couriers' news arrives through `carrier_subscribers` (`shipment_event`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from carriers.subscribers import subscriber
from exchanges.models import Swap
from exchanges.swaps.selectors import swap_shipment_exists
from hotline.models import Case
from partners.models import EventType, PublicCase
from partners.selectors import case_public_view
from partners.services.webhooks import webhook_event_emit
from partners.snapshot import view_store
from partners.status import public_status, public_timeline


def audit_event_seen(event) -> None:
    """A case's state machine moved (called after commit): refresh its public view."""
    if event.case_id is not None:
        public_case_refresh(case_id=event.case_id)


def public_case_refresh(*, case_id: int) -> PublicCase | None:
    """Bring the case's public view up to date and emit one webhook event per public status
    it went through since the last refresh (replayed from the audit trail, so a worker that
    runs late skips none)."""
    with transaction.atomic():
        # Lock the case: its transitions wait, and two refreshes of one case never race to
        # create its public view or read a trail that moved between two statements.
        case = (Case.objects.select_for_update(of=("self",))
                .select_related("distributor", "handset").filter(pk=case_id).first())
        if case is None:
            return None
        public = PublicCase.objects.select_for_update().filter(case=case).first()
        status = public_status(case)
        timeline = public_timeline(case)
        if public is None:
            # The first word partners hear is the one the first change made (the case's
            # opening when nothing has happened yet); every later one is replayed below, so
            # a refresh that runs after several changes still reports each of them.
            first = timeline[1] if len(timeline) > 1 else timeline[0]
            public = PublicCase.objects.create(case=case, distributor_id=case.distributor_id,
                                               status=first.status, changed_at=first.at)
            _emit(case, EventType.STATUS_CHANGED, previous_status=None, entry=first)
        previous = public.status
        news = [entry for entry in timeline if entry.at > public.changed_at]
        for entry in news:
            if entry.status != previous:
                _emit(case, EventType.STATUS_CHANGED, previous_status=previous, entry=entry)
                previous = entry.status
        if status != previous:  # the trail said nothing the state does (data made by hand)
            _emit(case, EventType.STATUS_CHANGED, previous_status=previous)
        if news or status != public.status:
            public.status = status
            public.changed_at = news[-1].at if news and news[-1].status == status \
                else timezone.now()
            public.save(update_fields=["status", "changed_at"])
        view_store(case_id=case.pk)  # what the status API answers from (partners.snapshot)
    return public


def public_case_open(*, case: Case, external_reference: str | None) -> PublicCase:
    """Give a case opened through the API its public view and reference, and tell the
    distributors at once (in the opening transaction)."""
    public, _created = PublicCase.objects.update_or_create(
        case=case, defaults={"distributor_id": case.distributor_id, "status": public_status(case),
                             "external_reference": external_reference or None,
                             "changed_at": timezone.now()})
    _emit(case, EventType.STATUS_CHANGED, previous_status=None)
    return public


@subscriber(exists=swap_shipment_exists)
def shipment_event(shipment, event) -> None:
    """A courier's news on a swap's parcel: a tracking milestone for the case's partners."""
    swaps = Swap.objects.filter(outbound=shipment) | Swap.objects.filter(collection=shipment)
    for swap in swaps.select_related("case"):
        with transaction.atomic():
            PublicCase.objects.filter(case=swap.case).update(changed_at=timezone.now())
            view_store(case_id=swap.case_id)
            _emit(swap.case, EventType.TRACKING,
                  tracking={"direction": "delivery" if swap.outbound_id == shipment.pk
                            else "collection",
                            "status": event.status, "label": event.get_status_display(),
                            "location": event.location, "at": event.occurred_at},
                  key=f"tracking:{event.pk}:{swap.case_id}")


def _emit(case, event_type, *, key: str | None = None, entry=None, **extra) -> None:
    """Emit an event with the case's public view; `entry` (a timeline entry) tells the
    status this event reports when the case has moved on since."""
    with translation.override(settings.LANGUAGE_CODE):
        view = case_public_view(case)
        if entry is not None:
            view |= {"status": entry.status.value, "status_label": entry.label,
                     "status_description": entry.description}
            extra["changed_at"] = entry.at
    webhook_event_emit(case=case, type=event_type, data={"case": view, **extra},
                       dedupe_key=key or "")
