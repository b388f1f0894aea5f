"""The operators' console: search, customers, handsets, cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline import selectors, services
from hotline.capabilities import (
    OVERRIDE_DECISION,
    WORK_CASES,
    capability_required,
    has_capability,
)
from hotline.case_guards import one_listing
from hotline.errors import DomainError, OpenCaseExists
from hotline.forms import CancelForm, CaseForm, CustomerForm, HandsetForm, SearchForm
from hotline.models import Case, CaseStatus, Customer
from hotline.navigation import nav_for
from hotline.notifications import notification_retry as notification_retry_service
from hotline.panels import panels_for
from hotline.workflow import allowed_transitions


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the SVG one."""
    return HttpResponsePermanentRedirect(static("hotline/favicon.svg"))


@login_required
def landing(request):
    """Send each user to the first page their role gives them."""
    items = [item for item in nav_for(request.user) if item["url_name"] != "admin:index"]
    if has_capability(request.user, WORK_CASES):
        return redirect("console:home")
    if items:
        return redirect(items[0]["url"])
    if request.user.is_staff:
        return redirect("admin:index")
    # A new account nobody has given a role yet: say so rather than refuse.
    return render(request, "hotline/no_role.html")


@capability_required(WORK_CASES)
def home(request):
    form = SearchForm()
    recent = selectors.case_list().filter(status__in=[
        CaseStatus.OPEN, CaseStatus.DIAGNOSING, CaseStatus.AWAITING_CONSENT,
        CaseStatus.IN_SERVICE])[:15]
    return render(request, "hotline/home.html", {"form": form, "recent_cases": recent})


@capability_required(WORK_CASES)
def search(request):
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid():
        # One page of each, never every match: a part of a name may match thousands.
        result = selectors.search_page(query=form.cleaned_data["q"])
        cases, customers = result["cases"], result["customers"]
        if result["kind"] == "case" and len(cases) == 1:
            return redirect("console:case_detail", number=cases[0].number)
        if len(customers) == 1 and not request.htmx:
            return redirect("console:customer_detail", pk=customers[0].pk)
    template = "hotline/search.html#results" if request.htmx else "hotline/search.html"
    return render(request, template, {"form": form, "result": result,
                                      "query": request.GET.get("q", "")})


@capability_required(WORK_CASES)
def customer_detail(request, pk):
    customer = get_object_or_404(
        Customer.objects.prefetch_related("phones", "addresses", "handsets__model"), pk=pk)
    cases = selectors.case_list(filters={"customer": customer})
    return render(request, "hotline/customer_detail.html", {
        "customer": customer, "cases": cases,
        "panels": panels_for("customer", request, customer),
    })


@capability_required(WORK_CASES)
def customer_create(request):
    form = CustomerForm(request.POST or None, initial={"phone": request.GET.get("phone", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = services.customer_create(
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                country=data["country"], language=data["language"], phones=[data["phone"]],
                address={"street": data["street"], "postcode": data["postcode"],
                         "city": data["city"], "access_notes": data["access_notes"]},
                actor=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Customer created."))
            return redirect("console:customer_detail", pk=customer.pk)
    return render(request, "hotline/form.html", {"form": form, "title": _("New customer")})


@capability_required(WORK_CASES)
def handset_add(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    form = HandsetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.handset_register(
                imei=data["imei"], owner=customer, model=data["model"],
                purchase_date=data["purchase_date"], firmware_version=data["firmware_version"],
                actor=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Handset registered."))
            return redirect("console:customer_detail", pk=customer.pk)
    return render(request, "hotline/form.html", {
        "form": form, "title": _("New handset for %(name)s") % {"name": customer}})


@capability_required(WORK_CASES)
def case_create(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    form = CaseForm(request.POST or None, customer=customer,
                    initial={"handset": request.GET.get("handset")},
                    may_open_second=has_capability(request.user, OVERRIDE_DECISION))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        handset = data["handset"]  # kept: a refusal on the field takes it out of cleaned_data
        try:
            case = services.case_open(
                customer=customer, handset=handset, symptom=data["symptom"],
                description=data["description"], actor=request.user,
                second=data.get("second", False),
            )
        except (ValidationError, DomainError) as exc:
            _add_errors(form, exc)
            if isinstance(exc, OpenCaseExists):
                working = exc.details["open_case"]
                messages.warning(request, format_html(
                    '{} <a href="{}" data-testid="open-case-link">{}</a>',
                    _("This handset already has a case at work:"),
                    reverse("console:case_detail", args=[working]), working))
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("console:case_detail", number=case.number)
    return render(request, "hotline/form.html", {
        "form": form, "title": _("New case for %(name)s") % {"name": customer}})


@capability_required(WORK_CASES)
def case_list(request):
    status = request.GET.get("status") or None
    qs = selectors.case_list(filters={"status": status})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "hotline/case_list.html", {
        "page": page, "status": status, "statuses": CaseStatus.choices})


@capability_required(WORK_CASES)
def case_detail(request, number):
    case = get_object_or_404(
        Case.objects.select_related("customer", "handset__model", "distributor"), number=number)
    # A page that changes nothing: the case's own buttons and every panel's (the decision's
    # "take back") ask the service records' guards once between them.
    with one_listing():
        transitions = allowed_transitions(case, request.user)
        panels = panels_for("case", request, case)
    return render(request, "hotline/case_detail.html", {
        "case": case,
        "events": case.audit_events.select_related("actor").order_by("at", "id"),
        "previous_cases": (case.handset.cases.exclude(pk=case.pk).order_by("-created_at")
                           if case.handset_id else []),
        "transitions": transitions,
        "panels": panels,
        "cancel_form": CancelForm(),
        "notifications": case.notifications.order_by("-created_at", "-id")[:50],
    })


@require_POST
@capability_required(WORK_CASES)
def case_cancel(request, number):
    case = get_object_or_404(Case, number=number)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the case is cancelled."))
    else:
        try:
            services.case_cancel(case=case, reason=form.cleaned_data["reason"],
                                 actor=request.user)
            messages.success(request, _("Case cancelled."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("console:case_detail", number=case.number)


def _add_errors(form, exc) -> None:
    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_POST
@capability_required(WORK_CASES)
def case_resolve(request, number):
    case = get_object_or_404(Case, number=number)
    try:
        services.case_resolve(case=case, actor=request.user,
                              reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("Case resolved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:case_detail", number=case.number)


@require_POST
@capability_required(WORK_CASES)
def notification_retry(request, number, pk):
    case = get_object_or_404(Case, number=number)
    notification = get_object_or_404(case.notifications, pk=pk)
    try:
        notification_retry_service(notification=notification, actor=request.user)
        messages.success(request, _("The message is queued again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:case_detail", number=case.number)
