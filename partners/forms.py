from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Scope
from partners.models.webhooks import SUBSCRIBABLE_EVENTS, EventType


class KeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, help_text=_(
        "Where the key is used, e.g. “shop counter app”."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       initial=[Scope.READ_STATUS])
    expires_at = forms.DateTimeField(label=_("Expires"), required=False, widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}), help_text=_("Empty: never."))


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Receiver URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple,
        choices=[(e.value, e.label) for e in EventType if e in SUBSCRIBABLE_EVENTS],
        initial=list(SUBSCRIBABLE_EVENTS))
