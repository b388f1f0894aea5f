"""Console pages of the calls app: screen pop, wallboard, service-level report, planner."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls import forecast, metrics, presentation, selectors, services
from calls.capabilities import PLAN_STAFFING, VIEW_CALL_METRICS
from calls.erlang import STAFFING_KEYS, StaffingError, staffing_answer
from calls.forms import LinkCaseForm, OpenCaseForm, PlannerForm, ReportForm, StaffingForm
from calls.models import Call
from calls.wallboard import wallboard as wallboard_data
from hotline.capabilities import WORK_CASES, capability_required
from hotline.errors import DomainError
from hotline.models import Case, Customer, Handset, Symptom
from hotline.panels import Panel


def _pop_context(request) -> dict:
    agent = selectors.agent_of(request.user)
    call = selectors.call_current_for_agent(agent_id=agent)
    context = {"agent": agent, "call": None, "symptoms": Symptom.choices, "shown": "none"}
    if call is not None:
        context.update(selectors.screen_pop(call=call))
        context["shown"] = f"{call.pk}:{len(context['linked'])}:{call.ended_at is not None}"
    return context


@capability_required(WORK_CASES)
def screen_pop(request):
    """The operator's screen pop: the caller of the call their agent has answered."""
    return render(request, "calls/screen_pop.html", _pop_context(request))


@capability_required(WORK_CASES)
def screen_pop_current(request):
    """Polled every second; answers 204 (nothing to swap) while the same call is shown, after
    two small queries, so that a form being filled in is not reset."""
    agent = selectors.agent_of(request.user)
    call = selectors.call_current_for_agent(agent_id=agent)
    shown = "none"
    if call is not None:
        shown = f"{call.pk}:{call.case_links.count()}:{call.ended_at is not None}"
    if request.GET.get("shown") == shown:
        return HttpResponse(status=204)
    context = {"agent": agent, "call": call, "symptoms": Symptom.choices, "shown": shown}
    if call is not None:
        context.update(selectors.screen_pop(call=call))
    return render(request, "calls/screen_pop.html#pop", context)


@require_POST
@capability_required(WORK_CASES)
def call_open_case(request, pk):
    call = get_object_or_404(Call, pk=pk)
    form = OpenCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the symptom to open a case."))
        return redirect("calls:screen_pop")
    data = form.cleaned_data
    customer = get_object_or_404(Customer, pk=data["customer"])
    handset = None
    if data.get("handset"):
        handset = get_object_or_404(Handset, pk=data["handset"], owner=customer)
    try:
        case = services.call_case_open(call=call, customer=customer, symptom=data["symptom"],
                                       handset=handset, description=data["description"],
                                       actor=request.user)
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
        return redirect("calls:screen_pop")
    messages.success(request, _("Case %(number)s opened for this call.") % {"number": case.number})
    return redirect("console:case_detail", number=case.number)


@require_POST
@capability_required(WORK_CASES)
def call_link_case(request, pk):
    call = get_object_or_404(Call, pk=pk)
    form = LinkCaseForm(request.POST)
    if not form.is_valid():
        return redirect("calls:screen_pop")
    case = get_object_or_404(Case, number=form.cleaned_data["case"])
    try:
        services.call_case_link(call=call, case=case, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("calls:screen_pop")
    messages.success(request, _("Case %(number)s continued on this call.")
                     % {"number": case.number})
    return redirect("console:case_detail", number=case.number)


def _board(request) -> dict:
    board = wallboard_data(queue=request.GET.get("queue") or None)
    board["charts"] = presentation.day_charts(
        board["intervals"], day_start=board["day_start"], now=board["now"],
        target=board["target"])
    return board


@capability_required(VIEW_CALL_METRICS)
def wallboard(request):
    return render(request, "calls/wallboard.html", {"board": _board(request)})


@capability_required(VIEW_CALL_METRICS)
def wallboard_figures(request):
    return render(request, "calls/wallboard.html#figures", {"board": _board(request)})


@capability_required(VIEW_CALL_METRICS)
def report(request):
    # What the query leaves out keeps its default: ?group=operator is this week by operator.
    form = ReportForm({**ReportForm.defaults(), **request.GET.dict()})
    result = rows = None
    charts = []
    if form.is_valid():
        data = form.cleaned_data
        start = forecast.day_start(data["start"])
        end = forecast.day_start(data["end"] + datetime.timedelta(days=1))  # the end day included
        result = metrics.sla_report(
            start=start, end=end, interval=data["interval"], threshold=data["threshold"],
            short_abandon=data["short_abandon"], queue=data["queue"] or None,
            group=data["group"])
        rows = presentation.report_rows(result)
        charts = presentation.report_charts(result, target=metrics.sl_target())
    return render(request, "calls/report.html", {
        "form": form, "report": result, "rows": rows, "charts": charts,
        "target": metrics.sl_target()})


@capability_required(PLAN_STAFFING)
def planner(request):
    initial = {"day": timezone.localdate(), "interval": 1800, "target": metrics.sl_target(),
               "answer_within": metrics.sl_threshold(), "shrinkage": 0.3, "weeks": 4}
    form = PlannerForm({**initial, **request.GET.dict()})
    plan = history = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            history = forecast.forecast_of(day=data["day"], interval_seconds=data["interval"],
                                           weeks=data["weeks"])
            plan = forecast.plan_day(
                day=data["day"], interval_seconds=data["interval"], target=data["target"],
                answer_within=data["answer_within"], shrinkage=data["shrinkage"],
                max_occupancy=data.get("max_occupancy"), weeks=data["weeks"], forecast=history)
        except StaffingError as exc:
            form.add_error(None, str(exc))
    open_hours = [row for row in plan or [] if row.calls or row.rostered]
    chart = presentation.plan_chart(open_hours, day=form.cleaned_data["day"]) if open_hours else None
    return render(request, "calls/planner.html", {
        "form": form, "plan": open_hours, "history": history, "chart": chart,
        "calculator": StaffingForm()})


def _with_defaults(form_class, query):
    """Bind the form to the query, its fields' initial values filling what the query leaves
    out (the planner's link with calls, AHT and target leaves shrinkage at its default)."""
    defaults = {name: field.initial() if callable(field.initial) else field.initial
                for name, field in form_class.base_fields.items() if field.initial is not None}
    return form_class({**defaults, **query.dict()})


@capability_required(PLAN_STAFFING)
def staffing(request):
    form = _with_defaults(StaffingForm, request.GET) if request.GET else StaffingForm()
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = staffing_answer(**{key: data.get(key) for key in STAFFING_KEYS
                                        if data.get(key) is not None})
        except StaffingError as exc:
            form.add_error(None, str(exc))
    return render(request, "calls/staffing.html", {"form": form, "result": result})


def case_calls_panel(request, case) -> Panel | None:
    calls = list(selectors.calls_for_case(case=case)[:20])
    return Panel("calls/_calls_panel.html", {"calls": calls, "title": _("Calls")}, order=40)


def customer_calls_panel(request, customer) -> Panel | None:
    calls = list(selectors.calls_for_customer(customer=customer)[:10])
    return Panel("calls/_calls_panel.html", {"calls": calls, "title": _("Recent calls")},
                 order=40)
