"""What the features' console views and API views share: the case named in the URL, the way
back to the case page, a console action on a case, the API's base view and supervisor check."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from rest_framework.views import APIView

from hotline.actions import form_errors
from hotline.api.permissions import HasCapability
from hotline.capabilities import WORK_CASES
from hotline.errors import DomainError
from hotline.models import Case


def case_or_404(number: str) -> Case:
    """The case named in the URL (with what the pages and the API show of it), or 404."""
    return get_object_or_404(Case.objects.select_related("customer", "handset__model"),
                             number=number)


def back_to_case(case: Case):
    return redirect("console:case_detail", number=case.number)


def case_form_post(request, number: str, *, run, done: str, form_class=None, prefix=None):
    """A console action on the case named in the URL: validate the form (when there is one),
    run `run(case, data)`, say how it went, and go back to the case page."""
    case = case_or_404(number)
    data = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=prefix)
        if not form.is_valid():
            form_errors(request, form)
            return back_to_case(case)
        data = form.cleaned_data
    try:
        run(case, data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return back_to_case(case)


class CaseApiView(APIView):
    permission_classes = [HasCapability]
    capability = WORK_CASES
