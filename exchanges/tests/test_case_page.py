"""The case page tells the truth, once: the actions shown are the ones allowed now, each form
is labelled, one warranty answer, names and reasons in the reader's language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from exchanges.tests.factories import diagnosing_case
from hotline.models import CaseStatus
from hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")


@pytest.fixture(autouse=True)
def _english_after():
    """The French pages asked for here leave no French behind for the next tests."""
    yield
    translation.activate("en")


def _page(client, case, language="en"):
    return client.get(reverse("console:case_detail", args=[case.number]),
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.parametrize("status", ["advised", "declined", "resolved", "closed", "cancelled"])
def test_a_settled_case_offers_no_cancel(operator_client, status):
    case = CaseFactory(status=status)

    page = _page(operator_client, case)

    assert reverse("console:case_cancel", args=[case.number]) not in page
    assert "Cancel the case" not in page


@pytest.mark.parametrize("status", ["open", "diagnosing", "awaiting_consent", "referred"])
def test_a_case_still_at_work_offers_cancel(operator_client, status):
    case = CaseFactory(status=status)

    page = _page(operator_client, case)

    assert reverse("console:case_cancel", args=[case.number]) in page


def test_an_advised_case_has_no_swap_panel(operator_client):
    case = diagnosing_case(stock=2, status=CaseStatus.ADVISED)

    page = _page(operator_client, case)

    assert reverse("exchanges:swap_options", args=[case.number]) not in page


def test_a_diagnosing_case_offers_the_swap_options(operator_client):
    case = diagnosing_case(stock=2)

    page = _page(operator_client, case)

    assert reverse("exchanges:swap_options", args=[case.number]) in page


def test_the_manual_diagnosis_is_open_only_before_any_diagnosis(operator_client):
    case = diagnosing_case(stock=1)
    before = _page(operator_client, case)

    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})
    after = _page(operator_client, case)

    assert re.search(r'data-testid="manual-diagnosis" open', before)
    assert 'data-testid="manual-diagnosis">' in after
    assert 'data-testid="propose-form"' in after and 'data-testid="propose-form"' not in before


def test_every_preference_select_has_its_own_label(operator_client):
    case = diagnosing_case(stock=1)
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})

    page = _page(operator_client, case)

    selects = re.findall(r'<select name="(\w+-preference)"[^>]*id="([^"]+)"', page)
    labels = re.findall(r'<label for="(id_\w+-preference)">([^<]+)</label>', page)
    assert len(selects) == 2
    assert {element_id for _name, element_id in selects} == {for_id for for_id, _text in labels}
    assert len({text for _for_id, text in labels}) == 2


def test_an_out_of_warranty_handset_is_out_of_warranty_on_the_decision_and_in_french(
        operator_client):
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})

    english, french = _page(operator_client, case), _page(operator_client, case, "fr")

    assert re.search(r'data-testid="decision-warranty">The warranty ended on', english)
    assert re.search(r'data-testid="decision-warranty">La garantie a pris fin le', french)
    assert "Paid by the customer: a written quote" in english
    assert "Paid by the customer" not in french and "Free of charge" not in french


def test_the_timeline_names_events_humanly_in_each_language(operator_client):
    case = diagnosing_case(stock=1)
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})

    english, french = _page(operator_client, case), _page(operator_client, case, "fr")

    assert 'data-testid="event-name">Diagnosis recorded<' in english
    assert 'data-testid="event-name">Diagnostic enregistré<' in french
    assert 'data-testid="event-name">diagnosis_recorded<' not in english
