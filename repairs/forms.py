from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.models import FaultCode
from repairs.models import Part, ReferralOutcome, ServicePoint, StockLocation


class ReferForm(forms.Form):
    service_point = forms.ModelChoiceField(label=_("Service point"),
                                           queryset=ServicePoint.objects.active())
    slot_start = forms.DateTimeField(label=_("Drop-off appointment (optional)"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class ReceiveForm(forms.Form):
    imei = forms.RegexField(label=_("IMEI on the handset"), regex=r"^\d{15}$", required=False,
                            error_messages={"invalid": _("15 digits.")})


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)
    notes = forms.CharField(label=_("What was done or found"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    component = forms.CharField(label=_("Component repaired or at fault"), max_length=60,
                                required=False)
    root_cause = forms.CharField(label=_("Root cause"), max_length=200, required=False)


class PlanForm(forms.Form):
    found_fault_code = forms.ModelChoiceField(label=_("Fault found"), required=False,
                                              queryset=FaultCode.objects.filter(active=True))
    component = forms.CharField(label=_("Component at fault"), max_length=60)
    root_cause = forms.CharField(label=_("Root cause"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    part = forms.ModelChoiceField(label=_("Part needed"), queryset=Part.objects.none(),
                                  required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=20, initial=1)

    def __init__(self, *args, model=None, **kwargs):
        super().__init__(*args, **kwargs)
        if model is not None:
            self.fields["part"].queryset = Part.objects.filter(handset_models=model, active=True)


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class DamageForm(forms.Form):
    notes = forms.CharField(label=_("Damage found"), max_length=200)
    component = forms.CharField(label=_("Component"), max_length=60)
    amount = forms.DecimalField(label=_("Repair price before tax"), min_value=0.01,
                                max_digits=8, decimal_places=2)


class ConsentForm(forms.Form):
    signed_by = forms.CharField(label=_("Customer's name (signature)"), max_length=120,
                                required=False)


class ReceiveStockForm(forms.Form):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(active=True))
    location = forms.ModelChoiceField(label=_("Location"), queryset=StockLocation.objects.all())
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1, max_value=10000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
