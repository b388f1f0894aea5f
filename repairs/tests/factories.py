import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from diagnostics.models import FaultCode
from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetFactory, UserFactory
from repairs.models import Part, PartStock, ServicePoint, StockLocation


def fault(code: str = "BAT-01") -> FaultCode:
    """A fault code of the shipped catalogue (the `fault_codes` fixture loads it)."""
    return FaultCode.objects.get(code=code)


def quick_fault() -> FaultCode:
    """One fault code made on the spot (quicker than loading the catalogue)."""
    found, _created = FaultCode.objects.get_or_create(
        code="TST-01", defaults={"category": "battery", "description_en": "Test",
                                 "description_fr": "Test", "usual_action": "swap"})
    return found


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    code = factory.Sequence(lambda n: f"sp-{n}")
    name = factory.Sequence(lambda n: f"Repair shop {n}")
    street = "3 rue du Test"
    postcode = "75011"
    city = "Paris"
    country = "FR"
    opening_hours = factory.LazyFunction(
        lambda: {str(day): [["09:00", "18:00"]] for day in range(6)})
    postcodes = factory.LazyFunction(lambda: ["75"])
    daily_capacity = 5


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLocation
        django_get_or_create = ["code"]

    code = "centre"
    name = "Repair centre stores"
    is_repair_centre = True


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        skip_postgeneration_save = True

    part_number = factory.Sequence(lambda n: f"BAT-{n:04d}")
    description = "Battery"
    component = "battery"
    cost = Decimal("12.50")

    @factory.post_generation
    def fits(self, create, extracted, **kwargs):
        for model in extracted or ():
            self.handset_models.add(model)


def stocked_part(model, *, on_hand: int, reorder_point: int = 1, location=None) -> Part:
    part = PartFactory(fits=[model])
    PartStock.objects.create(part=part, location=location or LocationFactory(),
                             on_hand=on_hand, reorder_point=reorder_point)
    return part


def repair_case(*, language: str = "en", status: str = "in_service", paid: bool = False):
    """An in-service case whose confirmed decision is a mail-in repair. Return (case, decision)."""
    from exchanges.models import Decision

    customer = CustomerFactory(language=language)
    handset = HandsetFactory(owner=customer, purchase_date=datetime.date(2026, 6, 1))
    case = CaseFactory(customer=customer, handset=handset, status=status)
    decision = Decision.objects.create(
        case=case, fault_code=fault("BAT-01"), recommended_action="repair",
        proposed_outcome="repair", status="confirmed", outcome="repair", paid=paid,
        decided_by=UserFactory(roles=["operator"]), decided_at=timezone.now())
    return case, decision


def returned_unit(model=None, *, imei=None):
    """A returned swap unit in repair stock (status returned), with an IMEI."""
    from exchanges.tests.factories import StockUnitFactory

    kwargs = {"status": "returned", "location": "repair", "grade": "refurbished"}
    if model is not None:
        kwargs["model"] = model
    if imei is not None:
        kwargs["imei"] = imei
    return StockUnitFactory(**kwargs)
