"""The console's shell: where each role lands, and the styled error pages."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from hotline.error_pages import server_error
from hotline.tests.factories import UserFactory, make_distributor_user

pytestmark = pytest.mark.django_db


def _user(role):
    if role == "admin":
        return UserFactory(username="root", is_superuser=True, is_staff=True)
    if role == "distributor":
        return make_distributor_user()
    if role == "distributor-admin":
        user = make_distributor_user()
        user.user_permissions.add(Permission.objects.get(
            codename="manage_own_access", content_type__app_label="partners"))
        return user
    return UserFactory(roles=[role], is_staff=role == "supervisor")


@pytest.mark.parametrize(("role", "home"), [
    ("operator", "/console/"),
    ("supervisor", "/console/"),
    ("qa", "/quality/"),
    ("technician", "/exchanges/visits/day/"),
    ("distributor", "/partners/"),
    ("distributor-admin", "/partners/"),
    ("service_point", "/repairs/counter/"),
    ("admin", "/console/"),
])
def test_each_role_lands_on_its_own_home_and_never_on_a_403(client, role, home):
    client.force_login(_user(role))

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0] == home
    assert "error-page" not in response.content.decode()


def test_logging_in_from_the_login_page_lands_on_the_role_home(client):
    UserFactory(username="quinn", roles=["qa"])

    response = client.post(reverse("login"), {"username": "quinn", "password": "pw"},
                           follow=True)

    assert response.status_code == 200
    assert [url for url, _status in response.redirect_chain] == ["/", "/quality/"]


def test_a_user_without_a_role_is_told_so_instead_of_refused(client):
    client.force_login(UserFactory(username="newcomer"))

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert 'data-testid="no-role"' in response.content.decode()


@override_settings(DEBUG=False)
def test_a_refused_console_page_is_the_styled_403_with_the_menu_and_the_logout(client):
    client.force_login(UserFactory(roles=["qa"]))

    response = client.get(reverse("console:home"))

    body = response.content.decode()
    assert response.status_code == 403
    assert 'data-status="403"' in body
    assert 'class="mainnav"' in body and reverse("quality:home") in body
    assert reverse("logout") in body
    assert 'data-testid="error-back"' in body


@override_settings(DEBUG=False)
def test_the_403_page_speaks_the_users_language(client):
    client.force_login(UserFactory(roles=["qa"]))
    client.cookies["django_language"] = "fr"

    body = client.get(reverse("console:home")).content.decode()

    assert '<html lang="fr">' in body
    assert "Accès refusé" in body and "Retour à votre page d’accueil" in body


def test_a_bad_customer_link_is_explained_in_french_to_a_french_browser(client, settings):
    settings.DEBUG = True

    body = client.get("/exchanges/quotes/not-a-real-token/",
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Page introuvable" in body and "Retrouver votre dossier" in body


@override_settings(DEBUG=False)
def test_an_unknown_console_address_is_the_styled_404_with_the_menu(operator_client):
    response = operator_client.get("/console/no-such-page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-status="404"' in body
    assert 'class="mainnav"' in body
    assert "Using the URLconf" not in body


@pytest.mark.parametrize("path", [
    "/exchanges/quotes/not-a-real-token/",
    "/exchanges/quotes/not-a-real-token/pdf/",
    "/track/not-a-real-token/",
    "/payments/sandbox/nothing-here/",
    "/exchanges/quotes/a/b/c/d/",  # matches no URL at all
])
@pytest.mark.parametrize("debug", [True, False])
def test_a_bad_customer_link_is_the_plain_styled_404_even_under_debug(client, settings,
                                                                      path, debug):
    settings.DEBUG = debug

    response = client.get(path)

    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-status="404"' in body
    assert "URLconf" not in body and "DEBUG = True" not in body
    assert 'class="mainnav"' not in body
    assert f'href="{reverse("selfservice:lookup")}"' in body


def test_under_debug_the_console_keeps_djangos_technical_404(operator_client, settings):
    settings.DEBUG = True

    response = operator_client.get("/console/no-such-page/")

    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def test_the_500_page_is_styled_with_the_menu(rf, operator):
    request = rf.get("/console/")
    request.user = operator

    response = server_error(request)

    body = response.content.decode()
    assert response.status_code == 500
    assert 'data-status="500"' in body
    assert 'class="mainnav"' in body


def test_the_500_page_falls_back_to_a_bare_page_when_rendering_fails(rf, monkeypatch):
    request = rf.get("/console/")
    monkeypatch.setattr("hotline.error_pages.render",
                        lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("db down")))

    response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_view_that_crashes_gets_the_styled_500(client, operator, monkeypatch):
    client.raise_request_exception = False
    client.force_login(operator)
    monkeypatch.setattr("hotline.views.selectors.case_list",
                        lambda **kwargs: (_ for _ in ()).throw(RuntimeError("boom")))

    response = client.get(reverse("console:home"))

    assert response.status_code == 500
    assert 'data-status="500"' in response.content.decode()


def test_a_refusal_message_is_shown_on_the_403(rf, operator):
    from hotline.error_pages import permission_denied

    request = rf.get("/console/")
    request.user = operator

    response = permission_denied(request, PermissionDenied("Only supervisors may do this."))

    assert "Only supervisors may do this." in response.content.decode()


def _menu(client, user):
    client.force_login(user)
    return client.get(reverse("landing"), follow=True).context["nav_menu"]


def test_the_supervisors_menu_is_a_few_groups_with_every_entry_inside(client):
    menu = _menu(client, UserFactory(roles=["supervisor"], is_staff=True))

    groups = {entry["key"]: [item["url_name"] for item in entry["items"]] for entry in menu}
    assert list(groups) == ["console:home", "cases", "calls", "logistics", "quality", "admin"]
    assert groups["calls"] == ["calls:screen_pop", "calls:wallboard", "calls:report",
                               "calls:planner"]
    assert "carriers:shipment_list" in groups["logistics"]
    assert groups["admin"][-1] == "admin:index"


def test_a_group_with_one_entry_for_this_user_is_a_plain_link(client):
    client.force_login(UserFactory(roles=["technician"]))

    body = client.get("/", follow=True).content.decode()

    assert "<details" not in body
    assert 'data-nav="exchanges:visit_day" aria-current="page"' in body


def test_the_group_of_the_current_page_is_marked(client):
    client.force_login(UserFactory(roles=["supervisor"]))

    body = client.get(reverse("calls:wallboard")).content.decode()

    assert 'data-navgroup="calls">\n        <summary class="current">' in body


def test_an_entry_reachable_by_two_capabilities_is_listed_once(client):
    menu = _menu(client, UserFactory(username="root", is_superuser=True, is_staff=True))

    urls = [item["url"] for entry in menu for item in entry["items"]]
    assert len(urls) == len(set(urls))


def test_every_page_links_the_favicon_and_favicon_ico_redirects_to_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url.endswith("hotline/favicon.svg")
    assert f'rel="icon" href="{response.url}"' in client.get(reverse("login")).content.decode()
