"""Cases through the partner API (v1, additive): list with validated filters and a cursor,
open (idempotent, with the distributor's own reference), detail by number or reference."""

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from hotline.api.permissions import IsDistributorOrStaff, distributor_of
from hotline.api.schema import ErrorSerializer
from hotline.api.views import case_open_from_api
from hotline.models import Case
from partners import selectors
from partners.api.serializers import (
    CaseListQuerySerializer,
    CaseOpenSerializer,
    CasePublicSerializer,
)
from partners.errors import PartnerError
from partners.models import PublicCase
from partners.services.idempotency import (
    idempotency_owner,
    idempotent_begin,
    idempotent_finish,
)
from partners.services.public import public_case_open
from partners.snapshot import case_answered, case_views, stamped

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description=_("Repeat the POST with the same key and body: you get the first answer; "
                  "another body with the same key is refused (422). Kept 24 hours."))


class CaseCursor(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


class PartnerApiMixin:
    permission_classes = [IsDistributorOrStaff]
    allowed_params: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.allowed_params)
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})

    @property
    def distributor(self):
        return distributor_of(self.request.user)

    def render_case(self, case):
        return CasePublicSerializer(selectors.case_public_view(
            case, staff=self.distributor is None)).data


class CaseListCreateApi(PartnerApiMixin, generics.GenericAPIView):
    """List the cases you may see; open a case."""

    serializer_class = CasePublicSerializer
    queryset = Case.objects.none()
    pagination_class = CaseCursor
    allowed_params = frozenset(CaseListQuerySerializer().fields) | {"page_size"}

    @extend_schema(
        parameters=[CaseListQuerySerializer,
                    OpenApiParameter("page_size", int, description=_("At most 200."))],
        responses={200: CasePublicSerializer(many=True)})
    def get(self, request):
        query = CaseListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = {k: v for k, v in query.validated_data.items() if k != "cursor"}
        cases = selectors.case_list(distributor=self.distributor, cases=stamped(Case.objects.all()),
                                    **filters)
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(case_views(page, staff=self.distributor is None))

    @extend_schema(request=CaseOpenSerializer, parameters=[IDEMPOTENCY],
                   responses={201: CasePublicSerializer, 200: CasePublicSerializer,
                              409: OpenApiResponse(ErrorSerializer, description=_(
                                  "The handset has a case at work (open_case names it); a "
                                  "supervisor may send second_case.")),
                              422: OpenApiResponse(ErrorSerializer, description=_(
                                  "Business rule refused, or Idempotency-Key reused."))})
    def post(self, request):
        key = request.headers.get("Idempotency-Key")
        owner = idempotency_owner(distributor=self.distributor, user=request.user)
        if key is not None:
            stored = idempotent_begin(owner=owner, key=key, path=request.path,
                                      data=request.data)
            if stored is not None:
                response = Response(stored.response, status=stored.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
        try:
            response = self._open(request)
        except Exception:
            if key is not None:
                idempotent_finish(owner=owner, key=key, status_code=500, response=None)
            raise
        if key is not None:
            idempotent_finish(owner=owner, key=key, status_code=response.status_code,
                              response=response.data)
        return response

    def _open(self, request):
        serializer = CaseOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reference = data.pop("external_reference", None) or None
        distributor = self.distributor
        if reference and distributor is None:
            raise PartnerError(_("Only a distributor gives a case its own reference."),
                               field="external_reference")
        if reference and PublicCase.objects.filter(distributor=distributor,
                                                   external_reference=reference).exists():
            raise PartnerError(_("You already have a case with this reference."),
                               field="external_reference", code="reference_taken")
        try:
            with transaction.atomic():
                case = case_open_from_api(data=data, user=request.user, distributor=distributor)
                public_case_open(case=case, external_reference=reference)
        except IntegrityError:
            raise PartnerError(_("You already have a case with this reference."),
                               field="external_reference", code="reference_taken") from None
        return Response(self.render_case(case), status=status.HTTP_201_CREATED)


class CaseDetailApi(PartnerApiMixin, generics.GenericAPIView):
    """One case by number: public status, promise, courier and tracking, visit window,
    quote and public timeline."""

    serializer_class = CasePublicSerializer
    queryset = Case.objects.none()

    @extend_schema(responses={200: CasePublicSerializer})
    def get(self, request, number):
        distributor = self.distributor
        case = case_answered(distributor=distributor, number=number)
        if case is None:
            raise Http404
        return Response(_one(case_views([case], staff=distributor is None)))


class CaseByReferenceApi(PartnerApiMixin, generics.GenericAPIView):
    """One of your cases by your own reference (distributors only)."""

    serializer_class = CasePublicSerializer
    queryset = Case.objects.none()

    @extend_schema(responses={200: CasePublicSerializer})
    def get(self, request, reference):
        distributor = self.distributor
        if distributor is None:
            raise PartnerError(_("References belong to distributors: look the case up by "
                                 "number."), field="reference")
        case = case_answered(distributor=distributor, reference=reference)
        if case is None:
            raise Http404
        return Response(_one(case_views([case], staff=False)))


def _one(views: list[dict]) -> dict:
    if not views:  # deleted between two statements
        raise Http404
    return views[0]
