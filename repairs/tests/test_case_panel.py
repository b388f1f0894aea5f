"""The case page's repairs panel: the service points proposed for a referral, then the referral."""

import pytest
from django.urls import reverse

from diagnostics.selectors import Recommendation
from exchanges.decisions.services import decision_propose
from exchanges.tests.factories import diagnosing_case, fault
from hotline.tests.factories import UserFactory
from repairs.models import Referral
from repairs.tests.factories import ServicePointFactory

pytestmark = pytest.mark.django_db


def test_the_case_page_proposes_the_service_points_and_refers_to_the_one_picked(client,
                                                                                fault_codes):
    operator = UserFactory(roles=["operator"])
    ServicePointFactory(code="far", name="Far Shop", postcode="75020")
    near = ServicePointFactory(code="near", name="Atelier Onze", postcode="75003")
    case = diagnosing_case(stock=0, language="en")
    decision_propose(case=case, actor=operator,
                     recommendation=Recommendation(fault_code=fault("NET-04"), action="referral"))
    client.force_login(operator)

    page = client.get(reverse("console:case_detail", args=[case.number]))
    client.post(reverse("repairs:case_refer", args=[case.number]),
                {"rf-service_point": near.pk, "rf-slot_start": ""})
    referred = client.get(reverse("console:case_detail", args=[case.number]))

    assert b'data-testid="point-proposals"' in page.content
    assert b'data-testid="proposal-near"' in page.content
    assert b'data-testid="proposal-far"' in page.content
    referral = Referral.objects.get(case=case)
    assert referral.service_point == near
    assert f'data-testid="referral-{referral.reference}"'.encode() in referred.content
