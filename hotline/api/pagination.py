"""Pagination of the API's lists that keeps the body a plain JSON list.

The page is chosen with `?page=N` (and `?page_size=`, up to 200); the response says the rest in
headers, as GitHub's API does: `Link` (`rel="next"`, `rel="prev"`, `rel="first"`, `rel="last"`)
and `X-Total-Count`. A client that read the whole list before reads its first page; nothing is
cut without saying so."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE_PARAMETERS = [OpenApiParameter("page", OpenApiTypes.INT),
                   OpenApiParameter("page_size", OpenApiTypes.INT,
                                    description="Up to 200; 50 by default.")]


class LinkHeaderPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        links = []
        if self.page.has_next():
            links.append(f'<{self.get_next_link()}>; rel="next"')
        if self.page.has_previous():
            links.append(f'<{self._page_link(self.page.previous_page_number())}>; rel="prev"')
        links.append(f'<{self._page_link(1)}>; rel="first"')
        links.append(f'<{self._page_link(self.page.paginator.num_pages)}>; rel="last"')
        headers = {"X-Total-Count": str(self.page.paginator.count), "Link": ", ".join(links)}
        return Response(data, headers=headers)

    def get_paginated_response_schema(self, schema):
        return schema

    def _page_link(self, number: int) -> str:
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, number)


def paginated(view, request, queryset, serialize) -> Response:
    """Serve `queryset` a page at a time from an APIView: `serialize(page) -> data`."""
    paginator = LinkHeaderPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serialize(page))
