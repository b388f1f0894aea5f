"""Console pages of the diagnostics app: the run console and the scripts quality pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import selectors, services
from diagnostics.capabilities import RUN_SCRIPTS, VIEW_SCRIPTS
from diagnostics.charts import bar_chart
from diagnostics.forms import AbandonForm, AnswerForm, BackForm, StartForm
from diagnostics.models import ScriptRun, ScriptVersion
from diagnostics.presenters import run_view
from hotline.capabilities import capability_required
from hotline.errors import DomainError
from hotline.models import Case
from hotline.warranty import warranty_of_inputs, warranty_status


def _run(pk) -> ScriptRun:
    return get_object_or_404(
        ScriptRun.objects.select_related("case__handset__model", "version__script", "fault_code",
                                         "operator"), pk=pk)


@require_POST
@capability_required(RUN_SCRIPTS)
def run_start(request, number):
    case = get_object_or_404(Case.objects.select_related("handset__model"), number=number)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a script to start."))
        return redirect("console:case_detail", number=case.number)
    version = get_object_or_404(ScriptVersion, pk=form.cleaned_data["version"])
    try:
        run = services.run_start(case=case, version=version, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("console:case_detail", number=case.number)
    return redirect("diagnostics:run", pk=run.pk)


@capability_required(RUN_SCRIPTS)
def run_detail(request, pk):
    run = _run(pk)
    return _render_run(request, run)


def _render_run(request, run, *, error: str = "", status: int = 200):
    context = {**run_view(run), "error": error, "abandon_form": AbandonForm()}
    if run.fault_code_id:
        context["advice"] = selectors.run_outcome_text(run)
        # The one warranty answer (the decision asks the same): this handset, this fault.
        warranty = warranty_status(handset=run.case.handset, fault_code=run.fault_code)
        context["warranty"] = warranty_of_inputs({"warranty": warranty.as_dict()}, run.fault_code)
    template = "diagnostics/run.html#console" if request.htmx else "diagnostics/run.html"
    return render(request, template, context, status=status)


def _act(request, pk, form_class, act):
    """Apply a step to the run; HTMX gets the console back, a plain post is redirected."""
    run = _run(pk)
    form = form_class(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(str(message) for errors in form.errors.values() for message in errors)
    else:
        try:
            run = act(run, form.cleaned_data)
        except DomainError as exc:
            error = exc.message
            run = _run(pk)
    if request.htmx:
        return _render_run(request, run, error=error, status=200)
    if error:
        messages.error(request, error)
    return redirect("diagnostics:run", pk=run.pk)


@require_POST
@capability_required(RUN_SCRIPTS)
def run_answer(request, pk):
    return _act(request, pk, AnswerForm, lambda run, data: services.run_answer(
        run=run, step=data["step"], answer=data["answer"] or None,
        value=data["value"], actor=request.user))


@require_POST
@capability_required(RUN_SCRIPTS)
def run_back(request, pk):
    return _act(request, pk, BackForm, lambda run, data: services.run_back(
        run=run, to_step=data["to_step"], step=data["step"], actor=request.user))


@require_POST
@capability_required(RUN_SCRIPTS)
def run_abandon(request, pk):
    return _act(request, pk, AbandonForm, lambda run, data: services.run_abandon(
        run=run, reason=data["reason"], actor=request.user))


@capability_required(VIEW_SCRIPTS)
def script_list(request):
    page = Paginator(selectors.version_list(), 50).get_page(request.GET.get("page"))
    for version in page:
        finished = version.completed + version.abandoned
        version.completion_rate = version.completed / finished if finished else None
    return render(request, "diagnostics/script_list.html", {"page": page})


@capability_required(VIEW_SCRIPTS)
def script_version(request, pk):
    version = get_object_or_404(ScriptVersion.objects.select_related("script"), pk=pk)
    stats = selectors.version_stats(version=version)
    outcome_chart = bar_chart([(f"{row['fault_code']} · {row['action_label']}", row["count"])
                               for row in stats["outcomes"]])
    for node in stats["nodes"]:
        node["chart"] = bar_chart([(row["label"], row["count"]) for row in node["answers"]])
    return render(request, "diagnostics/script_version.html", {
        "version": version, "stats": stats, "outcome_chart": outcome_chart,
        "other_versions": version.script.versions.exclude(pk=version.pk)})
