from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from selfservice.models import FollowUpKind


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20,
                             widget=forms.TextInput(attrs={"autocomplete": "off",
                                                           "placeholder": "HL-2026-000123"}))
    postcode = forms.CharField(label=_("Postcode of your address"), max_length=12,
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))


class AskForm(forms.Form):
    kind = forms.ChoiceField(label=_("About"), choices=[(FollowUpKind.QUESTION, _("a question")),
                                                          (FollowUpKind.COMPLAINT, _("a complaint"))])
    message = forms.CharField(label=_("Your message"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class NewWindowForm(forms.Form):
    message = forms.CharField(label=_("When would suit you better?"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RebookForm(forms.Form):
    """After a failed delivery or while the parcel waits: another day, address or pickup point."""

    CHOICES = [("day", _("Deliver on another day")), ("address", _("Deliver to another address")),
               ("pickup", _("Deliver to a pickup point"))]
    choice = forms.ChoiceField(label=_("What suits you"), choices=CHOICES, widget=forms.RadioSelect)
    ship_on = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    pickup_point = forms.CharField(label=_("Pickup point (name)"), max_length=120, required=False)

    def clean(self):
        data = super().clean()
        choice = data.get("choice")
        if choice == "day":
            day = data.get("ship_on")
            if day is None:
                self.add_error("ship_on", _("Choose a day."))
            elif day <= timezone.localdate():
                self.add_error("ship_on", _("Choose a day from tomorrow on."))
            elif day.weekday() >= 5:
                self.add_error("ship_on", _("Deliveries are made Monday to Friday."))
        if choice in ("address", "pickup"):
            for name in ("street", "postcode", "city"):
                if not data.get(name):
                    self.add_error(name, _("This field is required."))
        if choice == "pickup" and not data.get("pickup_point"):
            self.add_error("pickup_point", _("Give the pickup point's name."))
        return data

    def recipient(self) -> dict:
        data = self.cleaned_data
        if data["choice"] == "day":
            return {}
        address = {"street": data["street"], "postcode": data["postcode"], "city": data["city"]}
        if data["choice"] == "pickup":
            address["recipient_name"] = data["pickup_point"]
        return address


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the customer"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
