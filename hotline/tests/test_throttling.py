"""Password guessing and token guessing are slowed down: logins lock per account and per
address (django-axes) and a supervisor can unlock; wrong API and CTI tokens earn 429s."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.test import APIClient

from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "right-password-17"


@pytest.fixture
def agent(settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(username="agent7", roles=["operator"])
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, username, password, address="10.0.0.7"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, agent):
    for _attempt in range(30):
        login(client, "agent7", "wrong")

    response = login(client, "agent7", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_another_address_too(client, agent):
    for _attempt in range(5):
        login(client, "agent7", "wrong", address="10.0.0.1")

    response = login(client, "agent7", PASSWORD, address="10.0.0.2")

    assert response.status_code == 429


def test_an_address_guessing_many_accounts_is_locked(client, agent):
    for number in range(5):
        login(client, f"nobody{number}", "wrong", address="10.0.0.9")

    response = login(client, "agent7", PASSWORD, address="10.0.0.9")

    assert response.status_code == 429


def test_a_few_mistakes_then_the_right_password_logs_in_and_clears_the_count(client, agent):
    for _attempt in range(3):
        login(client, "agent7", "wrong")

    response = login(client, "agent7", PASSWORD)

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="agent7", failures_since_start__gt=0).exists()


def test_the_lockout_page_says_what_happened(client, agent):
    for _attempt in range(5):
        login(client, "agent7", "wrong")

    page = login(client, "agent7", "wrong").content.decode()

    assert "Too many failed logins" in page and "supervisor" in page


def test_a_supervisor_sees_the_lockout_and_unlocks_it(client, agent, supervisor):
    for _attempt in range(5):
        login(client, "agent7", "wrong")
    client.force_login(supervisor)
    page = client.get(reverse("console:lockouts")).content.decode()
    attempt = AccessAttempt.objects.get(username="agent7")

    client.post(reverse("console:lockout_unlock", args=[attempt.pk]))
    client.logout()

    assert "agent7" in page and "locked" in page
    assert login(client, "agent7", PASSWORD).status_code == 302


def test_operators_cannot_unlock(client, agent, operator):
    for _attempt in range(5):
        login(client, "agent7", "wrong")
    client.force_login(operator)

    response = client.post(reverse("console:lockout_unlock",
                                   args=[AccessAttempt.objects.get().pk]))

    assert response.status_code == 403
    assert AccessAttempt.objects.exists()


def test_random_api_tokens_are_slowed_down_to_429(settings, operator):
    settings.API_AUTH_FAILURE_LIMIT = 20
    client = APIClient(REMOTE_ADDR="10.0.0.50")

    statuses = [client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token random{n:034d}").status_code
                for n in range(50)]

    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {429}


def test_a_blocked_address_does_not_block_another(settings, operator):
    settings.API_AUTH_FAILURE_LIMIT = 3
    for n in range(5):
        APIClient(REMOTE_ADDR="10.0.0.51").get("/api/v1/cases/",
                                               HTTP_AUTHORIZATION=f"Token bad{n}")
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=operator)

    response = APIClient(REMOTE_ADDR="10.0.0.52").get(
        "/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200


def test_wrong_cti_tokens_are_slowed_down_to_429(settings):
    settings.API_AUTH_FAILURE_LIMIT = 5
    settings.CALLS_CTI_TOKENS = ["the-real-one"]
    client = APIClient(REMOTE_ADDR="10.0.0.60")

    statuses = [client.post("/api/v1/cti/events/", {}, format="json",
                            HTTP_AUTHORIZATION=f"Bearer guess{n}").status_code for n in range(8)]

    assert statuses[:5] == [403] * 5
    assert set(statuses[5:]) == {429}
