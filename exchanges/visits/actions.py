"""The actions on a technician visit: one table for the case panel, the day sheet, the console
and the API (see hotline.actions). A new visit action is one entry here and its service
function in exchanges.visits.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from diagnostics.models import FaultCode
from exchanges.capabilities import WORK_VISITS
from exchanges.models import Technician
from exchanges.visits import services
from exchanges.visits.forms import (
    SIGNATURE_MAX_CHARS,
    ReasonForm,
    VisitBookForm,
    VisitReportInput,
)
from hotline.actions import Action, ActionTable, when_allowed
from hotline.api.fields import BoundedDateTimeField
from hotline.capabilities import WORK_CASES

STAFF = WORK_CASES
FIELD = WORK_VISITS


class VisitBookSerializer(serializers.Serializer):
    technician_id = serializers.PrimaryKeyRelatedField(source="technician",
                                                       queryset=Technician.objects.all())
    start = BoundedDateTimeField()


class VisitReportSerializer(serializers.Serializer):
    work_done = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=4000)
    parts_used = serializers.CharField(required=False, allow_blank=True, default="",
                                       max_length=1000)
    fault_code = serializers.SlugRelatedField(slug_field="code", required=False, allow_null=True,
                                              default=None,
                                              queryset=FaultCode.objects.filter(active=True))
    signed_by = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=120)
    signature = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SIGNATURE_MAX_CHARS,
        help_text="The customer's signature drawn on the screen: a PNG data URL "
                  "(data:image/png;base64,...).")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


def _text(data, key) -> str:
    return data.get(key) or ""


def on_the_day(name: str):
    """Offered when the machine allows `name` and the day of the visit's slot has come."""
    allowed_now = when_allowed(name)

    def offered(visit, allowed: set[str]) -> bool:
        return allowed_now(visit, allowed) and services.visit_day_reached(visit)
    return offered


def _updated(visit, data) -> str:
    return _("Visit updated: %(status)s.") % {"status": visit.get_status_display()}


VISIT_ACTIONS = ActionTable([
    Action("book", _("Book the visit"),
           lambda visit, *, actor, data: services.visit_schedule(
               visit=visit, technician=data["technician"], start=data["start"], actor=actor),
           STAFF, when=when_allowed("schedule"), form=VisitBookForm,
           serializer=VisitBookSerializer, invalid=_("Pick a slot: %(errors)s"),
           done=lambda visit, data: _("Visit booked with %(name)s.")
           % {"name": data["technician"]}),
    Action("start_route", _("On my way"),
           lambda visit, *, actor, data: services.visit_start_route(visit=visit, actor=actor),
           FIELD, when=on_the_day("start_route"), done=_updated),
    Action("arrive", _("Arrived"),
           lambda visit, *, actor, data: services.visit_arrive(visit=visit, actor=actor),
           FIELD, when=on_the_day("arrive"), done=_updated),
    Action("complete", _("Fixed: send the report"),
           lambda visit, *, actor, data: services.visit_complete(
               visit=visit, actor=actor, work_done=_text(data, "work_done"),
               parts_used=_text(data, "parts_used"), signed_by=_text(data, "signed_by"),
               signature=_text(data, "signature"), fault_code=data.get("fault_code")),
           FIELD, when=on_the_day("complete"), form=VisitReportInput,
           serializer=VisitReportSerializer, done=_updated),
    Action("escalate", _("Not fixable: order a swap"),
           lambda visit, *, actor, data: services.visit_escalate(
               visit=visit, actor=actor, findings=_text(data, "work_done"),
               fault_code=data.get("fault_code")),
           FIELD, when=on_the_day("escalate"), form=VisitReportInput,
           serializer=VisitReportSerializer, done=_updated),
    Action("no_access", _("No access"),
           lambda visit, *, actor, data: services.visit_no_access(
               visit=visit, actor=actor, reason=_text(data, "work_done")),
           FIELD, when=on_the_day("report_no_access"), form=VisitReportInput,
           serializer=VisitReportSerializer, done=_updated),
    Action("switch_to_swap", _("Order a swap instead"),
           lambda visit, *, actor, data: services.visit_switch_to_swap(
               visit=visit, actor=actor, reason=_text(data, "reason")),
           STAFF, when=when_allowed("schedule"), form=ReasonForm, serializer=ReasonSerializer,
           done=_("A swap is ordered instead of the visit.")),
])
