"""Home swaps in the console: the swap on the case page (promise before confirming, tracking,
exception actions, the IMEI ledger), the exceptions queue with its measures, the inspection of
the returned unit."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.capabilities import CHANGE_SWAPS, INSPECT_SWAPS, VIEW_SWAPS
from exchanges.models import InspectionOutcome, ReplacementUnit, Swap, SwapStatus, Warehouse
from exchanges.swaps import selectors
from exchanges.swaps import services as swap_services
from exchanges.swaps.forms import InspectionForm, RebookForm
from hotline.capabilities import WORK_CASES, capability_required, has_capability
from hotline.errors import DomainError
from hotline.models import Case, CaseStatus, ModelVariant
from hotline.panels import Panel
from hotline.workflow import allowed_transitions


def swap_panel(request, case) -> Panel | None:
    """The case page's swap panel: its swap(s), or the stock and promise before confirming."""
    if not has_capability(request.user, VIEW_SWAPS):
        return None
    swaps = list(Swap.objects.filter(case=case).select_related(
        "warehouse", "unit", "outbound", "collection", "original_handset",
        "replacement_handset").order_by("-created_at"))
    context = {"case": case, "swaps": [], "options_url": "", "now": timezone.now()}
    may_act = has_capability(request.user, CHANGE_SWAPS)
    for swap in swaps:
        actions = set(allowed_transitions(swap)) if may_act else set()
        context["swaps"].append({
            "swap": swap, "kind": selectors.swap_exception_kind(swap),
            "can_rebook": may_act and swap.status in swap_services.BOOKABLE
            and swap.unit_id is not None,
            "can_cancel": "cancel" in actions, "can_reship": may_act and swap.status == "lost",
            "can_refund": "refund" in actions,
            "can_receive": may_act and swap.status in ("delivered", "return_in_transit",
                                                       "faulty_not_returned"),
            "can_inspect": swap.status == "return_received",
            "can_collect": may_act and swap.status in ("delivered", "faulty_not_returned"),
            "rebook_form": RebookForm(prefix=f"rb{swap.pk}"),
            "chain": selectors.handset_chain(handset=swap.replacement_handset)
            if swap.replacement_handset_id else [],
            "variants": _variant_choices(swap)
            if may_act and swap.status in ("requested", "backordered") else [],
            "warehouses": Warehouse.objects.filter(active=True)
            if may_act and swap.status in ("requested", "backordered") else [],
        })
    handset = case.handset
    if not swaps and handset is not None and handset.model_id and case.status in (
            CaseStatus.DIAGNOSING, CaseStatus.ADVISED, CaseStatus.AWAITING_CONSENT):
        # Loaded by HTMX after the page (a plain link without JavaScript): the case page stays
        # cheap, the stock and the promise are computed when looked at.
        context["options_url"] = reverse("exchanges:swap_options", args=[case.number])
    if not context["swaps"] and not context["options_url"]:
        return None
    return Panel("exchanges/_swap_panel.html", context, order=25)


@capability_required(VIEW_SWAPS)
def swap_options(request, number):
    """Stock and the delivery promise before a swap is confirmed (partial for HTMX)."""
    case = get_object_or_404(Case.objects.select_related("customer", "handset__model",
                                                         "handset__variant"), number=number)
    handset, address = case.handset, case.customer.default_address
    options = []
    if handset is not None and handset.model_id and address is not None:
        options = swap_services.swap_stock_options(
            model=handset.model, variant=handset.variant, postcode=address.postcode,
            country=address.country)
    context = {"case": case, "options": options, "address": address}
    if request.htmx:
        return render(request, "exchanges/_swap_options.html", context)
    return render(request, "exchanges/swap_options.html", context)


def customer_ledger_panel(request, customer) -> Panel | None:
    """The customer page's IMEI ledger: which handset replaced which, with the warranty end."""
    if not has_capability(request.user, VIEW_SWAPS):
        return None
    links = list(Swap.objects.filter(case__customer=customer, replacement_handset__isnull=False)
                 .select_related("case", "original_handset", "replacement_handset")
                 .order_by("delivered_at", "id"))
    if not links:
        return None
    return Panel("exchanges/_customer_ledger.html", {"links": links}, order=45)


def _variant_choices(swap):
    ids = (ReplacementUnit.objects.available().filter(model=swap.model)
           .exclude(variant=swap.variant).exclude(variant__isnull=True)
           .values_list("variant", flat=True).distinct())
    return list(ModelVariant.objects.filter(pk__in=list(ids)))


