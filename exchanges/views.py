"""Console actions of the case workflow (decision, quote) and the customer's quote page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges import selectors, services
from exchanges.forms import (
    ConfirmForm,
    DiagnosisForm,
    OptionalReasonForm,
    ProposeForm,
    ReasonForm,
    SignedAcceptanceForm,
)
from exchanges.models import Swap, Visit
from exchanges.pdf import quote_pdf
from exchanges.visit_views import visit_panel_context
from hotline.errors import DomainError
from hotline.models import Case, CaseStatus
from hotline.panels import Panel
from hotline.roles import OPERATOR, SUPERVISOR
from hotline.views import role_required

CONSOLE_ROLES = (OPERATOR, SUPERVISOR)


def decision_panel(request, case: Case) -> Panel:
    """The case page's decision panel: diagnosis, proposal and reasons, quote, service orders."""
    decision = selectors.decision_current(case=case)
    quote = selectors.quote_current(case=case)
    initial = {}
    if decision is not None and decision.is_open:
        initial = {"outcome": decision.proposed_outcome}
    return Panel("exchanges/_case_panel.html", {
        "case": case,
        "can_diagnose": case.status in (CaseStatus.OPEN, CaseStatus.DIAGNOSING),
        "diagnosis_form": DiagnosisForm(prefix="dx"),
        "propose_form": ProposeForm(prefix="pr"),
        "diagnoses": list(case.diagnoses.select_related("fault_code", "recorded_by")[:5]),
        "decision": decision,
        "confirm_form": ConfirmForm(initial=initial, prefix="cf"),
        "can_override": request.user.has_perm("hotline.override_decision"),
        "can_revise": request.user.has_perm("hotline.override_decision") and case.status in (
            CaseStatus.ADVISED, CaseStatus.AWAITING_CONSENT, CaseStatus.REFERRED),
        "quote": quote,
        "quote_link": services.quote_link(quote=quote) if quote else "",
        "signed_form": SignedAcceptanceForm(prefix="sg"),
        "orders": list(Swap.objects.filter(case=case)) + list(Visit.objects.filter(case=case)),
        **visit_panel_context(case),
    }, order=20)


def _case(number: str) -> Case:
    return get_object_or_404(Case.objects.select_related("customer", "handset__model"),
                             number=number)


def _back(case: Case):
    return redirect("console:case_detail", number=case.number)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@require_POST
@role_required(*CONSOLE_ROLES)
def diagnosis_record(request, number):
    case = _case(number)
    form = DiagnosisForm(request.POST, prefix="dx")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    data = form.cleaned_data
    try:
        services.diagnosis_record(case=case, fault_code=data["fault_code"], action=data["action"],
                                  advice=data["advice"], actor=request.user)
        services.decision_propose(case=case, actor=request.user,
                                  preference=data["preference"])
        messages.success(request, _("Diagnosis recorded; an outcome is proposed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(case)


@require_POST
@role_required(*CONSOLE_ROLES)
def decision_propose(request, number):
    case = _case(number)
    form = ProposeForm(request.POST, prefix="pr")
    if form.is_valid():
        try:
            services.decision_propose(case=case, actor=request.user,
                                      preference=form.cleaned_data["preference"])
            messages.success(request, _("An outcome is proposed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        _form_errors(request, form)
    return _back(case)


@require_POST
@role_required(*CONSOLE_ROLES)
def decision_confirm(request, number):
    case = _case(number)
    decision = selectors.decision_current(case=case)
    form = ConfirmForm(request.POST, prefix="cf")
    if decision is None or not decision.is_open:
        messages.error(request, _("There is no proposed outcome to confirm: reload the case."))
    elif not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.decision_confirm(decision=decision, actor=request.user,
                                      outcome=form.cleaned_data["outcome"],
                                      reason=form.cleaned_data["reason"])
            messages.success(request, _("Outcome decided."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return _back(case)


@require_POST
@role_required(*CONSOLE_ROLES)
def case_revise(request, number):
    case = _case(number)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.case_revise(case=case, actor=request.user,
                                 reason=form.cleaned_data["reason"])
            messages.success(request, _("Decision taken back: the case is diagnosing again."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        _form_errors(request, form)
    return _back(case)


def _pending_quote(case):
    quote = selectors.quote_current(case=case)
    if quote is None or not quote.is_pending:
        raise DomainError(_("There is no pending quote: reload the case."), code="no_quote")
    return quote


@require_POST
@role_required(*CONSOLE_ROLES)
def quote_resend(request, number):
    case = _case(number)
    try:
        services.quote_resend(quote=_pending_quote(case), actor=request.user)
        messages.success(request, _("Quote sent again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(case)


@require_POST
@role_required(*CONSOLE_ROLES)
def quote_signed(request, number):
    case = _case(number)
    form = SignedAcceptanceForm(request.POST, prefix="sg")
    if form.is_valid():
        try:
            services.quote_accept(quote=_pending_quote(case), via="signed", actor=request.user,
                                  signed_by=form.cleaned_data["signed_by"],
                                  ip=request.META.get("REMOTE_ADDR"))
            messages.success(request, _("Signed acceptance recorded; the service is ordered."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        _form_errors(request, form)
    return _back(case)


@require_POST
@role_required(*CONSOLE_ROLES)
def quote_decline(request, number):
    case = _case(number)
    form = OptionalReasonForm(request.POST)
    form.is_valid()
    try:
        services.quote_decline(quote=_pending_quote(case), via="phone", actor=request.user,
                               reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("The customer's refusal is recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(case)


# The customer's side: a public page reached through the link sent with the quote.

def _quote_or_404(token):
    quote = selectors.quote_by_token(token=token)
    if quote is None:
        raise Http404(_("This quote link is not valid."))
    return quote


def quote_public(request, token):
    quote = _quote_or_404(token)
    return render(request, "exchanges/quote_public.html", {
        "quote": quote, "case": quote.case, "lines": quote.lines.all()})


@require_POST
def quote_public_answer(request, token, answer):
    if answer not in ("accept", "decline"):
        raise Http404(_("This quote link is not valid."))
    quote = _quote_or_404(token)
    ip = request.META.get("REMOTE_ADDR")
    try:
        if answer == "accept":
            services.quote_accept(quote=quote, via="link", ip=ip)
        elif answer == "decline":
            services.quote_decline(quote=quote, via="link", ip=ip,
                                   reason=request.POST.get("reason", "")[:1000])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("exchanges:quote_public", token=token)


def quote_public_pdf(request, token):
    quote = _quote_or_404(token)
    response = HttpResponse(quote_pdf(quote=quote, link=services.quote_link(quote=quote)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quote-{quote.number}.pdf"'
    return response
