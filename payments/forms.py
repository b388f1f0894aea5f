from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

from payments.domain import RefundReason


class CardForm(forms.Form):
    """The sandbox's simulated card page: checked like a real one, charged to nobody."""

    number = forms.CharField(label=_("Card number"), max_length=23,
                             widget=forms.TextInput(attrs={"autocomplete": "cc-number",
                                                           "inputmode": "numeric"}))
    expiry = forms.CharField(label=_("Expiry (MM/YY)"), max_length=5,
                             widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY"}))
    cvc = forms.CharField(label=_("Security code"), max_length=4,
                          widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}))
    name = forms.CharField(label=_("Name on the card"), max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "cc-name"}))

    def clean_number(self):
        digits = self.cleaned_data["number"].replace(" ", "")
        if not (digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 19 and luhn.is_valid(digits)):
            raise forms.ValidationError(_("This card number is not valid."))
        return digits

    def clean_expiry(self):
        value = self.cleaned_data["expiry"].strip()
        try:
            month, year = (int(part) for part in value.split("/"))
            if not 1 <= month <= 12 or not 0 <= year <= 99:
                raise ValueError
            first_of_next_month = datetime.date(2000 + year + month // 12, month % 12 + 1, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("Give the expiry as MM/YY.")) from None
        if first_of_next_month <= timezone.localdate():
            raise forms.ValidationError(_("This card has expired."))
        return value

    def clean_cvc(self):
        value = self.cleaned_data["cvc"].strip()
        if not (value.isascii() and value.isdigit() and len(value) in (3, 4)):
            raise forms.ValidationError(_("The security code is the 3 or 4 digits on the back."))
        return value


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=10, decimal_places=2, min_value=0.01)
    reason = forms.ChoiceField(label=_("Reason"), choices=RefundReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
