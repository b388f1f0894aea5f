import pytest
from django.core.exceptions import ValidationError

from hotline import services
from hotline.errors import CaseError, IllegalTransition, StaleObject
from hotline.models import AuditEvent, Case, Customer, CustomerPhone
from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetFactory

pytestmark = pytest.mark.django_db


def test_a_customer_is_created_with_phone_in_e164_read_in_their_country():
    customer = services.customer_create(
        last_name="Peeters", country="BE", phones=["0470 12 34 56"],
        address={"street": "Rue Neuve 1", "postcode": "1000", "city": "Bruxelles"})

    assert list(customer.phones.values_list("number", flat=True)) == ["+32470123456"]
    assert customer.addresses.get().country == "BE"


def test_a_bad_phone_or_postcode_saves_nothing_and_names_the_fields():
    with pytest.raises(ValidationError) as excinfo:
        services.customer_create(
            last_name="Martin", phones=["12"],
            address={"street": "1 rue", "postcode": "750", "city": "Paris"})

    assert set(excinfo.value.message_dict) == {"phones", "address.postcode"}
    assert Customer.objects.count() == 0
    assert CustomerPhone.objects.count() == 0


def test_case_numbers_follow_the_year_and_never_repeat():
    first = services.case_number_next(year=2026)
    second = services.case_number_next(year=2026)
    other_year = services.case_number_next(year=2027)

    assert (first, second, other_year) == ("HL-2026-000001", "HL-2026-000002", "HL-2027-000001")


def test_opening_a_case_numbers_it_and_writes_the_first_event():
    handset = HandsetFactory()

    case = services.case_open(customer=handset.owner, handset=handset, symptom="screen")

    assert case.number.startswith("HL-")
    assert case.status == "open"
    assert list(case.audit_events.values_list("action", flat=True)) == ["opened"]


def test_a_case_cannot_be_opened_for_someone_elses_handset():
    handset = HandsetFactory()

    with pytest.raises(CaseError, match="another customer"):
        services.case_open(customer=CustomerFactory(), handset=handset, symptom="screen")

    assert Case.objects.count() == 0


def test_a_transition_is_saved_and_audited_with_its_actor(operator):
    case = CaseFactory()

    services.case_start_diagnosis(case=case, actor=operator)

    case.refresh_from_db()
    event = AuditEvent.objects.get(case=case, action="start_diagnosis")
    assert case.status == "diagnosing"
    assert (event.source, event.target, event.actor) == ("open", "diagnosing", operator)


def test_an_illegal_transition_names_the_state_and_what_is_allowed():
    case = CaseFactory()
    services.case_cancel(case=case, reason="customer found the charger was broken")

    with pytest.raises(IllegalTransition) as excinfo:
        services.case_start_diagnosis(case=case)

    assert "cancelled" in excinfo.value.message
    assert "allowed now: nothing" in excinfo.value.message


def test_a_stale_case_is_refused_and_left_as_the_winner_left_it():
    case = CaseFactory()
    mine, theirs = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.case_start_diagnosis(case=theirs)

    with pytest.raises(StaleObject, match="reload"):
        services.case_cancel(case=mine, reason="duplicate")

    case.refresh_from_db()
    assert case.status == "diagnosing"
    assert not AuditEvent.objects.filter(case=case, action="cancel").exists()


def test_cancelling_needs_a_reason():
    case = CaseFactory()

    with pytest.raises(CaseError, match="why"):
        services.case_cancel(case=case, reason="  ")


def test_the_status_cannot_be_assigned_directly():
    case = CaseFactory()

    with pytest.raises(AttributeError):
        case.status = "closed"


def test_a_refusal_speaks_the_operators_language():
    from django.utils import translation

    case = CaseFactory()
    services.case_cancel(case=case, reason="duplicate")

    with translation.override("fr"), pytest.raises(IllegalTransition) as excinfo:
        services.case_start_diagnosis(case=case)

    assert "possible maintenant : rien" in excinfo.value.message
