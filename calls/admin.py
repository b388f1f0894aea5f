from django.contrib import admin

from calls.models import AgentSession, AgentState, Call, CallCase, CallEvent, Shift


class CallEventInline(admin.TabularInline):
    model = CallEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "agent_id", "source", "data"]
    readonly_fields = fields


class CallCaseInline(admin.TabularInline):
    model = CallCase
    extra = 0
    raw_id_fields = ["case", "linked_by"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["telephony_id", "queue", "caller_number", "queued_at", "agent_id",
                    "wait_seconds", "talk_seconds", "outcome"]
    list_filter = ["outcome", "queue"]
    search_fields = ["telephony_id", "caller_number", "agent_id"]
    date_hierarchy = "queued_at"
    raw_id_fields = ["customer", "handset", "operator"]
    readonly_fields = [field.name for field in Call._meta.fields if field.name not in (
        "customer", "handset")]
    inlines = [CallEventInline, CallCaseInline]


@admin.register(AgentState)
class AgentStateAdmin(admin.ModelAdmin):
    list_display = ["agent_id", "operator", "status", "since", "paused"]
    list_filter = ["status"]
    readonly_fields = ["agent_id", "operator", "status", "since", "paused", "call"]


@admin.register(AgentSession)
class AgentSessionAdmin(admin.ModelAdmin):
    list_display = ["agent_id", "started_at", "ended_at"]
    search_fields = ["agent_id"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["operator", "starts_at", "ends_at"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["operator"]
