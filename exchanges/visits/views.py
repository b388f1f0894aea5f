"""Technician visits in the console: book from the case page, the technician's day sheet, the
supervisors' view of every technician's day."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.capabilities import DISPATCH_VISITS, VIEW_VISITS, WORK_VISIT_ROUNDS, WORK_VISITS
from exchanges.models import Visit, VisitStatus
from exchanges.visits import selectors
from exchanges.visits.actions import VISIT_ACTIONS
from exchanges.visits.forms import VisitReportForm
from exchanges.visits.pdf import visit_report_pdf
from exchanges.visits.services import visit_day_reached
from exchanges.visits.slots import visit_slots
from hotline.actions import console_run
from hotline.capabilities import WORK_CASES, capability_required, has_capability
from hotline.timeutils import parse_bounded_date


def may_work_on(user, visit: Visit) -> bool:
    """Staff work on every visit; a technician on their own."""
    if has_capability(user, WORK_CASES):
        return True
    return visit.technician_id is not None and visit.technician.user_id == user.pk


@require_POST
@capability_required(WORK_CASES)
def visit_book(request, pk):
    visit = get_object_or_404(Visit.objects.select_related("case__handset__model", "fault_code"),
                              pk=pk)
    console_run(request, VISIT_ACTIONS, "book", visit)
    return redirect("console:case_detail", number=visit.case.number)


@require_POST
@capability_required(WORK_VISITS)
def visit_act(request, pk, action):
    """Run a technician's action of the visit action table from the day sheet."""
    visit = get_object_or_404(Visit.objects.select_related("case", "technician", "fault_code"),
                              pk=pk)
    if not may_work_on(request.user, visit):
        raise PermissionDenied(_("This visit is not yours."))
    console_run(request, VISIT_ACTIONS, action, visit)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("exchanges:visit_day")
    return redirect(target)


@capability_required(VIEW_VISITS)
def visit_report(request, pk):
    """The visit report PDF, for the staff and the visit's technician; none before the report."""
    visit = get_object_or_404(
        Visit.objects.select_related("case__customer", "technician", "fault_code",
                                     "confirmed_fault_code"), pk=pk)
    if not (may_work_on(request.user, visit) or has_capability(request.user, DISPATCH_VISITS)):
        raise PermissionDenied(_("This visit is not yours."))
    if not visit.has_report:
        raise Http404(_("This visit has no report yet."))
    response = HttpResponse(visit_report_pdf(visit=visit), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="visit-report-{visit.case.number}.pdf"')
    return response


@require_POST
@capability_required(WORK_CASES)
def visit_switch_to_swap(request, pk):
    visit = get_object_or_404(Visit.objects.select_related("case__handset"), pk=pk)
    console_run(request, VISIT_ACTIONS, "switch_to_swap", visit)
    return redirect("console:case_detail", number=visit.case.number)


@capability_required(WORK_VISIT_ROUNDS)
def visit_day(request):
    """The day's visits in order: the technician's own; for supervisors, every technician's,
    and the visits waiting for a slot (paginated)."""
    asked = request.GET.get("date", "")
    day = parse_bounded_date(asked) if asked else timezone.localdate()
    if day is None:
        messages.error(request, _("%(value)s is not a date: showing today.") % {"value": asked})
        day = timezone.localdate()
    supervisor = has_capability(request.user, DISPATCH_VISITS)
    visits = selectors.visits_of_day(day=day,
                                     technician_user=None if supervisor else request.user)
    rows = [{"visit": visit, "actions": VISIT_ACTIONS.available_names(visit, request.user),
             "not_yet": visit.status == VisitStatus.SCHEDULED and not visit_day_reached(visit)}
            for visit in visits]
    context = {"day": day, "rows": rows, "supervisor": supervisor,
               "next_visit_day": None if rows else selectors.next_visit_day(
                   after=day, technician_user=None if supervisor else request.user),
               "report_form": VisitReportForm(),
               "previous": day - datetime.timedelta(days=1),
               "next": day + datetime.timedelta(days=1)}
    if supervisor:
        page = Paginator(selectors.visits_unbooked(), 50).get_page(request.GET.get("page"))
        context["unassigned"] = context["page"] = page
        context["measures"] = selectors.visit_measures(
            since=timezone.now() - datetime.timedelta(days=30))
    return render(request, "exchanges/visit_day.html", context)


def visit_panel_context(case) -> dict:
    """The visit part of the case panel: the open visit and, when it waits for a slot, its
    free slots."""
    visit = selectors.visit_open(case=case)
    slots = []
    # The buttons follow the visit's action table, the condition its services check.
    actions = VISIT_ACTIONS.available_names(visit) if visit is not None else set()
    if "book" in actions:
        handset = case.handset
        slots = visit_slots(postcode=visit.postcode, country=visit.country,
                            family=handset.model.family if handset and handset.model else "",
                            category=visit.fault_code.category, exclude_visit=visit.pk)
    return {"visit": visit, "slots": slots, "visit_actions": actions,
            "promise_kept": any(slot.within_promise for slot in slots)}
