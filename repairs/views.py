"""Console pages of the repairs app: the case panel (service point proposals, referral and
repair status), the repair centre's queue and repair pages, parts, measures."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics.models import Action as Outcome
from hotline.capabilities import capability_required, has_capability
from hotline.charts import Series, bar_chart
from hotline.errors import DomainError
from hotline.models import Case, CaseStatus
from hotline.panels import Panel
from hotline.workflow import allowed_transitions
from repairs import actions, selectors
from repairs.forms import ReceiveStockForm, ReferForm
from repairs.models import (
    BENCH_STATES,
    Part,
    PartStock,
    RepairKind,
    RepairOrder,
    RepairStatus,
    StockLocation,
)
from repairs.services import parts as parts_service
from repairs.services.points import service_point_proposals
from repairs.services.timeline import imei_ledger


def _open_referral_decision(case: Case):
    from exchanges.models import Decision, DecisionStatus

    return (Decision.objects.filter(case=case, status=DecisionStatus.PROPOSED,
                                    proposed_outcome=Outcome.REFERRAL).first()
            if case.status == CaseStatus.DIAGNOSING else None)


# The case states in which a case may have a referral or a repair order to show.
_REFERRAL_STATES = (CaseStatus.REFERRED, CaseStatus.RESOLVED, CaseStatus.CLOSED,
                    CaseStatus.CANCELLED)
_REPAIR_STATES = (CaseStatus.IN_SERVICE, CaseStatus.RESOLVED, CaseStatus.CLOSED,
                  CaseStatus.CANCELLED)


def case_panel(request, case: Case) -> Panel | None:
    """Service points proposed for a referral, the referral's and the repairs' progress.
    The case page is every app's panels together: this one queries only what the case's
    state can have."""
    if not has_capability(request.user, "repairs.view_repairorder"):
        return None
    referrals = (list(case.referrals.select_related("service_point"))
                 if case.status in _REFERRAL_STATES else [])
    orders = (list(case.repair_orders.select_related("inbound", "outbound"))
              if case.status in _REPAIR_STATES else [])
    decision = _open_referral_decision(case)
    proposals = []
    address = case.customer.default_address if decision is not None else None
    if decision is not None and case.handset_id and address is not None:
        proposals = service_point_proposals(model=case.handset.model, postcode=address.postcode,
                                            country=address.country)
    if not (referrals or orders or decision):
        return None
    return Panel("repairs/_case_panel.html", {
        "case": case, "referrals": referrals, "orders": orders, "decision": decision,
        "proposals": proposals, "refer_form": ReferForm(prefix="rf"),
    }, order=21)


@require_POST
@capability_required("repairs.view_referral")
def case_refer(request, number):
    """The operator picks a proposed service point: the referral decision is confirmed."""
    from exchanges.decisions.services import decision_confirm

    case = get_object_or_404(Case, number=number)
    decision = _open_referral_decision(case)
    form = ReferForm(request.POST, prefix="rf")
    if decision is None:
        messages.error(request, _("No referral is proposed for this case any more: reload it."))
    elif not form.is_valid():
        messages.error(request, "; ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                                          for name, errors in form.errors.items()))
    else:
        try:
            decision_confirm(decision=decision, actor=request.user, options={
                "service_point": form.cleaned_data["service_point"].pk,
                "slot_start": form.cleaned_data["slot_start"]})
            messages.success(request, _("Referred to %(point)s; the customer has the address, "
                                        "hours and reference.") % {
                "point": form.cleaned_data["service_point"]})
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("console:case_detail", number=case.number)


@capability_required("repairs.work_repair")
def queue(request):
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    page = Paginator(selectors.repair_queue(status=status, kind=kind), 25).get_page(
        request.GET.get("page"))
    return render(request, "repairs/queue.html", {
        "page": page, "status": status, "kind": kind,
        "states": [(value, label) for value, label in RepairStatus.choices
                   if value in BENCH_STATES],
        "kinds": RepairKind.choices, "alerts": selectors.reorder_alerts()[:10],
        "awaiting": RepairOrder.objects.filter(status=RepairStatus.AWAITING_UNIT).count(),
    })


@capability_required("repairs.view_repairorder")
def order_detail(request, number):
    order = get_object_or_404(RepairOrder.objects.select_related(
        "case__customer", "model", "fault_code", "found_fault_code", "unit", "inbound",
        "outbound", "quote"), number=number)
    can_work = request.user.has_perm("repairs.work_repair")
    allowed = allowed_transitions(order)
    rows = []
    for key, action in actions.available(order, allowed) if can_work else []:
        form = None
        if action.form is not None:
            form = (action.form(prefix=key, model=order.model) if key == "plan"
                    else action.form(prefix=key))
        rows.append({"key": key, "action": action, "form": form})
    return render(request, "repairs/order_detail.html", {
        "order": order, "actions": rows,
        "history": selectors.model_history(model=order.model, exclude=order),
        "uses": order.part_uses.select_related("part", "location"),
        "ledger": imei_ledger(imei=order.imei),
    })


@require_POST
@capability_required("repairs.work_repair")
def order_act(request, number, action):
    order = get_object_or_404(RepairOrder.objects.select_related("model"), number=number)
    entry = actions.ACTIONS.get(action)
    if entry is None or not request.user.has_perm("repairs.work_repair"):
        messages.error(request, _("Unknown action."))
        return redirect("repairs:order_detail", number=number)
    data = {}
    if entry.form is not None:
        form = (entry.form(request.POST, prefix=action, model=order.model) if action == "plan"
                else entry.form(request.POST, prefix=action))
        if not form.is_valid():
            messages.error(request, "; ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                                              for name, errors in form.errors.items()))
            return redirect("repairs:order_detail", number=number)
        data = form.cleaned_data
    try:
        entry.run(order, request.user, data)
        order.refresh_from_db()
        messages.success(request, _("Repair %(number)s: %(status)s.") % {
            "number": order.number, "status": order.get_status_display()})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("repairs:order_detail", number=number)


@capability_required("repairs.work_repair")
def parts(request):
    model_id = request.GET.get("model", "")
    catalogue = Part.objects.prefetch_related("handset_models").order_by("part_number")
    if model_id.isdigit():
        catalogue = catalogue.filter(handset_models__pk=int(model_id))
    from hotline.models import HandsetModel

    page = Paginator(catalogue, 30).get_page(request.GET.get("page"))
    stock = {}
    for row in PartStock.objects.filter(part__in=list(page.object_list)).select_related(
            "location"):
        stock.setdefault(row.part_id, []).append(row)
    for part in page.object_list:
        part.stock_rows = stock.get(part.pk, [])
    return render(request, "repairs/parts.html", {
        "page": page, "alerts": selectors.reorder_alerts(),
        "models": HandsetModel.objects.filter(parts__isnull=False).distinct(),
        "model_id": model_id, "receive_form": ReceiveStockForm(),
        "can_receive": request.user.has_perm("repairs.change_partstock"),
        "locations": StockLocation.objects.all(),
    })


@require_POST
@capability_required("repairs.change_partstock")
def parts_receive(request):
    form = ReceiveStockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                                          for name, errors in form.errors.items()))
        return redirect("repairs:parts")
    try:
        with transaction.atomic():
            ready = parts_service.parts_receive(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Stock received; %(count)s waiting repair(s) have all their "
                                    "parts now.") % {"count": len(ready)})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("repairs:parts")


@capability_required("repairs.work_repair")
def measures(request):
    try:
        days = max(7, min(365, int(request.GET.get("days", 90))))
    except ValueError:
        days = 90
    data = selectors.measures(days=days)
    weeks = data["refills_per_week"]
    chart = bar_chart(title=_("Units back in swap stock per week"),
                      labels=[row["week"] for row in weeks],
                      series=[Series(_("Refurbished units"), [row["units"] for row in weeks])],
                      height=260) if weeks else ""
    return render(request, "repairs/measures.html", {"m": data, "days": days, "chart": chart})
