from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hotline.models import Customer, Handset, HandsetModel, Symptom
from hotline.timeutils import DATE_MAX, DATE_MIN, in_date_range
from hotline.validators import (
    normalise_country,
    normalise_phone,
    normalise_postcode,
    validate_imei,
)


def _date_bounds_message():
    return _("Give a date between %(min)s and %(max)s.") % {
        "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO (yyyy-mm-dd): an <input type="date">
    shows nothing for the French "29/11/2026" that a localised DateInput would render."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class BoundedDateField(forms.DateField):
    """A date inside the range the hotline computes with (hotline.timeutils)."""

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not in_date_range(day):
            raise ValidationError(_date_bounds_message(), code="date_range")
        return day


class BoundedDateTimeField(forms.DateTimeField):
    """A date-time inside the range the hotline computes with (hotline.timeutils)."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and not in_date_range(moment):
            raise ValidationError(_date_bounds_message(), code="date_range")
        return moment


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Phone, IMEI, case number or name"), max_length=100,
        widget=forms.TextInput(attrs={
            "autofocus": True, "placeholder": _("06 12 34 56 78, 35…, HL-2026-000123, Dupont")}),
    )


class CustomerForm(forms.ModelForm):
    phone = forms.CharField(label=_("Phone number"), max_length=40)
    street = forms.CharField(label=_("Street"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    city = forms.CharField(label=_("City"), max_length=100)
    access_notes = forms.CharField(label=_("Access notes"), max_length=300, required=False)

    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "email", "country", "language"]

    def clean(self):
        data = super().clean()
        try:
            country = normalise_country(data.get("country") or "FR")
        except ValidationError as exc:
            self.add_error("country", exc)
            return data
        data["country"] = country
        if data.get("phone"):
            try:
                data["phone"] = normalise_phone(data["phone"], region=country)
            except ValidationError as exc:
                self.add_error("phone", exc)
        if data.get("postcode"):
            try:
                data["postcode"] = normalise_postcode(data["postcode"], country)
            except ValidationError as exc:
                self.add_error("postcode", exc)
        return data


class HandsetForm(forms.Form):
    imei = forms.CharField(label=_("IMEI"), max_length=20, help_text=_("Dial *#06# to show it."))
    model = forms.ModelChoiceField(
        label=_("Model"), queryset=HandsetModel.objects.all(), required=False,
        help_text=_("Only needed when the IMEI's TAC is not in the catalogue."),
    )
    purchase_date = BoundedDateField(label=_("Purchase date"), required=False,
                                    widget=DateInput())
    firmware_version = forms.CharField(label=_("Firmware version"), required=False)

    def clean_imei(self):
        imei = validate_imei(self.cleaned_data["imei"])
        if Handset.objects.filter(imei=imei).exists():
            raise ValidationError(_("This IMEI is already registered."))
        return imei


class CaseForm(forms.Form):
    handset = forms.ModelChoiceField(label=_("Handset"), queryset=Handset.objects.none())
    symptom = forms.ChoiceField(label=_("Symptom"), choices=Symptom.choices)
    description = forms.CharField(label=_("What the customer says"), widget=forms.Textarea(
        attrs={"rows": 3}), required=False)
    second = forms.BooleanField(
        label=_("Open a second case although one is at work (supervisor)"), required=False)

    def __init__(self, *args, customer, may_open_second: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handset"].queryset = customer.handsets.select_related("model")
        if not may_open_second:
            del self.fields["second"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
