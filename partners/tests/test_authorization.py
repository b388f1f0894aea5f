"""Who may call what: every role, two distributors (by user and by API key) and every partner
endpoint. A distributor sees only its own (anything else is 404); a key only what its scopes
allow (403)."""

import pytest
from rest_framework.test import APIClient

from hotline.tests.factories import DistributorFactory, UserFactory, make_distributor_user
from partners.models import PublicCase, Scope
from partners.services.webhooks import subscription_create, webhook_test_send
from partners.tests.factories import api_key, case_opened_by

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "operator", "supervisor", "qa", "technician", "user_a", "user_b",
           "key_a", "key_b", "key_a_read_only"]
# (name, method, path template) -> expected status per caller
ENDPOINTS = {
    ("list", "get", "/api/v1/cases/"):
        dict(anonymous=401, operator=200, supervisor=200, qa=403, technician=403, user_a=200,
             user_b=200, key_a=200, key_b=200, key_a_read_only=200),
    ("detail of A's case", "get", "/api/v1/cases/{number}/"):
        dict(anonymous=401, operator=200, supervisor=200, qa=403, technician=403, user_a=200,
             user_b=404, key_a=200, key_b=404, key_a_read_only=200),
    ("A's reference", "get", "/api/v1/cases/by-reference/REF-A/"):
        dict(anonymous=401, operator=400, supervisor=400, qa=403, technician=403, user_a=200,
             user_b=404, key_a=200, key_b=404, key_a_read_only=200),
    ("open a case (bad body)", "post", "/api/v1/cases/"):
        dict(anonymous=401, operator=400, supervisor=400, qa=403, technician=403, user_a=400,
             user_b=400, key_a=400, key_b=400, key_a_read_only=403),
    ("webhooks", "get", "/api/v1/webhooks/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=200,
             user_b=200, key_a=200, key_b=200, key_a_read_only=403),
    ("A's webhook", "get", "/api/v1/webhooks/{hook}/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=200,
             user_b=404, key_a=200, key_b=404, key_a_read_only=403),
    ("subscribe (bad body)", "post", "/api/v1/webhooks/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=400,
             user_b=400, key_a=400, key_b=400, key_a_read_only=403),
    ("change A's webhook", "patch", "/api/v1/webhooks/{hook}/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=200,
             user_b=404, key_a=200, key_b=404, key_a_read_only=403),
    ("delete A's webhook", "delete", "/api/v1/webhooks/{hook}/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=204,
             user_b=404, key_a=204, key_b=404, key_a_read_only=403),
    ("A's webhook deliveries", "get", "/api/v1/webhooks/{hook}/deliveries/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=200,
             user_b=404, key_a=200, key_b=404, key_a_read_only=403),
    ("test A's webhook", "post", "/api/v1/webhooks/{hook}/test/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=202,
             user_b=404, key_a=202, key_b=404, key_a_read_only=403),
    ("redeliver A's delivery", "post", "/api/v1/webhook-deliveries/{delivery}/redeliver/"):
        dict(anonymous=401, operator=403, supervisor=403, qa=403, technician=403, user_a=202,
             user_b=404, key_a=202, key_b=404, key_a_read_only=403),
}


@pytest.fixture
def world(settings):
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True
    a, b = DistributorFactory(code="dist-a"), DistributorFactory(code="dist-b")
    case = case_opened_by(a)
    PublicCase.objects.create(case=case, distributor=a, external_reference="REF-A",
                              status="received")
    hook, _secret = subscription_create(distributor=a, url="http://127.0.0.1:9/hook",
                                        events=["case.status_changed"])
    delivery = webhook_test_send(subscription=hook)
    delivery.status = "failed"
    delivery.save()
    clients = {"anonymous": APIClient()}
    for role in ("operator", "supervisor", "qa", "technician"):
        clients[role] = APIClient()
        clients[role].force_authenticate(UserFactory(roles=[role]))
    for name, distributor in (("user_a", a), ("user_b", b)):
        clients[name] = APIClient()
        clients[name].force_authenticate(make_distributor_user(distributor))
    for name, distributor, scopes in (("key_a", a, None), ("key_b", b, None),
                                      ("key_a_read_only", a, [Scope.READ_STATUS])):
        _key, secret = api_key(distributor, scopes=scopes)
        clients[name] = APIClient()
        clients[name].credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return {"clients": clients, "number": case.number, "hook": hook.pk,
            "delivery": delivery.pk}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS), ids=[e[0] for e in ENDPOINTS])
def test_each_caller_gets_what_its_role_and_distributor_allow(world, endpoint, caller,
                                                                 mocker_free_receiver):
    _name, method, template = endpoint
    path = template.format(number=world["number"], hook=world["hook"],
                           delivery=world["delivery"])

    response = getattr(world["clients"][caller], method)(path, {}, format="json")

    assert response.status_code == ENDPOINTS[endpoint][caller], response.content[:300]


@pytest.fixture
def mocker_free_receiver(respx_mock):
    """Test events and redeliveries are only queued here; nothing reaches a network."""
    respx_mock.route().respond(204)
    return respx_mock
