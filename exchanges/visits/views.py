"""Technician visits in the console: book from the case page, the technician's day sheet, the
supervisors' view of every technician's day."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.capabilities import DISPATCH_VISITS, WORK_VISIT_ROUNDS, WORK_VISITS
from exchanges.models import OPEN_VISIT_STATES, Visit
from exchanges.visits import selectors, services
from exchanges.visits.forms import VisitBookForm, VisitReportForm
from exchanges.visits.slots import visit_slots
from hotline.capabilities import WORK_CASES, capability_required, has_capability
from hotline.errors import DomainError
from hotline.timeutils import parse_bounded_date
from hotline.workflow import allowed_transitions


def _may_work_on(user, visit: Visit) -> bool:
    if has_capability(user, WORK_CASES):
        return True
    return visit.technician_id is not None and visit.technician.user_id == user.pk


@require_POST
@capability_required(WORK_CASES)
def visit_book(request, pk):
    visit = get_object_or_404(Visit.objects.select_related("case__handset__model", "fault_code"),
                              pk=pk)
    form = VisitBookForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pick a slot: %(errors)s") % {
            "errors": "; ".join(f"{field}: {' '.join(errors)}"
                                for field, errors in form.errors.items())})
        return redirect("console:case_detail", number=visit.case.number)
    technician, start = form.cleaned_data["technician"], form.cleaned_data["start"]
    try:
        services.visit_schedule(visit=visit, technician=technician, start=start,
                                actor=request.user)
        messages.success(request, _("Visit booked with %(name)s.") % {"name": technician})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:case_detail", number=visit.case.number)


@require_POST
@capability_required(WORK_VISITS)
def visit_act(request, pk, action):
    visit = get_object_or_404(Visit.objects.select_related("case", "technician", "fault_code"),
                              pk=pk)
    if not _may_work_on(request.user, visit):
        raise PermissionDenied(_("This visit is not yours."))
    form = VisitReportForm(request.POST)
    form.is_valid()
    data = {key: form.cleaned_data.get(key) or "" for key in ("work_done", "parts_used",
                                                              "signed_by")}
    try:
        if action == "start_route":
            services.visit_start_route(visit=visit, actor=request.user)
        elif action == "arrive":
            services.visit_arrive(visit=visit, actor=request.user)
        elif action == "no_access":
            services.visit_no_access(visit=visit, actor=request.user,
                                     reason=data["work_done"])
        elif action == "complete":
            services.visit_complete(visit=visit, actor=request.user,
                                    fault_code=form.cleaned_data.get("fault_code"), **data)
        elif action == "escalate":
            services.visit_escalate(visit=visit, actor=request.user, findings=data["work_done"],
                                    fault_code=form.cleaned_data.get("fault_code"))
        else:
            raise DomainError(_("Unknown action."))
        messages.success(request, _("Visit updated: %(status)s.") % {
            "status": visit.get_status_display()})
    except DomainError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("exchanges:visit_day")
    return redirect(target)


@require_POST
@capability_required(WORK_CASES)
def visit_switch_to_swap(request, pk):
    visit = get_object_or_404(Visit.objects.select_related("case__handset"), pk=pk)
    try:
        services.visit_switch_to_swap(visit=visit, actor=request.user,
                                      reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("A swap is ordered instead of the visit."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:case_detail", number=visit.case.number)


@capability_required(WORK_VISIT_ROUNDS)
def visit_day(request):
    """Today's visits in order: the technician's own; for supervisors, every technician's."""
    asked = request.GET.get("date", "")
    day = parse_bounded_date(asked) if asked else timezone.localdate()
    if day is None:
        messages.error(request, _("%(value)s is not a date: showing today.") % {"value": asked})
        day = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    visits = (Visit.objects.filter(slot_start__gte=start,
                                   slot_start__lt=start + datetime.timedelta(days=1))
              .select_related("case__customer", "case__handset__model", "technician",
                              "fault_code").prefetch_related("case__customer__phones")
              .order_by("technician__name", "slot_start"))
    supervisor = has_capability(request.user, DISPATCH_VISITS)
    if not supervisor:
        visits = visits.filter(technician__user=request.user)
    rows = [{"visit": visit, "actions": allowed_transitions(visit, request.user)}
            for visit in visits]
    context = {"day": day, "rows": rows, "supervisor": supervisor,
               "report_form": VisitReportForm(),
               "previous": day - datetime.timedelta(days=1),
               "next": day + datetime.timedelta(days=1)}
    if supervisor:
        context["unassigned"] = (Visit.objects.filter(status__in=["requested", "no_access"])
                                 .select_related("case__customer").order_by("decided_at"))
        context["measures"] = selectors.visit_measures(
            since=timezone.now() - datetime.timedelta(days=30))
    return render(request, "exchanges/visit_day.html", context)


def visit_panel_context(case) -> dict:
    """The visit part of the case panel: the open visit and, when unbooked, its free slots."""
    visit = Visit.objects.filter(case=case, status__in=OPEN_VISIT_STATES).select_related(
        "technician", "fault_code").first()
    slots = []
    if visit is not None and visit.status in ("requested", "no_access"):
        handset = case.handset
        slots = visit_slots(postcode=visit.postcode, country=visit.country,
                            family=handset.model.family if handset and handset.model else "",
                            category=visit.fault_code.category, exclude_visit=visit.pk)
    return {"visit": visit, "slots": slots,
            "promise_kept": any(slot.within_promise for slot in slots)}
