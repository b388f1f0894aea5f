import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from carriers.tests.factories import ShipmentFactory as CarrierShipmentFactory
from diagnostics.models import FaultCode
from exchanges.models import ReplacementUnit, ServicePrice, Technician
from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetFactory


def fault(code: str) -> FaultCode:
    """Return a fault code of the shipped catalogue (load it with the `fault_codes` fixture)."""
    return FaultCode.objects.get(code=code)


class ServicePriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePrice
        django_get_or_create = ["outcome", "category", "model"]

    outcome = "swap"
    category = ""
    model = None
    description = "Replacement handset (out of warranty)"
    amount = Decimal("149.00")
    currency = "EUR"


class ReplacementUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplacementUnit

    model = factory.SubFactory("hotline.tests.factories.HandsetModelFactory")
    variant = None


class TechnicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technician

    name = factory.Sequence(lambda n: f"Technician {n}")
    country = "FR"
    postcode_prefixes = factory.LazyFunction(lambda: ["75"])
    families = factory.LazyFunction(list)


def diagnosing_case(*, days_since_purchase: int | None = 100, language: str = "fr", stock: int = 1,
                    technician: bool = False, status: str = "diagnosing", **case_kwargs):
    """A diagnosing case about a handset bought `days_since_purchase` ago (None: unknown)."""
    customer = CustomerFactory(language=language)
    purchase = (datetime.date.today() - datetime.timedelta(days=days_since_purchase)
                if days_since_purchase is not None else None)
    handset = HandsetFactory(owner=customer, purchase_date=purchase)
    for _index in range(stock):
        ReplacementUnitFactory(model=handset.model)
    if technician:
        TechnicianFactory(postcode_prefixes=["75"])
    return CaseFactory(customer=customer, handset=handset, status=status, **case_kwargs)


def booked_visit(*, technician, start, status="scheduled"):
    """A visit already holding `technician`'s slot at `start`."""
    from diagnostics.models import FaultCode
    from exchanges.models import Decision, Visit

    fault_code, _created = FaultCode.objects.get_or_create(
        code="TST-01", defaults={"category": "battery", "description_en": "Test",
                                 "description_fr": "Test", "usual_action": "visit"})
    case = CaseFactory(status="in_service")
    decision = Decision.objects.create(case=case, fault_code=fault_code,
                                       recommended_action="visit", proposed_outcome="visit",
                                       status="confirmed", outcome="visit")
    return Visit.objects.create(
        case=case, decision=decision, fault_code=fault_code, status=status,
        technician=technician, slot_start=start, slot_end=start + datetime.timedelta(hours=2),
        street="1 rue Test", postcode="75002", city="Paris", country="FR")


# --- swaps -----------------------------------------------------------------------------------
_unit_serial = iter(range(500000, 999999))


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exchanges.Warehouse"
        django_get_or_create = ["code"]

    code = "PAR"
    name = "Paris main"
    street = "14 rue des Entrepôts"
    postcode = "93200"
    city = "Saint-Denis"
    country = "FR"
    cutoff = datetime.time(17, 0)


def unit_imei(model) -> str:
    from hotline.tests.factories import TacFactory
    from hotline.validators import imei_with_check_digit

    return imei_with_check_digit(TacFactory(model=model).tac + f"{next(_unit_serial):06d}")


class StockUnitFactory(ReplacementUnitFactory):
    """A unit with an IMEI in a warehouse."""

    warehouse = factory.SubFactory(WarehouseFactory)
    imei = factory.LazyAttribute(lambda o: unit_imei(o.model))


def swap_case(*, stock: int = 1, warehouse=None, variant=None):
    """An in-service case whose confirmed decision is a free swap, with `stock` like-for-like
    units in `warehouse` (PAR by default). Return (case, decision)."""
    from django.utils import timezone

    from exchanges.models import Decision
    from hotline.tests.factories import ModelVariantFactory, UserFactory

    customer = CustomerFactory(language="en")
    handset = HandsetFactory(owner=customer, purchase_date=datetime.date(2026, 6, 1))
    if variant is None:
        variant = ModelVariantFactory(model=handset.model)
    handset.variant = variant
    handset.save(update_fields=["variant"])
    warehouse = warehouse or WarehouseFactory()
    for _index in range(stock):
        StockUnitFactory(model=handset.model, variant=variant, warehouse=warehouse)
    case = CaseFactory(customer=customer, handset=handset, status="in_service")
    decision = Decision.objects.create(
        case=case, fault_code=fault("BAT-01"), recommended_action="swap",
        proposed_outcome="swap", status="confirmed", outcome="swap",
        decided_by=UserFactory(roles=["operator"]), decided_at=timezone.now())
    return case, decision


# --- service orders in a given state, without running the whole flow ---------------------------
def own_fault_code() -> FaultCode:
    """A fault code of its own (no catalogue needed)."""
    fault_code, _created = FaultCode.objects.get_or_create(
        code="TST-01", defaults={"category": "battery", "description_en": "Test",
                                 "description_fr": "Test", "usual_action": "swap"})
    return fault_code


def confirmed_decision(case, outcome: str = "swap"):
    from exchanges.models import Decision
    from hotline.tests.factories import UserFactory

    return Decision.objects.create(case=case, fault_code=own_fault_code(),
                                   recommended_action=outcome, proposed_outcome=outcome,
                                   status="confirmed", outcome=outcome,
                                   decided_by=UserFactory(roles=["operator"]),
                                   decided_at=timezone.now())


class _ServiceOrderFactory(factory.django.DjangoModelFactory):
    case = factory.SubFactory(CaseFactory, status="in_service")
    fault_code = factory.LazyAttribute(lambda o: o.decision.fault_code)
    street = "1 rue Test"
    postcode = "75002"
    city = "Paris"
    country = "FR"
    decided_at = factory.LazyFunction(timezone.now)


class SwapFactory(_ServiceOrderFactory):
    """A swap in the state asked for (`status=`), with its case and decision; pass `unit=`,
    `warehouse=`, `outbound=` ... for the stage under test."""

    class Meta:
        model = "exchanges.Swap"

    decision = factory.LazyAttribute(lambda o: confirmed_decision(o.case, "swap"))
    model = factory.LazyAttribute(lambda o: o.case.handset.model)
    original_handset = factory.LazyAttribute(lambda o: o.case.handset)
    status = "requested"


class VisitFactory(_ServiceOrderFactory):
    """A visit in the state asked for (`status=`); a booked one gets a technician and a slot."""

    class Meta:
        model = "exchanges.Visit"

    decision = factory.LazyAttribute(lambda o: confirmed_decision(o.case, "visit"))
    status = "requested"
    technician = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status not in ("requested", "cancelled")),
        yes_declaration=factory.SubFactory(TechnicianFactory), no_declaration=None)
    slot_start = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status not in ("requested", "cancelled")),
        # The current hour: today (site time) at any time of day, so its steps are offered.
        yes_declaration=factory.LazyFunction(
            lambda: timezone.localtime().replace(minute=0, second=0, microsecond=0)),
        no_declaration=None)
    slot_end = factory.LazyAttribute(
        lambda o: o.slot_start + datetime.timedelta(hours=2) if o.slot_start else None)


ShipmentFactory = CarrierShipmentFactory
