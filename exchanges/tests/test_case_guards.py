"""The case's buttons are the case's allowed transitions, and those follow its service records
(hotline.case_guards): a parcel in limbo keeps its own path, so the case is not resolved (nor
cancelled) under it; the page, the API and the service read the one condition."""

import pytest
from django.urls import reverse

from exchanges.tests.factories import SwapFactory, VisitFactory
from hotline.errors import IllegalTransition
from hotline.models import CaseStatus
from hotline.services import case_cancel, case_resolve
from hotline.tests.factories import CaseFactory, UserFactory
from hotline.workflow import allowed_transitions

pytestmark = pytest.mark.usefixtures("fault_codes")

# Every open swap state: the swap has its own path to finish (docs/swaps.md).
OPEN_SWAP_STATES = ["requested", "reserved", "backordered", "booked", "in_transit",
                    "out_for_delivery", "delivered", "delivery_failed", "held_at_depot",
                    "returned_to_sender", "lost", "return_in_transit", "return_received",
                    "inspected", "faulty_not_returned"]
# Cancelling the case cancels a swap in these states; in any other, the courier or the
# customer has the replacement.
CANCELLED_WITH_THE_CASE = {"requested", "reserved", "backordered", "returned_to_sender"}


def _page(client, case) -> str:
    return client.get(reverse("console:case_detail", args=[case.number])).content.decode()


@pytest.mark.parametrize("status", OPEN_SWAP_STATES)
def test_a_case_whose_swap_is_still_open_is_not_resolved_and_offers_no_resolve(
        operator_client, status):
    swap = SwapFactory(status=status)
    case = swap.case

    assert "resolve" not in allowed_transitions(case)
    assert reverse("console:case_resolve", args=[case.number]) not in _page(operator_client, case)
    with pytest.raises(IllegalTransition, match="swap"):
        case_resolve(case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_SERVICE


def test_resolving_under_a_failed_delivery_says_which_path_is_left(operator_client):
    case = SwapFactory(status="delivery_failed").case

    response = operator_client.post(reverse("console:case_resolve", args=[case.number]),
                                    {"reason": "done"}, follow=True)

    page = response.content.decode()
    assert "delivery failed" in page and "redelivery" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_SERVICE


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_case_whose_swap_is_over_offers_resolve(operator_client, status):
    case = SwapFactory(status=status).case

    assert "resolve" in allowed_transitions(case)
    assert reverse("console:case_resolve", args=[case.number]) in _page(operator_client, case)
    case_resolve(case=case)
    assert case.status == CaseStatus.RESOLVED


@pytest.mark.parametrize("status", ["requested", "scheduled", "en_route", "on_site",
                                    "no_access"])
def test_a_case_whose_visit_is_open_offers_no_resolve(operator_client, status):
    case = VisitFactory(status=status).case

    assert reverse("console:case_resolve", args=[case.number]) not in _page(operator_client, case)
    with pytest.raises(IllegalTransition, match="visit"):
        case_resolve(case=case)


@pytest.mark.parametrize("status", OPEN_SWAP_STATES)
def test_cancel_is_offered_exactly_when_the_cancellation_goes_through(client, status):
    supervisor = UserFactory(roles=["supervisor"])
    client.force_login(supervisor)
    case = SwapFactory(status=status).case

    shown = reverse("console:case_cancel", args=[case.number]) in _page(client, case)

    assert shown == (status in CANCELLED_WITH_THE_CASE)
    if shown:
        case_cancel(case=case, reason="customer changed mind", actor=supervisor)
        assert case.status == CaseStatus.CANCELLED
    else:
        with pytest.raises(IllegalTransition, match="already"):
            case_cancel(case=case, reason="customer changed mind", actor=supervisor)


def test_a_case_with_no_service_record_left_open_may_be_resolved_by_hand():
    case = CaseFactory(status="in_service")

    assert "resolve" in allowed_transitions(case)
