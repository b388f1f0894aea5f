"""The calls API: the CTI events endpoint, SLA metrics, staffing and the wallboard's figures."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from calls import metrics
from calls.capabilities import PLAN_STAFFING, VIEW_CALL_METRICS
from calls.erlang import LIMITS, STAFFING_KEYS, StaffingError, staffing_answer
from calls.ingest import CallEventError, agent_event_ingest, call_events_ingest
from calls.models import AgentEventKind, EventKind
from calls.wallboard import wallboard
from hotline.api.fields import BoundedDateTimeField, EventTimeField
from hotline.api.permissions import HasCapability
from hotline.security import WINDOW_SECONDS, auth_blocked, auth_failure_record

logger = logging.getLogger("calls.api")
MAX_BATCH = 500
CALL_KINDS = [kind for kind in EventKind.values if kind != EventKind.LOST]


def cti_token_valid(token: str) -> bool:
    """Compare the token with every configured one in constant time."""
    token = (token or "").encode()
    valid = False
    for known in settings.CALLS_CTI_TOKENS:
        valid |= hmac.compare_digest(token, known.encode())
    return bool(token) and valid


class HasCtiToken(BasePermission):
    message = "Send a valid CTI token: Authorization: Bearer <token> (setting CTI_TOKENS)."

    def has_permission(self, request, view):
        if auth_blocked("cti-token", request):
            raise Throttled(wait=WINDOW_SECONDS,
                            detail="Too many failed authentications from this address.")
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            token = request.META.get("HTTP_X_CTI_TOKEN", "")
        if cti_token_valid(token.strip()):
            return True
        auth_failure_record("cti-token", request)
        return False


class CtiEventInputSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=CALL_KINDS + list(AgentEventKind.values))
    at = EventTimeField()
    call_id = serializers.CharField(max_length=80, required=False, allow_blank=True)
    event_id = serializers.CharField(max_length=120, required=False, allow_blank=True)
    queue = serializers.CharField(max_length=80, required=False, allow_blank=True)
    caller = serializers.CharField(max_length=80, required=False, allow_blank=True,
                                   allow_null=True)
    dialled = serializers.CharField(max_length=40, required=False, allow_blank=True)
    agent = serializers.CharField(max_length=40, required=False, allow_blank=True)
    reason = serializers.ChoiceField(choices=["abandon", "timeout", "key", "empty"],
                                     required=False)
    target = serializers.CharField(max_length=80, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs["event"] in CALL_KINDS and not attrs.get("call_id"):
            raise serializers.ValidationError({"call_id": "A call event needs the call_id."})
        if attrs["event"] in AgentEventKind.values and not attrs.get("agent"):
            raise serializers.ValidationError({"agent": "An agent event needs the agent."})
        return attrs


class CtiEventsApi(APIView):
    """Receive telephony events: one JSON object or a list of them. Idempotent per event
    (its `event_id`, or the call, kind, time and agent); tolerant of any order."""

    authentication_classes: list = []
    permission_classes = [HasCtiToken]
    # The telephony platform is one busy client: its own rate (API_RATE_CTI), not the anon one.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "cti"

    @extend_schema(request=CtiEventInputSerializer(many=True), responses={202: None})
    def post(self, request):
        many = isinstance(request.data, list)
        if many and len(request.data) > MAX_BATCH:
            raise ValidationError({"events": [f"Send at most {MAX_BATCH} events per request."]})
        serializer = CtiEventInputSerializer(data=request.data, many=many)
        serializer.is_valid(raise_exception=True)
        items = serializer.validated_data if many else [serializer.validated_data]
        results = []
        try:
            with transaction.atomic():  # a batch is applied whole or not at all
                for item in items:
                    results.append(self._ingest(item))
        except CallEventError as exc:
            raise ValidationError({exc.field or "event": [exc.message]}) from None
        logger.info("cti_events received=%d created=%d calls=%s", len(results),
                    sum(1 for result in results if result["created"]),
                    ",".join(sorted({r.get("call_id") or r.get("agent") for r in results})))
        return Response({"results": results}, status=status.HTTP_202_ACCEPTED)

    def _ingest(self, item: dict) -> dict:
        key = f"cti:{item['event_id']}" if item.get("event_id") else None
        if item["event"] in AgentEventKind.values:
            created = agent_event_ingest(agent=item["agent"], kind=item["event"], at=item["at"],
                                         key=key)
            return {"agent": item["agent"], "event": item["event"], "created": created}
        data = {name: item[name] for name in ("reason", "target") if item.get(name)}
        event = {"kind": item["event"], "at": item["at"], "queue": item.get("queue", ""),
                 "caller": item.get("caller"), "dialled": item.get("dialled", ""),
                 "agent": item.get("agent", ""), "data": data, "key": key}
        call, added = call_events_ingest(telephony_id=item["call_id"], events=[event])
        return {"call_id": call.telephony_id, "event": item["event"], "created": bool(added),
                "outcome": call.outcome or None}


class SlaReportApi(APIView):
    """The service-level metrics of docs/metrics.md, as `manage.py sla_report --json`
    (per queue and per operator too: the supervisors' capability, as on the console)."""

    permission_classes = [HasCapability]
    capability = VIEW_CALL_METRICS

    class InputSerializer(serializers.Serializer):
        start = BoundedDateTimeField()
        end = BoundedDateTimeField()
        queue = serializers.CharField(required=False, allow_blank=True)
        agent = serializers.CharField(required=False, allow_blank=True)
        interval = serializers.CharField(required=False, default="30m")
        group = serializers.ChoiceField(choices=metrics.GROUPS, required=False,
                                        default="interval")
        threshold = serializers.FloatField(required=False, min_value=0, max_value=86_400,
                                           help_text="Seconds; default CALLS_SL_THRESHOLD.")
        short_abandon = serializers.FloatField(required=False, min_value=0, max_value=86_400,
                                               help_text="Seconds; default CALLS_SHORT_ABANDON.")

    @extend_schema(parameters=[InputSerializer], responses={200: dict})
    def get(self, request):
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        try:
            report = metrics.sla_report(**serializer.validated_data)
        except ValueError as exc:
            raise ValidationError({"interval": [str(exc)]}) from None
        return Response(report)


class StaffingApi(APIView):
    """Erlang C: operators needed for a forecast, or predictions for `agents` operators."""

    permission_classes = [HasCapability]
    capability = PLAN_STAFFING

    class InputSerializer(serializers.Serializer):
        calls = serializers.FloatField(min_value=LIMITS["calls"][0], max_value=LIMITS["calls"][1])
        interval = serializers.IntegerField(default=1800, min_value=LIMITS["interval"][0],
                                            max_value=LIMITS["interval"][1])
        aht = serializers.FloatField(min_value=LIMITS["aht"][0], max_value=LIMITS["aht"][1])
        target = serializers.FloatField(default=0.8, min_value=LIMITS["target"][0],
                                        max_value=LIMITS["target"][1])
        answer_within = serializers.FloatField(required=False,
                                               min_value=LIMITS["answer_within"][0],
                                               max_value=LIMITS["answer_within"][1],
                                               help_text="Seconds; default CALLS_SL_THRESHOLD.")
        shrinkage = serializers.FloatField(default=0, min_value=LIMITS["shrinkage"][0],
                                           max_value=LIMITS["shrinkage"][1])
        max_occupancy = serializers.FloatField(required=False,
                                               min_value=LIMITS["max_occupancy"][0],
                                               max_value=LIMITS["max_occupancy"][1])
        agents = serializers.IntegerField(required=False, min_value=LIMITS["agents"][0],
                                          max_value=LIMITS["agents"][1])

    @extend_schema(parameters=[InputSerializer], responses={200: dict})
    def get(self, request):
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = {"answer_within": metrics.sl_threshold(), **serializer.validated_data}
        try:
            result = staffing_answer(**{key: data.get(key) for key in STAFFING_KEYS
                                        if data.get(key) is not None})
        except StaffingError as exc:
            raise ValidationError({"detail": [str(exc)]}) from None
        return Response(result)


class WallboardApi(APIView):
    """The wallboard's figures as JSON (for other displays)."""

    permission_classes = [HasCapability]
    capability = VIEW_CALL_METRICS

    @extend_schema(responses={200: dict})
    def get(self, request):
        board = wallboard(queue=request.query_params.get("queue") or None)
        return Response({
            "now": board["now"].isoformat(), "waiting": board["waiting"],
            "today": board["today"], "agents": board["agents"],
            "figures": [{"key": f.key, "label": f.label, "value": f.value}
                        for f in board["figures"]],
        })