def _back(swap: Swap):
    return redirect("console:case_detail", number=swap.case.number)


@require_POST
@capability_required(CHANGE_SWAPS)
def swap_act(request, pk, action):
    swap = get_object_or_404(Swap.objects.select_related("case"), pk=pk)
    try:
        if action == "rebook":
            form = RebookForm(request.POST, prefix=f"rb{swap.pk}")
            if not form.is_valid():
                for field, errors in form.errors.items():
                    messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
                return _back(swap)
            swap_services.swap_book(swap=swap, actor=request.user,
                                    recipient=form.recipient() or None,
                                    ship_on=form.cleaned_data["ship_on"],
                                    reason=form.cleaned_data["reason"])
            messages.success(request, _("The courier is being booked again."))
        elif action == "cancel":
            swap_services.swap_cancel(swap=swap, actor=request.user,
                                      reason=request.POST.get("reason", ""))
            messages.success(request, _("Swap cancelled; the unit is back in stock."))
        elif action == "reship":
            swap_services.swap_reship(swap=swap, actor=request.user,
                                      reason=request.POST.get("reason", ""))
            messages.success(request, _("Another unit is reserved and being booked."))
        elif action == "refund":
            swap_services.swap_refund(swap=swap, actor=request.user,
                                      reason=request.POST.get("reason", ""))
            messages.success(request, _("Refund recorded; the swap is closed."))
        elif action == "collect":
            swap_services.swap_collection_book(swap=swap, actor=request.user,
                                               reason=request.POST.get("reason", ""))
            messages.success(request, _("A courier is being booked to collect the faulty "
                                        "unit."))
        elif action == "receive":
            swap_services.swap_return_receive(swap=swap, actor=request.user)
            messages.success(request, _("Returned unit received."))
        elif action == "reserve":
            warehouse = get_object_or_404(Warehouse, pk=request.POST.get("warehouse"))
            swap_services.swap_reserve(swap=swap, actor=request.user, warehouse=warehouse)
            messages.success(request, _("Unit reserved in %(warehouse)s.")
                             % {"warehouse": warehouse.name})
        elif action == "variant":
            variant = get_object_or_404(ModelVariant, pk=request.POST.get("variant"))
            swap_services.swap_choose_variant(swap=swap, variant=variant, actor=request.user,
                                              consent_note=request.POST.get("consent_note", ""))
            messages.success(request, _("Equivalent variant reserved with the customer's "
                                        "consent."))
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return _back(swap)


@capability_required(INSPECT_SWAPS)
def swap_inspect(request, pk):
    swap = get_object_or_404(Swap.objects.select_related("case__handset", "case__customer"),
                             pk=pk)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            swap_services.swap_inspect(swap=swap, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Inspection recorded; the swap is closed."))
            if has_capability(request.user, WORK_CASES):
                return _back(swap)
            return redirect("exchanges:swap_returns")
    return render(request, "exchanges/swap_inspect.html", {"swap": swap, "form": form})


@capability_required(INSPECT_SWAPS)
def swap_returns(request):
    """The repair centre's worklist: faulty units on their way back and received, to inspect."""
    swaps = (Swap.objects.filter(status__in=["return_in_transit", "return_received"])
             .select_related("case__customer", "case__handset__model", "collection")
             .order_by("-status", "return_received_at", "delivered_at"))
    return render(request, "exchanges/swap_returns.html", {"swaps": swaps[:300]})


@capability_required(CHANGE_SWAPS)
def swap_queue(request):
    now = timezone.now()
    kind = request.GET.get("kind", "")
    rows = [{"swap": swap, "kind": selectors.swap_exception_kind(swap, now=now)}
            for swap in selectors.swaps_exceptions(now=now)[:500]]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    if kind:
        rows = [row for row in rows if row["kind"] == kind]
    labels = {**dict(SwapStatus.choices), "late": _("late"),
              "booking_refused": _("courier refused the booking")}
    since = now - datetime.timedelta(days=30)
    outcomes = dict(InspectionOutcome.choices)
    inspections = [{**row, "outcome_label": outcomes.get(row["outcome"], row["outcome"])}
                   for row in selectors.inspection_summary(since=since)]
    return render(request, "exchanges/swap_queue.html", {
        "rows": rows[:200], "kind": kind,
        "kinds": [(value, labels.get(value, value), n) for value, n in sorted(counts.items())],
        "measures": selectors.swap_measures(since=since, now=now),
        "inspections": inspections})
