"""The repair order and referral state machines: every (state, transition) pair is either
allowed to the documented target (and audited through hotline.workflow) or refused."""

import itertools

import pytest

from hotline.errors import IllegalTransition
from hotline.models import AuditEvent
from hotline.workflow import transition
from repairs.models import (
    Referral,
    ReferralStatus,
    RepairKind,
    RepairOrder,
    RepairStatus,
)

R = RepairStatus
M, S = RepairKind.MAIL_IN, RepairKind.STOCK
BOTH = (M, S)
ALLOWED = {
    # transition: (kinds, sources, target)
    "receive": ((M,), [R.AWAITING_UNIT], R.RECEIVED),
    "diagnose": (BOTH, [R.RECEIVED], R.DIAGNOSING),
    "wait_for_parts": (BOTH, [R.DIAGNOSING, R.AWAITING_CONSENT, R.REPAIRING], R.WAITING_PARTS),
    "start_repair": (BOTH, [R.DIAGNOSING, R.AWAITING_CONSENT, R.WAITING_PARTS], R.REPAIRING),
    "await_consent": ((M,), [R.DIAGNOSING], R.AWAITING_CONSENT),
    "finish_repair": (BOTH, [R.REPAIRING], R.QUALITY_CHECK),
    "find_no_fault": (BOTH, [R.DIAGNOSING], R.QUALITY_CHECK),
    "fail_check": (BOTH, [R.QUALITY_CHECK], R.REPAIRING),
    "ship_back": ((M,), [R.QUALITY_CHECK, R.AWAITING_CONSENT], R.SHIPPED_BACK),
    "return_to_centre": ((M,), [R.SHIPPED_BACK], R.QUALITY_CHECK),
    "deliver": ((M,), [R.SHIPPED_BACK], R.DELIVERED),
    "close": (BOTH, [R.DELIVERED], R.CLOSED),
    "restock": ((S,), [R.QUALITY_CHECK], R.CLOSED),
    "replace": ((M,), [R.DIAGNOSING, R.WAITING_PARTS, R.REPAIRING, R.LOST], R.REPLACED),
    "retire": ((S,), [R.RECEIVED, R.DIAGNOSING, R.WAITING_PARTS, R.REPAIRING,
                      R.QUALITY_CHECK], R.RETIRED),
    "lose": ((M,), [R.AWAITING_UNIT, R.SHIPPED_BACK], R.LOST),
    "cancel": (BOTH, [R.AWAITING_UNIT], R.CANCELLED),
}
KWARGS = {"receive": {"at": None}, "ship_back": {"shipment": None}, "deliver": {"at": None},
          "restock": {"at": None}}
PAIRS = [(kind, state, name) for kind in BOTH for state in R.values for name in ALLOWED]


def test_every_transition_of_the_repair_order_is_in_the_table():
    names = {t.name for t in RepairOrder._meta.get_field("status").get_all_transitions(
        RepairOrder)}

    assert names == set(ALLOWED)


_NUMBERS = itertools.count(1)


def _order(kind, state):
    from hotline.tests.factories import CaseFactory, HandsetModelFactory
    from repairs.tests.factories import quick_fault, returned_unit

    model = HandsetModelFactory()
    extra = ({"case": CaseFactory(status="in_service")} if kind == M
             else {"unit": returned_unit(model)})
    # Numbers are at most 20 characters (PostgreSQL enforces it).
    return RepairOrder.objects.create(number=f"R-T-{next(_NUMBERS):06d}", kind=kind, model=model,
                                      imei="490154203237518", fault_code=quick_fault(), status=state,
                                      street="1 rue", postcode="75002", city="Paris",
                                      country="FR", **extra)


@pytest.mark.parametrize(("kind", "state", "name"), PAIRS)
def test_each_pair_reaches_its_target_with_an_audit_event_or_is_refused(kind, state, name, db):
    order = _order(kind, state)
    kinds, sources, target = ALLOWED[name]

    if kind in kinds and state in sources:
        transition(order, name, **KWARGS.get(name, {}))
        order.refresh_from_db()
        assert order.status == target
        assert AuditEvent.objects.filter(object_id=str(order.pk), action=name, source=state,
                                         target=target).exists()
    else:
        with pytest.raises(IllegalTransition):
            transition(order, name, **KWARGS.get(name, {}))
        order.refresh_from_db()
        assert order.status == state


RS = ReferralStatus
REFERRAL_ALLOWED = {
    "receive": ([RS.AWAITING_DROP_OFF], RS.RECEIVED),
    "repair": ([RS.RECEIVED], RS.REPAIRED),
    "give_up": ([RS.RECEIVED], RS.NOT_REPAIRED),
    "hand_back": ([RS.REPAIRED, RS.NOT_REPAIRED], RS.HANDED_BACK),
    "miss_drop_off": ([RS.AWAITING_DROP_OFF], RS.NO_SHOW),
    "cancel": ([RS.AWAITING_DROP_OFF, RS.RECEIVED], RS.CANCELLED),
}
OUTCOME = {"outcome": "repaired", "notes": "battery replaced"}
REFERRAL_KWARGS = {"repair": OUTCOME, "give_up": OUTCOME}


def test_every_transition_of_the_referral_is_in_the_table():
    names = {t.name for t in Referral._meta.get_field("status").get_all_transitions(Referral)}

    assert names == set(REFERRAL_ALLOWED)


@pytest.mark.parametrize(("state", "name"),
                         [(state, name) for state in RS.values for name in REFERRAL_ALLOWED])
def test_each_referral_pair_reaches_its_target_or_is_refused(state, name, db):
    import datetime

    from hotline.tests.factories import CaseFactory
    from repairs.tests.factories import ServicePointFactory

    referral = Referral.objects.create(reference=f"SP-T-{next(_NUMBERS):06d}",
                                       case=CaseFactory(status="referred"),
                                       service_point=ServicePointFactory(), status=state,
                                       drop_off_day=datetime.date(2026, 12, 7))
    sources, target = REFERRAL_ALLOWED[name]

    if state in sources:
        transition(referral, name, **REFERRAL_KWARGS.get(name, {}))
        referral.refresh_from_db()
        assert referral.status == target
        assert AuditEvent.objects.filter(object_id=str(referral.pk), action=name).exists()
    else:
        with pytest.raises(IllegalTransition):
            transition(referral, name, **REFERRAL_KWARGS.get(name, {}))
