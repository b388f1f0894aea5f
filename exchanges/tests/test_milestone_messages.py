"""One message per milestone: confirming an outcome (a swap booked, a visit, a referral, a
quote, advice) sends the customer one e-mail and one SMS, not one per step taken inside."""

from collections import Counter

import pytest

from diagnostics.selectors import Recommendation
from exchanges.decisions.services import decision_confirm, decision_propose
from exchanges.tests.factories import diagnosing_case, fault
from hotline.models import Notification

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")


def _confirmed(operator, run, *, code="BAT-01", action="swap", preference="", **case_kwargs):
    case = diagnosing_case(**case_kwargs)
    decision = decision_propose(case=case, actor=operator, preference=preference,
                                recommendation=Recommendation(fault_code=fault(code),
                                                              action=action))
    before = set(Notification.objects.filter(case=case).values_list("pk", flat=True))
    run(decision_confirm, decision=decision, actor=operator)
    sent = Notification.objects.filter(case=case).exclude(pk__in=before)
    return case, sent


@pytest.mark.parametrize(("kwargs", "template"), [
    ({"stock": 1}, "swap_booked"),
    ({"stock": 0, "technician": True, "preference": "visit"}, None),
    ({"stock": 0, "technician": False}, None),
    ({"days_since_purchase": 1000}, "quote"),
    ({"code": "BAT-02", "action": "advice"}, "outcome_advice"),
], ids=["swap", "visit", "referral", "quote", "advice"])
def test_an_outcome_tells_the_customer_once_per_channel(operator, run, kwargs, template):
    _case, sent = _confirmed(operator, run, **kwargs)

    per_channel = Counter(sent.values_list("channel", flat=True))
    assert per_channel == Counter({"email": 1, "sms": 1}), list(
        sent.values_list("template", "channel"))
    if template:
        assert set(sent.values_list("template", flat=True)) == {template}


def test_booking_a_swap_sends_one_email_and_one_sms_in_the_customers_language(operator, run):
    from hotline.notifications import notification_render

    case, sent = _confirmed(operator, run, stock=1, language="fr")

    sms = notification_render(notification=sent.get(channel="sms"))["body"]
    assert "/track/" in sms  # the customer's tracking page
    assert "livré avant le" in sms
    email = notification_render(notification=sent.get(channel="email"))
    assert "Suivez le colis" in email["body"]
