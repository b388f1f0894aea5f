from django.contrib import admin
from django.core.exceptions import ValidationError

from hotline.models import (
    Address,
    AuditEvent,
    Case,
    Customer,
    CustomerPhone,
    Distributor,
    Handset,
    HandsetModel,
    ModelVariant,
    OutboxMessage,
    Profile,
    Tac,
)
from hotline.selectors import search
from hotline.validators import normalise_phone


class PhoneSearchMixin:
    """Let the admin's search box find by phone number in any common format."""

    phone_lookup = "phones__number"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            e164 = normalise_phone(search_term)
        except ValidationError:
            return queryset, may_have_duplicates
        return queryset | self.model.objects.filter(**{self.phone_lookup: e164}), True


class PhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 1


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


@admin.register(Customer)
class CustomerAdmin(PhoneSearchMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "country", "language"]
    search_fields = ["last_name", "first_name", "email", "handsets__imei", "cases__number"]
    inlines = [PhoneInline, AddressInline]


class VariantInline(admin.TabularInline):
    model = ModelVariant
    extra = 0


class TacInline(admin.TabularInline):
    model = Tac
    extra = 0


@admin.register(HandsetModel)
class HandsetModelAdmin(admin.ModelAdmin):
    list_display = ["brand", "name", "warranty_months", "launch_date", "is_current"]
    list_filter = ["brand", "is_current"]
    search_fields = ["brand", "name", "tacs__tac", "variants__sku"]
    inlines = [VariantInline, TacInline]


@admin.register(Tac)
class TacAdmin(admin.ModelAdmin):
    list_display = ["tac", "model"]
    search_fields = ["tac", "model__name", "model__brand"]
    autocomplete_fields = ["model"]


@admin.register(Handset)
class HandsetAdmin(admin.ModelAdmin):
    list_display = ["imei", "model", "owner", "purchase_date", "sold_by"]
    search_fields = ["imei", "owner__last_name", "cases__number"]
    autocomplete_fields = ["model", "owner"]
    list_select_related = ["model", "owner"]


@admin.register(Distributor)
class DistributorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "contact_email"]
    search_fields = ["code", "name"]


@admin.register(Case)
class CaseAdmin(PhoneSearchMixin, admin.ModelAdmin):
    phone_lookup = "customer__phones__number"
    list_display = ["number", "status", "customer", "handset", "symptom", "channel", "created_at"]
    list_filter = ["status", "channel", "symptom"]
    search_fields = ["number", "handset__imei", "customer__last_name"]
    readonly_fields = ["number", "status", "created_at", "updated_at"]
    autocomplete_fields = ["customer", "handset"]
    list_select_related = ["customer", "handset"]

    def get_search_results(self, request, queryset, search_term):
        queryset, dup = super().get_search_results(request, queryset, search_term)
        found = search(query=search_term)["cases"]
        return (queryset | found, dup) if found.exists() else (queryset, dup)

    def has_add_permission(self, request):
        # Cases get their number and first audit event from the case_open service.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "case", "content_type", "object_id", "action", "source", "target",
                    "actor"]
    list_filter = ["action", "content_type"]
    search_fields = ["case__number", "object_id", "reason"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "task", "idempotency_key", "dispatched_at", "attempts"]
    search_fields = ["idempotency_key", "task"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "agent_id", "extension", "distributor"]
    search_fields = ["user__username", "agent_id", "extension"]

