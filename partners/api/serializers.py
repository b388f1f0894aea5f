"""What the partner API reads and writes. Output serializers render the public view dicts of
partners.selectors and describe them truthfully in the OpenAPI schema."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hotline.api.serializers import CaseCreateInputSerializer
from partners.models import DeliveryStatus
from partners.models.webhooks import SUBSCRIBABLE_EVENTS
from partners.status import PublicStatus


class HandsetViewSerializer(serializers.Serializer):
    imei = serializers.CharField()
    model = serializers.CharField(allow_null=True)
    purchase_date = serializers.DateField(allow_null=True)
    warranty_end = serializers.DateField(allow_null=True)


class PromiseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["delivery", "visit"])
    due_by = serializers.DateTimeField()
    window_start = serializers.DateTimeField(allow_null=True)
    window_end = serializers.DateTimeField(allow_null=True)


class TrackingEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    label = serializers.CharField()
    location = serializers.CharField(allow_blank=True)


class ShipmentViewSerializer(serializers.Serializer):
    courier = serializers.CharField()
    tracking_number = serializers.CharField(allow_null=True)
    tracking_url = serializers.URLField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    events = TrackingEventSerializer(many=True)


class VisitViewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PublicStatus.choices)
    window_start = serializers.DateTimeField(allow_null=True)
    window_end = serializers.DateTimeField(allow_null=True)


class QuoteViewSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    total = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=PublicStatus.choices)
    label = serializers.CharField()
    description = serializers.CharField()


class CasePublicSerializer(serializers.Serializer):
    """A case as partners see it: the public status vocabulary only."""

    number = serializers.CharField()
    external_reference = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=PublicStatus.choices, help_text=_(
        "The public status (docs/partners.md): a stable word."))
    status_label = serializers.CharField()
    status_description = serializers.CharField()
    internal_status = serializers.CharField(allow_null=True, help_text=_(
        "Hotline staff only; null for distributors."))
    channel = serializers.CharField()
    symptom = serializers.CharField()
    symptom_label = serializers.CharField()
    customer = serializers.CharField()
    handset = HandsetViewSerializer(allow_null=True)
    distributor = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    promise = PromiseSerializer(allow_null=True)
    shipment = ShipmentViewSerializer(allow_null=True)
    visit = VisitViewSerializer(allow_null=True)
    quote = QuoteViewSerializer(allow_null=True)
    timeline = TimelineEntrySerializer(many=True)


class CaseOpenSerializer(CaseCreateInputSerializer):
    external_reference = serializers.CharField(
        max_length=64, required=False, allow_null=True,
        help_text=_("Your own reference for the case, unique among yours."))


class CaseListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PublicStatus.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)
    imei = serializers.CharField(required=False, max_length=20)
    external_reference = serializers.CharField(required=False, max_length=64)
    cursor = serializers.CharField(required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False)
    open_case = serializers.CharField(required=False, help_text=_(
        "With 409 open_case_exists: the number of the case at work on this handset."))


class WebhookSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(child=serializers.ChoiceField(choices=SUBSCRIBABLE_EVENTS),
                                   allow_empty=False)
    is_active = serializers.BooleanField(read_only=True)
    disabled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    disabled_reason = serializers.CharField(read_only=True)
    secret_hint = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text=_(
        "Signs the deliveries (Hotline-Signature). Shown only in this answer: keep it."))


class WebhookSubscriptionChangeSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=SUBSCRIBABLE_EVENTS),
                                   allow_empty=False, required=False)
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField()
    event_type = serializers.CharField(source="event.type")
    case = serializers.CharField(source="case.number", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(source="next_attempt", allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    response_status = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    response_excerpt = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
