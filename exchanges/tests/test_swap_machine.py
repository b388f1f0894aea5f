"""The swap state machine: every (state, transition) pair is either allowed to the documented
target or refused; run through the workflow, a transition is saved with its audit row."""

import pytest
from django_fsm import TransitionNotAllowed

from exchanges.models import Swap, SwapStatus
from exchanges.tests.factories import SwapFactory
from hotline.errors import IllegalTransition
from hotline.models import AuditEvent
from hotline.workflow import transition

S = SwapStatus
ALLOWED = {
    # transition: (sources, target)
    "reserve": ([S.REQUESTED], S.RESERVED),
    "backorder": ([S.REQUESTED], S.BACKORDERED),
    "restock": ([S.BACKORDERED], S.RESERVED),
    "book": ([S.RESERVED, S.BOOKED, S.DELIVERY_FAILED, S.HELD_AT_DEPOT, S.RETURNED_TO_SENDER,
              S.LOST], S.BOOKED),
    "ship": ([S.BOOKED], S.IN_TRANSIT),
    "send_out": ([S.BOOKED, S.IN_TRANSIT, S.DELIVERY_FAILED, S.HELD_AT_DEPOT],
                 S.OUT_FOR_DELIVERY),
    "deliver": ([S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED,
                 S.HELD_AT_DEPOT], S.DELIVERED),
    "fail_delivery": ([S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY], S.DELIVERY_FAILED),
    "hold": ([S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED], S.HELD_AT_DEPOT),
    "return_to_sender": ([S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED,
                          S.HELD_AT_DEPOT], S.RETURNED_TO_SENDER),
    "lose": ([S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED, S.HELD_AT_DEPOT],
             S.LOST),
    "ship_return": ([S.DELIVERED, S.FAULTY_NOT_RETURNED], S.RETURN_IN_TRANSIT),
    "receive_return": ([S.DELIVERED, S.RETURN_IN_TRANSIT, S.FAULTY_NOT_RETURNED],
                       S.RETURN_RECEIVED),
    "inspect": ([S.RETURN_RECEIVED], S.INSPECTED),
    "miss_return": ([S.DELIVERED], S.FAULTY_NOT_RETURNED),
    "close": ([S.INSPECTED], S.CLOSED),
    "charge": ([S.FAULTY_NOT_RETURNED], S.CLOSED),
    "refund": ([S.LOST], S.CLOSED),
    "cancel": ([S.REQUESTED, S.RESERVED, S.BACKORDERED, S.RETURNED_TO_SENDER], S.CANCELLED),
}


class _Promise:
    deliver_by = None
    reasons = ()


KWARGS = {
    "reserve": {"unit": None, "warehouse": None, "promise": _Promise()},
    "restock": {"unit": None, "warehouse": None, "promise": _Promise()},
    "backorder": {"until": None},
    "book": {"outbound": None, "collection": None, "at": None},
    "deliver": {"at": None}, "hold": {"until": None, "location": ""},
    "receive_return": {"at": None}, "close": {"at": None},
    "charge": {"amount": None, "at": None}, "refund": {"at": None},
}
PAIRS = [(state, name) for state in S.values for name in ALLOWED]


def test_every_transition_of_the_model_is_in_the_table():
    swap = Swap()

    names = {t.name for t in swap._meta.get_field("status").get_all_transitions(Swap)}

    assert names == set(ALLOWED)


@pytest.mark.parametrize(("state", "name"), PAIRS, ids=[f"{s}-{n}" for s, n in PAIRS])
def test_a_transition_goes_to_its_target_from_its_sources_and_is_refused_elsewhere(state, name):
    swap = Swap(status=state)
    sources, target = ALLOWED[name]

    if state in sources:
        getattr(swap, name)(**KWARGS.get(name, {}))
        assert swap.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            getattr(swap, name)(**KWARGS.get(name, {}))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_a_transition_run_through_the_workflow_is_saved_with_its_audit_row(name, operator):
    sources, target = ALLOWED[name]
    swap = SwapFactory(status=sources[0])
    elsewhere = SwapFactory(status=next(state for state in S.values if state not in sources))

    transition(swap, name, actor=operator, check_permission=False, **KWARGS.get(name, {}))
    with pytest.raises(IllegalTransition):
        transition(elsewhere, name, actor=operator, check_permission=False,
                   **KWARGS.get(name, {}))

    swap.refresh_from_db()
    assert swap.status == target
    assert AuditEvent.objects.filter(object_id=str(swap.pk), action=name, source=sources[0],
                                     target=target, actor=operator).count() == 1
    assert not AuditEvent.objects.filter(object_id=str(elsewhere.pk), action=name).exists()
