from django.contrib import admin

from partners.models import (
    DeliveryAttempt,
    DistributorKey,
    PublicCase,
    WebhookDelivery,
    WebhookSubscription,
)


@admin.register(DistributorKey)
class DistributorKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "distributor", "scopes", "created", "expiry_date",
                    "last_used_at", "revoked"]
    list_filter = ["revoked", "distributor"]
    readonly_fields = ["prefix", "created", "last_used_at", "revoked_at", "revoked_by",
                       "created_by", "replaces"]
    exclude = ["hashed_key"]
    search_fields = ["name", "prefix", "distributor__code"]

    def has_add_permission(self, request):
        return False  # keys are made on the Partners page, which shows them once


@admin.register(PublicCase)
class PublicCaseAdmin(admin.ModelAdmin):
    list_display = ["case", "status", "distributor", "external_reference", "changed_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "external_reference"]
    raw_id_fields = ["case"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "distributor", "events", "is_active", "consecutive_failures"]
    list_filter = ["is_active", "distributor"]
    exclude = ["secret"]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ["at", "response_status", "duration_ms", "error_code", "response_excerpt",
                       "error"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "subscription", "case", "status", "attempts",
                    "response_status", "next_attempt_at"]
    list_filter = ["status", "error_code"]
    raw_id_fields = ["event", "subscription", "case", "redelivery_of"]
    inlines = [AttemptInline]
