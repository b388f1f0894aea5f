from django.contrib import admin

from payments.models import Payment, ProviderEventLog, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    readonly_fields = ("reference", "amount", "reason", "note", "status", "provider_ref", "created_by",
                       "created_at", "settled_at", "failure_message")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "purpose", "subject", "amount", "currency", "status", "provider",
                    "created_at")
    list_filter = ("status", "purpose", "provider")
    search_fields = ("reference", "provider_ref", "subject")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]

    def has_add_permission(self, request):
        return False


@admin.register(ProviderEventLog)
class ProviderEventLogAdmin(admin.ModelAdmin):
    list_display = ("received_at", "provider", "event_id", "kind", "reference", "outcome")
    list_filter = ("provider", "kind", "outcome")
    readonly_fields = [f.name for f in ProviderEventLog._meta.fields]
