"""What the features' console views and API views share: the case named in the URL, the way
back to the case page, form errors as messages, the API's base view."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from rest_framework.views import APIView

from hotline.api.permissions import HasCapability
from hotline.capabilities import WORK_CASES
from hotline.models import Case


def case_or_404(number: str) -> Case:
    """The case named in the URL (with what the pages and the API show of it), or 404."""
    return get_object_or_404(Case.objects.select_related("customer", "handset__model"),
                             number=number)


def back_to_case(case: Case):
    return redirect("console:case_detail", number=case.number)


def form_errors(request, form) -> None:
    """Each field's errors as one message, labelled with the field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


class CaseApiView(APIView):
    permission_classes = [HasCapability]
    capability = WORK_CASES
