"""The customer's tracking page (signed link, or case number + postcode), its actions, and the
console's queue of customer questions."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.models import Swap, Visit
from exchanges.visits.pdf import visit_report_pdf
from hotline.capabilities import capability_required
from hotline.errors import DomainError
from hotline.panels import Panel
from selfservice import selectors, services
from selfservice.capabilities import ANSWER_FOLLOWUPS
from selfservice.forms import AnswerForm, AskForm, LookupForm, NewWindowForm, RebookForm
from selfservice.models import FollowUp, FollowUpKind, FollowUpStatus
from selfservice.services import SelfServiceError, TooManyAttempts


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def lookup(request):
    """Find a case by its number and the postcode of the customer's address."""
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_lookup(number=form.cleaned_data["number"],
                                        postcode=form.cleaned_data["postcode"],
                                        address=_client_address(request))
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            status = 429
        except SelfServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("selfservice:track", token=services.tracking_token(case))
    return render(request, "selfservice/lookup.html", {"form": form}, status=status)


def _language(request, case) -> str:
    """The customer's language, unless the visitor chose another with the language switch."""
    return request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or case.customer.language or "fr"


def _case(token):
    case = services.case_for_token(token)
    if case is None:
        raise Http404(_("This tracking link is not valid or has expired."))
    return case


def track(request, token):
    """The tracking page, in the customer's language."""
    case = _case(token)
    with translation.override(_language(request, case)):
        context = selectors.tracking_page(case=case) | {
            "token": token, "ask_form": AskForm(), "window_form": NewWindowForm(),
            "rebook_form": RebookForm(), "language": translation.get_language()}
        return render(request, "selfservice/track.html", context)


def _track_url(token):
    return reverse("selfservice:track", args=[token])


@require_POST
def ask(request, token):
    case = _case(token)
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            services.followup_open(case=case, **form.cleaned_data)
            messages.success(request, _("Thank you: we answer in writing within one working day."))
        except SelfServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Write your message."))
    return redirect(_track_url(token) + "#questions")


@require_POST
def new_window(request, token):
    case = _case(token)
    form = NewWindowForm(request.POST)
    if form.is_valid():
        services.followup_open(case=case, kind=FollowUpKind.NEW_WINDOW,
                               message=form.cleaned_data["message"])
        messages.success(request, _("Your request is sent: we propose another window within one "
                                    "working day."))
    else:
        messages.error(request, _("Say when would suit you better."))
    return redirect(_track_url(token) + "#visit")


@require_POST
def confirm_window(request, token, visit_id):
    case = _case(token)
    visit = get_object_or_404(Visit, pk=visit_id, case=case)
    try:
        services.visit_confirm(case=case, visit=visit)
        messages.success(request, _("Thank you: the window is confirmed."))
    except SelfServiceError as exc:
        messages.error(request, exc.message)
    return redirect(_track_url(token) + "#visit")


def visit_report(request, token, visit_id):
    """The technician's visit report (PDF), in the customer's language: only through the case's
    signed link, and only once the report is written."""
    case = _case(token)
    visit = get_object_or_404(
        Visit.objects.select_related("case__customer", "technician", "fault_code",
                                     "confirmed_fault_code"), pk=visit_id, case=case)
    if not visit.has_report:
        raise Http404(_("This visit has no report yet."))
    with translation.override(_language(request, case)):
        content = visit_report_pdf(visit=visit)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-report-{case.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def rebook(request, token, swap_id):
    """Another day, another address or a pickup point for a delivery that did not happen."""
    case = _case(token)
    swap = get_object_or_404(Swap, pk=swap_id, case=case)
    form = RebookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.swap_rebook(case=case, swap=swap, choice=form.cleaned_data["choice"],
                                 ship_on=form.cleaned_data.get("ship_on"), recipient=form.recipient())
        except DomainError as exc:  # ours, or the swap's own refusal
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Done: we book the new delivery and send you its date."))
            return redirect(_track_url(token) + "#delivery")
    with translation.override(_language(request, case)):
        return render(request, "selfservice/rebook.html", {
            "case": case, "swap": swap, "form": form, "token": token,
            "earliest": timezone.localdate() + datetime.timedelta(days=1)})


# --- console -----------------------------------------------------------------------------------------------
@capability_required(ANSWER_FOLLOWUPS)
def followups(request):
    """Customers' questions, oldest promise first; the share answered on time over 30 days."""
    show = request.GET.get("show", "open")
    items = FollowUp.objects.select_related("case", "answered_by")
    items = items.open().order_by("due_at") if show == "open" else items.order_by("-created_at")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "selfservice/followups.html", {
        "page": page, "show": show, "measure": followup_measure(), "now": timezone.now(),
        "answer_form": AnswerForm()})


def followup_measure() -> dict:
    since = timezone.now() - datetime.timedelta(days=30)
    recent = FollowUp.objects.filter(created_at__gte=since)
    answered = recent.filter(status=FollowUpStatus.ANSWERED)
    on_time = answered.answered_on_time().count()
    total = answered.count()
    return {"answered": total, "on_time": on_time, "share": (on_time / total) if total else None,
            "open": FollowUp.objects.open().count(),
            "overdue": FollowUp.objects.overdue(now=timezone.now()).count()}


@require_POST
@capability_required(ANSWER_FOLLOWUPS)
def followup_answer(request, pk):
    follow_up = get_object_or_404(FollowUp, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.followup_answer(follow_up=follow_up, answer=form.cleaned_data["answer"],
                                     actor=request.user)
            messages.success(request, _("Answer sent to the customer."))
        except SelfServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Write the answer."))
    return redirect(request.POST.get("next") or "selfservice:followups")


def case_followups_panel(request, case) -> Panel | None:
    """The case page shows the customer's questions and the link the customer uses."""
    items = list(FollowUp.objects.filter(case=case).order_by("-created_at")[:10])
    return Panel("selfservice/_case_panel.html", {
        "follow_ups": items, "tracking_link": services.tracking_link(case)}, order=70)
