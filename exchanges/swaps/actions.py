"""The actions on a swap: one table for the case panel, the console and the API.

Each action names the service function that does it (exchanges.swaps.services), the form and
the serializer of its input, the capability it needs, and when it is offered, on the swap machine's
allowed transitions plus the service's guards. A new swap action is one entry here (and its
service function); the console, the API and the case panel follow.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from diagnostics.models import FaultCode
from exchanges.capabilities import CHANGE_SWAPS, INSPECT_SWAPS
from exchanges.models import InspectionOutcome, SwapStatus, Warehouse
from exchanges.swaps import services
from exchanges.swaps.forms import InspectionForm, RebookForm
from hotline.actions import Action, ActionTable, when_allowed
from hotline.api.fields import BoundedDateField, CountryField, postcode_checked
from hotline.models import ModelVariant

STAFF = CHANGE_SWAPS
ADDRESS_FIELDS = ("street", "street2", "postcode", "city", "country", "access_notes",
                  "recipient_name", "recipient_phone")


# --- input: console forms and API serializers ------------------------------------------------
class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class RebookSerializer(ReasonSerializer):
    street = serializers.CharField(required=False, max_length=200)
    street2 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    postcode = serializers.CharField(required=False, max_length=12)
    city = serializers.CharField(required=False, max_length=100)
    country = CountryField(required=False)
    access_notes = serializers.CharField(required=False, allow_blank=True, max_length=300)
    recipient_name = serializers.CharField(required=False, max_length=120)
    recipient_phone = serializers.CharField(required=False, max_length=30)
    ship_on = BoundedDateField(required=False)

    def validate(self, attrs):
        postcode_checked(attrs)  # with the country given; else the service uses the swap's
        attrs["recipient"] = {key: attrs[key] for key in ADDRESS_FIELDS if key in attrs}
        return attrs


class WarehouseForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Reserve in"),
                                       queryset=Warehouse.objects.filter(active=True))


class WarehouseSerializer(serializers.Serializer):
    warehouse = serializers.SlugRelatedField(slug_field="code",
                                             queryset=Warehouse.objects.filter(active=True))


class VariantForm(forms.Form):
    variant = forms.ModelChoiceField(label=_("Equivalent variant"),
                                     queryset=ModelVariant.objects.all())
    consent_note = forms.CharField(label=_("How the customer consented"), max_length=1000)


class VariantSerializer(serializers.Serializer):
    variant = serializers.PrimaryKeyRelatedField(queryset=ModelVariant.objects.all())
    consent_note = serializers.CharField(max_length=1000)


class InspectionSerializer(serializers.Serializer):
    received_imei = serializers.CharField(max_length=20)
    outcome = serializers.ChoiceField(choices=InspectionOutcome.choices)
    fault_code = serializers.SlugRelatedField(slug_field="code", required=False, allow_null=True,
                                              default=None, queryset=FaultCode.objects.all())
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


# --- the table -------------------------------------------------------------------------------
def _rebook(swap, *, actor, data):
    return services.swap_book(swap=swap, actor=actor, recipient=data.get("recipient") or None,
                              ship_on=data.get("ship_on"), reason=data.get("reason", ""))


def _with_reason(service):
    """Run a service that takes the swap, the actor and a reason."""
    def run(swap, *, actor, data):
        return service(swap=swap, actor=actor, reason=data.get("reason", ""))
    return run


def _bookable(swap, allowed) -> bool:
    return "book" in allowed and swap.unit_id is not None


def _lost(swap, allowed) -> bool:
    return "book" in allowed and swap.status == SwapStatus.LOST


SWAP_ACTIONS = ActionTable([
    Action("rebook", _("Book the courier again"), _rebook, STAFF, when=_bookable,
           form=RebookForm, serializer=RebookSerializer, prefix="rb",
           done=_("The courier is being booked again.")),
    Action("reserve", _("Reserve in another warehouse"),
           lambda swap, *, actor, data: services.swap_reserve(
               swap=swap, actor=actor, warehouse=data["warehouse"]),
           STAFF, when=when_allowed("reserve", "restock"), form=WarehouseForm,
           serializer=WarehouseSerializer,
           done=lambda swap, data: _("Unit reserved in %(warehouse)s.")
           % {"warehouse": data["warehouse"].name}),
    Action("variant", _("Reserve an equivalent variant"),
           lambda swap, *, actor, data: services.swap_choose_variant(
               swap=swap, actor=actor, variant=data["variant"],
               consent_note=data["consent_note"]),
           STAFF, when=when_allowed("reserve", "restock"), form=VariantForm,
           serializer=VariantSerializer,
           done=_("Equivalent variant reserved with the customer's consent.")),
    Action("reship", _("Ship another unit now"),
           _with_reason(services.swap_reship),
           STAFF, when=_lost, form=ReasonForm, serializer=ReasonSerializer,
           done=_("Another unit is reserved and being booked.")),
    Action("refund", _("Refund"),
           _with_reason(services.swap_refund),
           STAFF, when=when_allowed("refund"), form=ReasonForm, serializer=ReasonSerializer,
           done=_("Refund recorded; the swap is closed.")),
    Action("collect", _("Book a collection of the faulty unit"),
           _with_reason(services.swap_collection_book),
           STAFF, when=when_allowed("ship_return"), form=ReasonForm,
           serializer=ReasonSerializer,
           done=_("A courier is being booked to collect the faulty unit.")),
    Action("receive", _("Returned unit received"),
           lambda swap, *, actor, data: services.swap_return_receive(swap=swap, actor=actor),
           STAFF, when=when_allowed("receive_return"), done=_("Returned unit received.")),
    Action("inspect", _("Record the inspection"),
           lambda swap, *, actor, data: services.swap_inspect(swap=swap, actor=actor, **data),
           INSPECT_SWAPS, when=when_allowed("inspect"), form=InspectionForm,
           serializer=InspectionSerializer,
           done=_("Inspection recorded; the swap is closed.")),
    Action("cancel", _("Cancel the swap"),
           _with_reason(services.swap_cancel),
           STAFF, when=when_allowed("cancel"), form=ReasonForm, serializer=ReasonSerializer,
           done=_("Swap cancelled; the unit is back in stock.")),
])
