import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotline.models import Case, Customer, Handset
from hotline.tests.factories import (
    CaseFactory,
    CustomerFactory,
    HandsetFactory,
    UserFactory,
    lefebvres_to_search,
)

pytestmark = pytest.mark.django_db


def nav_names(response):
    return [item["url_name"] for item in response.context["nav_items"]]


def test_the_console_needs_a_login(client):
    response = client.get(reverse("console:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_login_page_renders(client):
    assert client.get(reverse("login")).status_code == 200


def test_an_operator_sees_the_console_but_not_the_admin(operator_client):
    response = operator_client.get(reverse("console:home"))

    assert response.status_code == 200
    assert "console:home" in nav_names(response)
    assert "admin:index" not in nav_names(response)
    assert "api-docs" not in nav_names(response)


def test_a_supervisor_who_is_staff_sees_the_admin_and_the_api(client):
    user = UserFactory(roles=["supervisor"], is_staff=True)
    client.force_login(user)

    names = nav_names(client.get(reverse("console:home")))

    assert {"console:home", "admin:index", "api-docs"} <= set(names)


@pytest.mark.parametrize("role", ["qa", "technician", "distributor"])
def test_other_roles_may_not_open_the_console(client, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("console:home")).status_code == 403


def test_a_distributor_sees_only_its_partner_page_and_the_api_in_the_navigation(client):
    client.force_login(UserFactory(roles=["distributor"]))

    response = client.get(reverse("login"))

    assert nav_names(response) == ["partners:home", "api-docs"]


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78"])
def test_search_by_phone_in_any_format_finds_the_customer(operator_client, typed):
    customer = CustomerFactory(phone="+33612345678")

    response = operator_client.get(reverse("console:search"), {"q": typed})

    assert response.status_code == 302
    assert response.url == reverse("console:customer_detail", args=[customer.pk])


def test_search_by_phone_lists_every_customer_who_shares_the_number(operator_client):
    CustomerFactory(phone="+33612345678", last_name="Dupont")
    CustomerFactory(phone="+33612345678", last_name="Durand")

    response = operator_client.get(reverse("console:search"), {"q": "0612345678"})

    assert response.status_code == 200
    assert b"Dupont" in response.content and b"Durand" in response.content


def test_search_by_imei_and_by_case_number(operator_client):
    case = CaseFactory()

    by_imei = operator_client.get(reverse("console:search"), {"q": case.handset.imei})
    by_number = operator_client.get(reverse("console:search"), {"q": case.number.lower()})

    assert by_imei.url == reverse("console:customer_detail", args=[case.customer.pk])
    assert by_number.url == reverse("console:case_detail", args=[case.number])


def test_search_by_name_over_htmx_returns_the_results_fragment(operator_client):
    CustomerFactory(last_name="Lefebvre")
    CustomerFactory(last_name="Lefebvre-Roux")

    response = operator_client.get(reverse("console:search"), {"q": "lefeb"},
                                   HTTP_HX_REQUEST="true")

    assert b"<html" not in response.content
    assert response.content.count(b"Lefebvre") >= 2


def test_a_name_that_matches_many_customers_reads_one_page_of_them(operator_client):
    for n in range(55):
        CustomerFactory(last_name=f"Martin-{n:02d}")

    with CaptureQueriesContext(connection) as queries:
        response = operator_client.get(reverse("console:search"), {"q": "martin"})

    # At most NAME_CANDIDATES + 1 customers, never all of them; only the page's come back.
    selects = [q["sql"] for q in queries.captured_queries
               if 'FROM "hotline_customer"' in q["sql"]]
    assert len(selects) == 1 and "LIMIT 201" in selects[0]
    assert "ROW_NUMBER() OVER (ORDER BY last_name, first_name, id)" in selects[0]
    assert response.content.count(b"Martin-") == 50
    assert b"55 customers match: the first 50 by name are shown." in response.content


def test_a_name_that_matches_more_than_the_candidates_says_more_than(operator_client,
                                                                     monkeypatch):
    from hotline import selectors

    monkeypatch.setattr(selectors, "NAME_CANDIDATES", 8)
    monkeypatch.setattr(selectors.search_page, "__kwdefaults__",
                        {**selectors.search_page.__kwdefaults__, "cap": 8, "size": 5})
    for n in range(12):
        CustomerFactory(last_name=f"Martin-{n:02d}")

    response = operator_client.get(reverse("console:search"), {"q": "martin"})
    operator_client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    french = operator_client.get(reverse("console:search"), {"q": "martin"})

    assert response.content.count(b"Martin-") == 5
    assert b"More than 8 customers match: 5 of the first found are shown" in response.content
    assert b"Plus de 8 clients correspondent" in french.content


@pytest.mark.parametrize("kind, statements", [
    ("name", 6), ("two letters", 6), ("e-mail", 6), ("phone", 6), ("imei", 6), ("case", 4)])
def test_the_search_page_runs_a_fixed_number_of_statements(
        operator_client, django_assert_num_queries, kind, statements):
    """Every request reads the session, the user and their permissions (3), the rendered
    page the user's groups (1, not on the case's redirect). The search itself: a name, two
    letters or an e-mail 2 (at most 201 candidates, the page's phones); a phone 2
    (customers, phones); an IMEI 2 (handsets with model and owner, the owners' phones); a
    case number 1 (then the redirect to the case)."""
    _lefebvre, case = lefebvres_to_search()
    typed = {"name": "lefeb", "two letters": "li", "e-mail": "Li.Lefebvre@example.org",
             "phone": "06 12 34 56 78", "imei": case.handset.imei, "case": case.number}[kind]
    operator_client.get(reverse("console:search"), {"q": typed}, HTTP_HX_REQUEST="true")

    with django_assert_num_queries(statements):
        response = operator_client.get(reverse("console:search"), {"q": typed},
                                       HTTP_HX_REQUEST="true")

    assert response.status_code == (302 if kind == "case" else 200)
    if kind != "case":  # the customers, each with their phones
        assert b"<h2>Customers</h2>" in response.content
        assert b"+33 6 12 34 56 78" in response.content


def test_creating_a_customer_with_a_bad_phone_shows_the_field_error_and_saves_nothing(
    operator_client,
):
    response = operator_client.post(reverse("console:customer_create"), {
        "first_name": "Ana", "last_name": "Lopez", "country": "FR", "language": "fr",
        "phone": "06 12", "street": "1 rue Haute", "postcode": "75001", "city": "Paris",
    })

    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert Customer.objects.count() == 0


def test_creating_a_customer_then_a_handset_then_a_case(operator_client, catalogue):
    operator_client.post(reverse("console:customer_create"), {
        "first_name": "Ana", "last_name": "Lopez", "country": "FR", "language": "fr",
        "phone": "06 11 22 33 44", "street": "1 rue Haute", "postcode": "75001",
        "city": "Paris",
    })
    customer = Customer.objects.get()
    operator_client.post(reverse("console:handset_add", args=[customer.pk]),
                         {"imei": "35999101 000011 2"})
    handset = Handset.objects.get()

    response = operator_client.post(reverse("console:case_create", args=[customer.pk]),
                                    {"handset": handset.pk, "symptom": "screen"})

    case = Case.objects.get()
    assert handset.model.name == "N5"
    assert response.url == reverse("console:case_detail", args=[case.number])
    page = operator_client.get(response.url)
    assert case.number.encode() in page.content
    assert b"Nordline N5" in page.content


def test_a_handset_with_an_unknown_tac_asks_for_the_model_on_the_form(operator_client, catalogue):
    customer = CustomerFactory()

    response = operator_client.post(reverse("console:handset_add", args=[customer.pk]),
                                    {"imei": "490154203237518"})

    assert "pick the handset model" in str(response.context["form"].errors["model"])
    assert Handset.objects.count() == 0


def test_the_case_page_shows_the_timeline_and_cancels_with_a_reason(operator_client):
    from hotline.services import case_open  # a case opened through the service has an event

    customer = CustomerFactory()
    case = case_open(customer=customer, handset=HandsetFactory(owner=customer), symptom="audio")

    operator_client.post(reverse("console:case_cancel", args=[case.number]),
                         {"reason": "customer fixed it"})
    page = operator_client.get(reverse("console:case_detail", args=[case.number]))

    case.refresh_from_db()
    assert case.status == "cancelled"
    assert b"customer fixed it" in page.content


def test_the_case_list_paginates(operator_client):
    handset = HandsetFactory()
    for _ in range(55):
        CaseFactory(handset=handset)

    response = operator_client.get(reverse("console:case_list"))

    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 2


def test_the_console_speaks_french(operator_client):
    operator_client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    response = operator_client.get(reverse("console:home"))

    assert "Trouver l’appelant".encode() in response.content


def test_the_customer_page_query_count_does_not_grow_with_handsets(
    operator_client, django_assert_max_num_queries,
):
    customer = CustomerFactory()
    for _ in range(10):
        HandsetFactory(owner=customer)

    with django_assert_max_num_queries(14):
        operator_client.get(reverse("console:customer_detail", args=[customer.pk]))


def test_every_apps_role_permissions_exist_after_migrate(db):
    from django.contrib.auth.models import Group

    from hotline.roles import role_capabilities

    for role, wanted in role_capabilities().items():
        granted = {f"{p.content_type.app_label}.{p.codename}"
                   for p in Group.objects.get(name=role).permissions.select_related("content_type")}
        assert granted == wanted, role


def test_search_by_the_first_14_digits_of_an_imei_finds_the_handset(operator_client):
    case = CaseFactory()

    response = operator_client.get(reverse("console:search"), {"q": case.handset.imei[:14]})

    assert response.url == reverse("console:customer_detail", args=[case.customer.pk])


def test_the_imei_search_uses_the_imei_index_on_sqlite(db):
    from django.db import connection

    from hotline.selectors import search

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    handset = HandsetFactory()
    handsets = search(query=handset.imei[:14])["handsets"]

    with connection.cursor() as cursor:
        sql, params = handsets.query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "USING INDEX" in plan and "SCAN hotline_handset" not in plan


def _sqlite_plan(queryset) -> str:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def test_the_name_search_uses_the_trigram_table_on_sqlite_not_a_scan_of_customers(db):
    from hotline.selectors import search

    CustomerFactory(last_name="Lefebvre")

    plan = _sqlite_plan(search(query="lefeb")["customers"])

    assert "hotline_customer_search VIRTUAL TABLE INDEX" in plan
    assert "SCAN hotline_customer " not in plan + " "


def test_whole_names_and_e_mail_addresses_use_their_indexes_on_sqlite(db):
    from hotline.selectors import search

    CustomerFactory(last_name="Li", first_name="Wu", email="li.wu@example.org")

    short_plan = _sqlite_plan(search(query="li wu")["customers"])
    email_plan = _sqlite_plan(search(query="LI.WU@example.org")["customers"])

    assert "customer_last_name_upper" in short_plan and "customer_first_name_upper" in short_plan
    assert "customer_email_upper" in email_plan
    assert "SCAN hotline_customer " not in short_plan + " " + email_plan + " "


def test_the_phone_search_uses_the_phone_number_index_on_sqlite(db):
    from hotline.selectors import search

    CustomerFactory(phone="+33612345678")

    plan = _sqlite_plan(search(query="06 12 34 56 78")["customers"])

    assert "hotline_customerphone USING" in plan and "INDEX" in plan
    assert "SCAN hotline_customerphone" not in plan and "SCAN hotline_customer " not in plan + " "


@pytest.mark.parametrize("typed, found", [
    ("lefeb", ["Lefebvre", "Lefebvre-Roux"]),
    ("LEFEBVRE roux", ["Lefebvre-Roux"]),
    ("ana lef", ["Lefebvre"]),
    ("Lé", []),  # words under 3 letters are whole names
    ("zoé lé", ["Lévêque"]),  # with a longer word, a part again
    ("ana", ["Lefebvre"]),
    ("évêq", ["Lévêque"]),
    ("example.org", ["Lefebvre"]),
    ('ro"ux', []),
])
def test_the_name_search_finds_what_icontains_finds(db, typed, found):
    from hotline.selectors import search

    CustomerFactory(first_name="Ana", last_name="Lefebvre", email="ana@example.org")
    CustomerFactory(first_name="Marc", last_name="Lefebvre-Roux", email="")
    CustomerFactory(first_name="Zoé", last_name="Lévêque", email="")

    names = [c.last_name for c in search(query=typed)["customers"]]

    assert names == found


def test_the_name_search_follows_renames_and_deletions(db):
    from hotline.selectors import search

    renamed = CustomerFactory(last_name="Martin", email="")
    gone = CustomerFactory(last_name="Martinez", email="")

    renamed.last_name = "Bernard"
    renamed.save()
    gone.delete()

    assert list(search(query="martin")["customers"]) == []
    assert list(search(query="bernard")["customers"]) == [renamed]
