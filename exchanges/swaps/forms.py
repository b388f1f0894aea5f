"""Forms of home swaps in the console."""

from django import forms
from django.utils.translation import gettext_lazy

from diagnostics.models import FaultCode
from exchanges.models import InspectionOutcome
from hotline.forms import BoundedDateField


class RebookForm(forms.Form):
    street = forms.CharField(label=gettext_lazy("Street"), max_length=200, required=False)
    street2 = forms.CharField(label=gettext_lazy("Address line 2"), max_length=200,
                              required=False)
    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=12, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    access_notes = forms.CharField(label=gettext_lazy("Access notes"), max_length=300,
                                   required=False)
    recipient_name = forms.CharField(label=gettext_lazy("Recipient / pickup point"),
                                     max_length=120, required=False)
    recipient_phone = forms.CharField(label=gettext_lazy("Phone for the courier"),
                                      max_length=30, required=False)
    ship_on = BoundedDateField(label=gettext_lazy("Deliver on another day"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("What the customer chose"), max_length=300)

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["recipient"] = self.recipient()
        return data

    def recipient(self) -> dict:
        data = self.cleaned_data
        address = {k: data[k] for k in ("street", "street2", "postcode", "city", "access_notes")}
        if not data["street"]:
            address = {}
        for key in ("recipient_name", "recipient_phone"):
            if data[key]:
                address[key] = data[key]
        return address


class InspectionForm(forms.Form):
    received_imei = forms.CharField(label=gettext_lazy("IMEI of the unit received"),
                                    max_length=20)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=InspectionOutcome.choices)
    fault_code = forms.ModelChoiceField(label=gettext_lazy("Fault code (fault confirmed)"),
                                        queryset=FaultCode.objects.filter(active=True),
                                        required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
