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


def test_a_stored_reason_names_the_fault_in_the_readers_language():
    from django.utils import translation

    from hotline.i18n import stored_text

    fault_codes_load()
    stored = "Diagnosis BAT-01 (Battery capacity degraded below 80 %) recommends swap."

    with translation.override("fr"):
        shown = stored_text(stored)

    assert "Capacité de la batterie dégradée sous 80 %" in shown
    assert "Battery" not in shown and "recommends" not in shown


def test_a_text_that_describes_no_fault_is_left_to_the_other_translators():
    from diagnostics.names import fault_description

    fault_codes_load()

    assert fault_description("Lost in the post") is None
