from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from hotline import selectors, services
from hotline.api.permissions import HasCapability, IsDistributorOrStaff
from hotline.api.serializers import (
    CustomerOutputSerializer,
    CustomerSearchInputSerializer,
    CustomerSearchOutputSerializer,
)
from hotline.capabilities import WORK_CASES
from hotline.errors import CaseError
from hotline.imei import identify_imei
from hotline.models import Case, CaseChannel, Handset, HandsetModel


def case_open_from_api(*, data: dict, user, distributor) -> "Case":
    """Open (or reopen) a case from a validated CaseCreateInputSerializer's data: the customer
    and handset are found or registered; an IMEI known to another customer or distributor is
    refused with one answer whatever the reason, so the API tells nobody whose IMEI it is."""
    with transaction.atomic():
        handset = Handset.objects.select_related("owner").filter(imei=data["imei"]).first()
        if handset is not None and handset.owner is not None:
            customer = handset.owner
            same_owner = (customer.last_name.casefold()
                          == data["customer"]["last_name"].casefold())
            if not same_owner or (distributor is not None and not _knows_handset(
                    distributor, handset)):
                raise CaseError(_("This IMEI is registered to another customer or "
                                  "distributor: call the hotline."), field="imei")
        else:
            info = data["customer"]
            customer = services.customer_create(
                first_name=info.get("first_name", ""), last_name=info["last_name"],
                email=info.get("email", ""), country=info["country"],
                language=info["language"], phones=[info["phone"]],
                address=info["address"], actor=user,
            )
            if handset is None:
                model = None
                if data.get("model_id"):
                    model = get_object_or_404(HandsetModel, pk=data["model_id"])
                handset = services.handset_register(
                    imei=data["imei"], owner=customer, model=model,
                    purchase_date=data.get("purchase_date"), sold_by=distributor,
                    actor=user,
                )
        return services.case_open(
            customer=customer, handset=handset, symptom=data["symptom"],
            description=data.get("description", ""),
            channel=CaseChannel.DISTRIBUTOR if distributor else CaseChannel.PHONE,
            distributor=distributor, actor=user, second=data.get("second_case", False),
        )


def _knows_handset(distributor, handset) -> bool:
    """Did this distributor sell the handset or open a case about it?"""
    return handset.sold_by_id == distributor.pk or handset.cases.filter(
        distributor=distributor).exists()


class ImeiApi(APIView):
    """Check an IMEI and name its model from the TAC."""

    permission_classes = [IsDistributorOrStaff]

    @extend_schema(responses={200: dict})
    def get(self, request, imei):
        return Response(identify_imei(imei).as_dict())


class CustomerSearchApi(APIView):
    """Customers matching a phone number, IMEI or name (hotline staff only), a page at a time,
    bounded like the console's search page (`selectors.search_page`): how many match is
    `count` when known exactly, else `more_than`; a name that matches more than 200 customers
    has only its first page."""

    permission_classes = [HasCapability]
    capability = WORK_CASES

    @extend_schema(parameters=[CustomerSearchInputSerializer],
                   responses={200: CustomerSearchOutputSerializer})
    def get(self, request):
        params = CustomerSearchInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = params.validated_data["page"]
        found = selectors.search_page(query=params.validated_data["q"], page=page)
        data = {
            "kind": found["kind"],
            "count": None if found["more_than"] is not None else found["count"],
            "more_than": found["more_than"],
            "next": self._page_link(request, page + 1) if found["has_next"] else None,
            "previous": self._page_link(request, page - 1) if page > 1 else None,
            "results": CustomerOutputSerializer(found["customers"], many=True).data,
        }
        return Response(data)

    @staticmethod
    def _page_link(request, number: int) -> str:
        return replace_query_param(request.build_absolute_uri(), "page", number)
