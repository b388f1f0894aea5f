from django.contrib import admin

from exchanges.models import (
    Decision,
    Diagnosis,
    Quote,
    QuoteLine,
    ReplacementUnit,
    ServicePrice,
    Swap,
    SwapInspection,
    Technician,
    Visit,
    Warehouse,
)


@admin.register(ServicePrice)
class ServicePriceAdmin(admin.ModelAdmin):
    list_display = ["outcome", "category", "model", "description", "amount", "currency"]
    list_filter = ["outcome", "category"]


@admin.register(ReplacementUnit)
class ReplacementUnitAdmin(admin.ModelAdmin):
    list_display = ["model", "variant", "imei", "warehouse", "grade", "status"]
    list_filter = ["status", "grade", "warehouse", "model"]
    search_fields = ["imei"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "country", "carrier", "cutoff", "delivery_by",
                    "transit_days", "active"]


@admin.register(SwapInspection)
class SwapInspectionAdmin(admin.ModelAdmin):
    list_display = ["swap", "outcome", "fault_code", "imei_matches", "inspected_at"]
    list_filter = ["outcome", "imei_matches"]
    readonly_fields = [f.name for f in SwapInspection._meta.fields]


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "postcode_prefixes", "families", "active"]


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 0
    readonly_fields = ["position", "description", "quantity", "unit_price", "amount"]
    can_delete = False


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["number", "case", "outcome", "total", "currency", "status", "expires_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["number", "case__number"]
    inlines = [QuoteLineInline]
    readonly_fields = [field.name for field in Quote._meta.fields]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["case", "proposed_outcome", "proposed_paid", "status", "outcome", "decided_by"]
    list_filter = ["status", "proposed_outcome"]
    search_fields = ["case__number"]
    readonly_fields = [field.name for field in Decision._meta.fields]


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ["case", "fault_code", "action", "source", "created_at"]
    search_fields = ["case__number"]


@admin.register(Swap)
class SwapAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "model", "variant", "status", "warehouse", "promised_by",
                    "delivered_at", "paid", "fees_total"]
    list_filter = ["status", "warehouse"]
    search_fields = ["case__number"]
    readonly_fields = ["status", "unit", "outbound", "collection", "original_handset",
                       "replacement_handset"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "postcode", "status", "paid", "fees_total"]
    list_filter = ["status"]
    readonly_fields = ["status"]
