"""Forms of the case decision in the console."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Action, FaultCode

PREFERENCES = [("", _("no preference")), (Action.SWAP, Action.SWAP.label),
               (Action.VISIT, Action.VISIT.label)]


class DiagnosisForm(forms.Form):
    fault_code = forms.ModelChoiceField(label=_("Fault code"),
                                        queryset=FaultCode.objects.filter(active=True))
    action = forms.ChoiceField(label=_("Recommended action"), choices=Action.choices)
    advice = forms.CharField(label=_("Advice given"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    preference = forms.ChoiceField(label=_("Customer's preference"), choices=PREFERENCES,
                                   required=False)


class ProposeForm(forms.Form):
    preference = forms.ChoiceField(label=_("Customer's preference for this proposal"),
                                   choices=PREFERENCES, required=False)


class ConfirmForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Action.choices)
    reason = forms.CharField(label=_("Reason (required to override)"), required=False,
                             max_length=1000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)
