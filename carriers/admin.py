from django.contrib import admin

from carriers.models import SandboxParcel, Shipment, TrackingEvent


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "status", "reason", "raw_code", "raw_text", "location", "source",
              "applied", "received_at")
    readonly_fields = fields


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "carrier", "direction", "service", "status",
                    "reference", "ship_date", "last_event_at")
    list_filter = ("carrier", "status", "direction", "service", "tracking_number_valid")
    search_fields = ("tracking_number", "reference", "carrier_reference")
    date_hierarchy = "created_at"
    readonly_fields = ("carrier", "direction", "tracking_number", "tracking_number_valid",
                       "piece_numbers", "carrier_reference", "booking_key", "visit_partner",
                       "status", "status_reason", "status_at", "booked_at", "last_event_at",
                       "last_polled_at", "cancelled_at", "created_at", "updated_at")
    inlines = [TrackingEventInline]


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ("shipment", "occurred_at", "status", "reason", "raw_code", "source",
                    "applied")
    list_filter = ("status", "source", "applied")
    search_fields = ("shipment__tracking_number", "raw_code", "raw_text")
    list_select_related = ("shipment",)
    readonly_fields = [f.name for f in TrackingEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SandboxParcel)
class SandboxParcelAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "direction", "scenario", "booked_at", "released",
                    "cancelled")
    list_filter = ("scenario", "direction", "cancelled")
    search_fields = ("tracking_number",)
