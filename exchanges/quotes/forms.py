"""Forms of quotes in the console."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignedAcceptanceForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed by"), max_length=120)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)
