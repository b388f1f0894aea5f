import pytest
from django.urls import reverse

from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.org", "pw"))
    return client


@pytest.mark.parametrize("model", ["customer", "handset", "handsetmodel", "case", "tac",
                                   "distributor", "auditevent", "outboxmessage", "profile"])
def test_every_model_has_an_admin_list(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:hotline_{model}_changelist")).status_code == 200


def test_the_admin_finds_customers_and_cases_by_phone_in_any_format(admin_client_):
    case = CaseFactory(customer=CustomerFactory(phone="+33612345678"))
    case.handset.owner = case.customer
    case.handset.save()

    customers = admin_client_.get(reverse("admin:hotline_customer_changelist"),
                                  {"q": "06 12 34 56 78"})
    cases = admin_client_.get(reverse("admin:hotline_case_changelist"), {"q": "0612345678"})

    assert list(customers.context["cl"].result_list) == [case.customer]
    assert list(cases.context["cl"].result_list) == [case]


def test_the_admin_finds_handsets_by_imei_and_cases_by_number(admin_client_):
    case = CaseFactory()

    handsets = admin_client_.get(reverse("admin:hotline_handset_changelist"),
                                 {"q": case.handset.imei})
    cases = admin_client_.get(reverse("admin:hotline_case_changelist"), {"q": case.number})

    assert list(handsets.context["cl"].result_list) == [case.handset]
    assert list(cases.context["cl"].result_list) == [case]


def test_the_admin_refuses_a_bad_imei_on_the_field(admin_client_):
    model = HandsetModelFactory()

    response = admin_client_.post(reverse("admin:hotline_handset_add"),
                                  {"imei": "359991010000113", "model": model.pk})

    assert response.status_code == 200
    assert "check digit" in str(response.context["adminform"].form.errors["imei"])
