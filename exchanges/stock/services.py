"""Replacement stock: the default warehouse."""

from __future__ import annotations

from django.conf import settings

from exchanges.models import Warehouse


def warehouse_default() -> Warehouse:
    """The warehouse of HOTLINE_WAREHOUSE (code "main"): home of units not assigned to one."""
    conf = settings.HOTLINE_WAREHOUSE
    warehouse, _created = Warehouse.objects.get_or_create(code="main", defaults={
        "name": conf["company"], "street": conf["street"], "postcode": conf["postcode"],
        "city": conf["city"], "country": conf["country"], "phone": conf["phone"],
        "timezone": settings.TIME_ZONE})
    return warehouse
