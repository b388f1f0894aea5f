from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from diagnostics.models import FaultCode
from hotline.forms import DateInput
from hotline.models import HandsetModel
from quality.imports import COUNTRIES


class FilterForm(forms.Form):
    """The filters every QA table shares (all optional)."""

    start = forms.DateField(label=pgettext_lazy("period", "From"), required=False,
                            widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("period", "To"), required=False,
                          widget=DateInput())
    model = forms.ModelChoiceField(label=_("Model"), queryset=HandsetModel.objects.all(),
                                   required=False, empty_label=_("all models"))
    fault = forms.ModelChoiceField(label=_("Fault code"), queryset=FaultCode.objects.all(),
                                   required=False, empty_label=_("all faults"), to_field_name="code")
    country = forms.CharField(label=_("Country"), required=False, max_length=2,
                              widget=forms.TextInput(attrs={"size": 3, "placeholder": "FR"}))

    def clean_country(self):
        code = self.cleaned_data["country"].strip().upper()
        if code and code not in COUNTRIES:
            raise forms.ValidationError(_("Use an ISO 3166 alpha-2 code, e.g. FR."))
        return code

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - datetime.timedelta(weeks=26)
        if data["start"] > data["end"]:
            self.add_error("start", _("The start is after the end."))
        return data


UPLOAD_KINDS = [("field_returns", _("Field returns")), ("batches", _("Production batches")),
                ("installed_base", _("Installed base"))]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=UPLOAD_KINDS)
    file = forms.FileField(label=_("CSV file"))
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and give me the rejected ones"), required=False)


class AlertActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("acknowledge", _("Acknowledge")), ("resolve", _("Resolve")),
                                        ("reopen", _("Reopen")), ("note", _("Add a note")),
                                        ("assign", _("Take ownership"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
