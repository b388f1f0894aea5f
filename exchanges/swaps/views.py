"""Home swaps in the console: the swap on the case page (promise before confirming, tracking,
exception actions, the IMEI ledger), the exceptions queue with its measures, the inspection of
the returned unit. The actions come from the swap action table (exchanges.swaps.actions)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from exchanges.capabilities import CHANGE_SWAPS, INSPECT_SWAPS, VIEW_SWAPS
from exchanges.models import InspectionOutcome, Swap
from exchanges.stock.selectors import variants_in_stock_instead, warehouses_active
from exchanges.swaps import selectors
from exchanges.swaps import services as swap_services
from exchanges.swaps.actions import SWAP_ACTIONS
from exchanges.swaps.forms import InspectionForm, RebookForm
from hotline.actions import console_run
from hotline.capabilities import WORK_CASES, capability_required, has_capability
from hotline.errors import DomainError
from hotline.models import Case, CaseStatus
from hotline.panels import Panel

PAGE_SIZE = 50


def swap_panel(request, case) -> Panel | None:
    """The case page's swap panel: its swap(s) with the actions the table offers now, or the
    stock and promise before confirming."""
    if not has_capability(request.user, VIEW_SWAPS):
        return None
    swaps = list(selectors.swaps_of_case(case=case))
    context = {"case": case, "swaps": [], "options_url": "", "now": timezone.now()}
    for swap in swaps:
        actions = SWAP_ACTIONS.available_names(swap, request.user)
        context["swaps"].append({
            "swap": swap, "actions": actions,
            "rebook_form": RebookForm(prefix=f"rb{swap.pk}") if "rebook" in actions else None,
            "chain": selectors.handset_chain(handset=swap.replacement_handset)
            if swap.replacement_handset_id else [],
            "variants": variants_in_stock_instead(model=swap.model, variant=swap.variant)
            if "variant" in actions else [],
            "warehouses": warehouses_active() if "reserve" in actions else [],
        })
    handset = case.handset
    if not swaps and handset is not None and handset.model_id and case.status in (
            CaseStatus.DIAGNOSING, CaseStatus.AWAITING_CONSENT):
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
    links = list(selectors.ledger_links_of_customer(customer=customer))
    if not links:
        return None
    return Panel("exchanges/_customer_ledger.html", {"links": links}, order=45)


def _back(swap: Swap):
    return redirect("console:case_detail", number=swap.case.number)


@require_POST
@capability_required(CHANGE_SWAPS)
def swap_act(request, pk, action):
    """Run one action of the swap action table from the case page."""
    swap = get_object_or_404(Swap.objects.select_related("case"), pk=pk)
    console_run(request, SWAP_ACTIONS, action, swap)
    return _back(swap)


@capability_required(INSPECT_SWAPS)
def swap_inspect(request, pk):
    """The inspection form of a returned unit (the repair centre's page)."""
    swap = get_object_or_404(Swap.objects.select_related("case__handset", "case__customer"),
                             pk=pk)
    action = SWAP_ACTIONS.get("inspect")
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action.run(swap, actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, action.message(swap, form.cleaned_data))
            if has_capability(request.user, WORK_CASES):
                return _back(swap)
            return redirect("exchanges:swap_returns")
    return render(request, "exchanges/swap_inspect.html", {"swap": swap, "form": form})


@capability_required(INSPECT_SWAPS)
def swap_returns(request):
    """The repair centre's worklist: faulty units on their way back and received, to inspect."""
    page = Paginator(selectors.swaps_returning(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchanges/swap_returns.html", {"swaps": page, "page": page})


@capability_required(CHANGE_SWAPS)
def swap_queue(request):
    """The exceptions queue, oldest promise first, filtered by why a swap is there; the counts
    and the measures computed in the database."""
    now = timezone.now()
    kind = request.GET.get("kind", "")
    page = Paginator(selectors.swaps_exceptions(now=now, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page"))
    since = now - datetime.timedelta(days=30)
    outcomes = dict(InspectionOutcome.choices)
    inspections = [{**row, "outcome_label": outcomes.get(row["outcome"], row["outcome"])}
                   for row in selectors.inspection_summary(since=since)]
    return render(request, "exchanges/swap_queue.html", {
        "rows": page, "page": page, "kind": kind,
        "kinds": selectors.swaps_exception_counts(now=now),
        "measures": selectors.swap_measures(since=since, now=now),
        "inspections": inspections})
