"""Webhook subscriptions and their delivery log through the API (distributors only; hotline
staff use the console's Partners page). Needs the `manage_webhooks` scope with a key."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from hotline.api.schema import ErrorSerializer
from partners.api.cases import PartnerApiMixin
from partners.api.serializers import (
    WebhookDeliverySerializer,
    WebhookSubscriptionChangeSerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionSerializer,
)
from partners.models import WebhookDelivery, WebhookSubscription
from partners.services import webhooks


class DeliveryCursor(CursorPagination):
    ordering = "-id"
    page_size = 50


class SubscriptionCursor(CursorPagination):
    ordering = "-id"
    page_size = 50


class WebhookApiMixin(PartnerApiMixin):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.distributor is None:
            raise PermissionDenied(_("Webhooks belong to distributors; hotline staff manage "
                                     "them on the console's Partners page."))

    def subscription(self, pk):
        return get_object_or_404(WebhookSubscription, pk=pk, distributor=self.distributor)


class WebhookListCreateApi(WebhookApiMixin, generics.GenericAPIView):
    """Your webhook subscriptions; subscribe a receiver (its secret is shown once)."""

    serializer_class = WebhookSubscriptionSerializer
    queryset = WebhookSubscription.objects.none()
    pagination_class = SubscriptionCursor
    allowed_params = frozenset({"cursor"})

    @extend_schema(responses={200: WebhookSubscriptionSerializer(many=True)})
    def get(self, request):
        subscriptions = WebhookSubscription.objects.filter(distributor=self.distributor)
        page = self.paginate_queryset(subscriptions.order_by("-id"))
        return self.get_paginated_response(WebhookSubscriptionSerializer(page, many=True).data)

    @extend_schema(request=WebhookSubscriptionSerializer,
                   responses={201: WebhookSubscriptionCreatedSerializer})
    def post(self, request):
        serializer = WebhookSubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription, secret = webhooks.subscription_create(
            distributor=self.distributor, actor=request.user, **serializer.validated_data)
        body = WebhookSubscriptionCreatedSerializer(subscription).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookDetailApi(WebhookApiMixin, generics.GenericAPIView):
    """One subscription: read it, change its URL or events, switch it on or off, delete it."""

    serializer_class = WebhookSubscriptionSerializer
    queryset = WebhookSubscription.objects.none()

    @extend_schema(responses={200: WebhookSubscriptionSerializer})
    def get(self, request, pk):
        return Response(WebhookSubscriptionSerializer(self.subscription(pk)).data)

    @extend_schema(request=WebhookSubscriptionChangeSerializer,
                   responses={200: WebhookSubscriptionSerializer})
    def patch(self, request, pk):
        subscription = self.subscription(pk)
        serializer = WebhookSubscriptionChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhooks.subscription_update(subscription=subscription, actor=request.user,
                                     **serializer.validated_data)
        return Response(WebhookSubscriptionSerializer(subscription).data)

    @extend_schema(responses={204: OpenApiResponse(description=_("Deleted."))})
    def delete(self, request, pk):
        webhooks.subscription_delete(subscription=self.subscription(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookTestApi(WebhookApiMixin, generics.GenericAPIView):
    """Send a test event to the receiver now."""

    serializer_class = WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request, pk):
        delivery = webhooks.webhook_test_send(subscription=self.subscription(pk),
                                              actor=request.user)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data,
                        status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(WebhookApiMixin, generics.GenericAPIView):
    """The delivery log of one subscription, newest first: status code, duration, excerpt."""

    serializer_class = WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()
    pagination_class = DeliveryCursor
    allowed_params = frozenset({"cursor"})

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    def get(self, request, pk):
        deliveries = (self.subscription(pk).deliveries.select_related("event", "case")
                      .order_by("-id"))
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class WebhookRedeliverApi(WebhookApiMixin, generics.GenericAPIView):
    """Send a delivered or failed event again."""

    serializer_class = WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()

    @extend_schema(request=None, responses={
        202: WebhookDeliverySerializer,
        400: OpenApiResponse(ErrorSerializer, description=_("Still pending, or the "
                                                             "subscription is disabled."))})
    def post(self, request, pk):
        delivery = get_object_or_404(WebhookDelivery.objects.select_related("subscription"),
                                     pk=pk, subscription__distributor=self.distributor)
        new = webhooks.delivery_redeliver(delivery=delivery, actor=request.user)
        new.refresh_from_db()
        return Response(WebhookDeliverySerializer(new).data, status=status.HTTP_202_ACCEPTED)
