import pytest
from django.db import IntegrityError

from diagnostics.models import FaultCode
from diagnostics.reference import fault_codes_load

pytestmark = pytest.mark.django_db


def test_the_catalogue_loads_every_category_and_reloads_without_duplicates():
    count = fault_codes_load()
    fault_codes_load()

    assert FaultCode.objects.count() == count
    assert set(FaultCode.objects.values_list("category", flat=True)) == {
        "power", "battery", "display", "radio", "audio", "charging", "camera", "software",
        "liquid_damage", "physical_damage"}


def test_liquid_and_physical_damage_are_never_covered():
    fault_codes_load()

    assert not FaultCode.objects.filter(category__in=["liquid_damage", "physical_damage"],
                                        warranty_covered=True).exists()
    with pytest.raises(IntegrityError):
        FaultCode.objects.create(code="X", category="liquid_damage", description_en="x",
                                 description_fr="x", warranty_covered=True)
