"""The IMEI ledger of a handset: every recorded step of its swaps, inspections and repairs."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from exchanges.models import ReplacementUnit, Swap, SwapInspection
from hotline.models import AuditEvent
from repairs.models import Referral, RepairOrder


def imei_ledger(*, imei: str, limit: int = 100):
    """Audit events about this IMEI, oldest first: swaps that took it back or sent it, its
    inspection, its stock unit (refurbished, retired), its repairs and referrals."""
    kinds = ContentType.objects.get_for_models(RepairOrder, ReplacementUnit, Swap, Referral)
    orders = [str(pk) for pk in RepairOrder.objects.filter(imei=imei).values_list("pk", flat=True)]
    units = [str(pk) for pk in ReplacementUnit.objects.filter(imei=imei)
             .values_list("pk", flat=True)]
    swaps = {str(pk) for pk in SwapInspection.objects.filter(received_imei=imei)
             .values_list("swap_id", flat=True)}
    swaps |= {str(pk) for pk in Swap.objects.filter(
        Q(unit__imei=imei) | Q(original_handset__imei=imei)).values_list("pk", flat=True)}
    referrals = [str(pk) for pk in Referral.objects.filter(
        Q(received_imei=imei) | Q(case__handset__imei=imei)).values_list("pk", flat=True)]
    condition = (Q(content_type=kinds[RepairOrder], object_id__in=orders)
                 | Q(content_type=kinds[ReplacementUnit], object_id__in=units)
                 | Q(content_type=kinds[Swap], object_id__in=swaps)
                 | Q(content_type=kinds[Referral], object_id__in=referrals))
    return (AuditEvent.objects.filter(condition).select_related("actor", "content_type")
            .order_by("at", "id")[:limit])
