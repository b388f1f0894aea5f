from django.contrib import admin

from repairs.models import Part, PartStock, PartUse, Referral, RepairOrder, ServicePoint, StockLocation


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "postcode", "daily_capacity", "walk_in",
                    "appointment", "active"]
    list_filter = ["active", "walk_in", "appointment", "country"]
    search_fields = ["code", "name", "city", "postcode"]
    filter_horizontal = ["staff"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["reference", "case", "service_point", "status", "drop_off_day", "outcome"]
    list_filter = ["status", "outcome"]
    search_fields = ["reference", "case__number"]
    readonly_fields = ["status"]
    raw_id_fields = ["case", "decision"]


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "model", "imei", "status", "result", "promised_by"]
    list_filter = ["kind", "status", "result"]
    search_fields = ["number", "imei", "case__number"]
    readonly_fields = ["status"]
    raw_id_fields = ["case", "decision", "quote", "unit", "inbound", "outbound"]


class PartStockInline(admin.TabularInline):
    model = PartStock
    extra = 0


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["part_number", "description", "component", "cost", "currency", "active"]
    search_fields = ["part_number", "description"]
    filter_horizontal = ["handset_models"]
    inlines = [PartStockInline]


admin.site.register(StockLocation)
admin.site.register(PartUse)
