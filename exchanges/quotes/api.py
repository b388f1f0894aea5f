"""API of quotes: the case's quote, send it again, the customer's signed acceptance or refusal."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from exchanges.quotes import selectors, services
from exchanges.web import CaseApiView, case_or_404
from hotline.errors import NotFound


class QuoteLineSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class QuoteOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    case = serializers.CharField(source="case.number")
    outcome = serializers.CharField()
    status = serializers.CharField()
    currency = serializers.CharField()
    lines = QuoteLineSerializer(many=True)
    subtotal = serializers.DecimalField(max_digits=10, decimal_places=2)
    delivery_fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    tax_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    expires_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField()
    answered_via = serializers.CharField()
    signed_by = serializers.CharField()
    link = serializers.SerializerMethodField()

    def get_link(self, quote) -> str:
        return services.quote_link(quote=quote)


def _quote(number):
    quote = selectors.quote_current(case=case_or_404(number))
    if quote is None:
        raise NotFound("This case has no quote.")
    return quote


class QuoteApi(CaseApiView):
    """The case's latest quote, itemised."""

    @extend_schema(responses={200: QuoteOutputSerializer})
    def get(self, request, number):
        return Response(QuoteOutputSerializer(_quote(number)).data)


class QuoteSendApi(CaseApiView):
    """Send the pending quote to the customer again (e-mail with PDF, and SMS)."""

    @extend_schema(request=None, responses={200: QuoteOutputSerializer})
    def post(self, request, number):
        quote = services.quote_resend(quote=_quote(number), actor=request.user)
        return Response(QuoteOutputSerializer(quote).data)


class QuoteAcceptApi(CaseApiView):
    """Record the customer's signed acceptance of the pending quote; the service is ordered."""

    class QuoteAcceptInputSerializer(serializers.Serializer):
        signed_by = serializers.CharField(max_length=120)

    @extend_schema(request=QuoteAcceptInputSerializer, responses={200: QuoteOutputSerializer})
    def post(self, request, number):
        data = self.QuoteAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.quote_accept(quote=_quote(number), via="signed", actor=request.user,
                                      signed_by=data.validated_data["signed_by"],
                                      ip=request.META.get("REMOTE_ADDR"))
        return Response(QuoteOutputSerializer(quote).data)


class QuoteDeclineApi(CaseApiView):
    """Record that the customer declined the pending quote."""

    class QuoteDeclineInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    @extend_schema(request=QuoteDeclineInputSerializer, responses={200: QuoteOutputSerializer})
    def post(self, request, number):
        data = self.QuoteDeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.quote_decline(quote=_quote(number), via="phone", actor=request.user,
                                       reason=data.validated_data.get("reason", ""))
        return Response(QuoteOutputSerializer(quote).data)
