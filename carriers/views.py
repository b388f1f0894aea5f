"""Console pages (shipments list and detail, documents) and the couriers' webhook endpoint."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from carriers import selectors, services
from carriers.capabilities import CHANGE_SHIPMENTS, VIEW_SHIPMENTS
from carriers.domain import CarrierError, Direction, UnknownCarrier, WebhookRejected
from carriers.models import Shipment, ShipmentStatus
from carriers.registry import carrier_choices, carriers_all
from hotline.capabilities import capability_required

log = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 1_000_000
DOCUMENTS = {
    "label": ("label_pdf", "application/pdf"),
    "zpl": ("label_zpl", "text/plain; charset=utf-8"),
    "carrier-label": ("carrier_label", "application/pdf"),
    "slip": ("slip_pdf", "application/pdf"),
}


@capability_required(VIEW_SHIPMENTS)
def shipment_list(request):
    filters = {key: request.GET.get(key, "").strip()
               for key in ("status", "carrier", "direction", "q")}
    page = Paginator(selectors.shipment_list(filters=filters), 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    template = "carriers/shipment_list.html#table" if request.htmx else \
        "carriers/shipment_list.html"
    return render(request, template, {
        "page": page, "filters": filters, "query": query,
        "statuses": ShipmentStatus.choices, "directions": Direction.choices,
        "carriers": carrier_choices(), "sandbox": "sandbox" in carriers_all(),
    })


@capability_required(VIEW_SHIPMENTS)
def shipment_detail(request, pk):
    shipment = get_object_or_404(Shipment.objects.select_related("visit_partner"), pk=pk)
    documents = [(kind, getattr(shipment, field)) for kind, (field, _type) in DOCUMENTS.items()
                 if getattr(shipment, field)]
    return render(request, "carriers/shipment_detail.html", {
        "shipment": shipment, "events": selectors.shipment_events(shipment=shipment),
        "documents": documents, "partner": shipment.visit_partner,
    })


@capability_required(VIEW_SHIPMENTS)
def shipment_document(request, pk, kind):
    shipment = get_object_or_404(Shipment, pk=pk)
    if kind not in DOCUMENTS:
        raise Http404
    field, content_type = DOCUMENTS[kind]
    file = getattr(shipment, field)
    if not file:
        raise Http404(_("This shipment has no such document."))
    extension = "zpl" if kind == "zpl" else "pdf"
    return FileResponse(file.open("rb"), content_type=content_type, as_attachment=True,
                        filename=f"{shipment.tracking_number}-{kind}.{extension}")


@require_POST
@capability_required(VIEW_SHIPMENTS)
def shipment_refresh(request, pk):
    shipment = get_object_or_404(Shipment, pk=pk)
    try:
        result = services.shipment_track(carrier=shipment.carrier,
                                         tracking_numbers=[shipment.tracking_number])
    except CarrierError as exc:
        messages.error(request, _("The courier could not be asked: %(error)s") % {
            "error": exc.message})
    else:
        messages.success(request, _("Tracking refreshed: %(count)d new event(s).") % {
            "count": result.stored})
    return redirect("carriers:shipment_detail", pk=shipment.pk)


@require_POST
@capability_required(CHANGE_SHIPMENTS)
def shipment_cancel(request, pk):
    shipment = get_object_or_404(Shipment, pk=pk)
    try:
        services.shipment_cancel(shipment=shipment, actor=request.user,
                                 reason=request.POST.get("reason", "")[:300])
    except CarrierError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Shipment cancelled."))
    return redirect("carriers:shipment_detail", pk=shipment.pk)


@require_POST
@capability_required(VIEW_SHIPMENTS)
def sandbox_advance(request):
    result = services.sandbox_advance()
    messages.success(request, _("Sandbox courier: %(count)d event(s) released.") % {
        "count": result.stored})
    return redirect("carriers:shipment_list")


@csrf_exempt
@require_POST
def webhook(request, code):
    """Receive a courier's tracking push: 401 (nothing stored) unless signed and fresh."""
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return JsonResponse({"detail": "Payload too large."}, status=413)
    try:
        result = services.webhook_receive(carrier=code, body=request.body,
                                          headers=dict(request.headers))
    except UnknownCarrier as exc:
        return JsonResponse({"detail": exc.message}, status=404)
    except WebhookRejected as exc:
        log.warning("carrier webhook rejected", extra={"carrier": code, "error": exc.message})
        return JsonResponse({"detail": exc.message}, status=401)
    except CarrierError as exc:
        status = 400 if exc.permanent else 503
        return JsonResponse({"detail": exc.message}, status=status)
    return JsonResponse(result.as_dict(), status=200)
