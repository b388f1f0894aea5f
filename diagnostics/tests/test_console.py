"""Console pages: the case panel, the run console (HTMX and plain posts), the QA pages."""

import pytest
from django.urls import reverse

from diagnostics.models import ScriptRun
from diagnostics.services import run_answer
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_case_page_offers_the_applicable_scripts(operator_client, sample, case):
    response = operator_client.get(reverse("console:case_detail", args=[case.number]))

    assert response.status_code == 200
    assert b'data-testid="start-sample"' in response.content


def test_the_case_page_offers_to_resume_a_run_in_progress(operator_client, run):
    response = operator_client.get(reverse("console:case_detail", args=[run.case.number]))

    assert b'data-testid="resume-run"' in response.content
    assert b'data-testid="start-sample"' not in response.content


def test_the_case_page_shows_the_recommendation(operator_client, run, operator):
    run_answer(run=run, step=0, answer="swollen", actor=operator)

    response = operator_client.get(reverse("console:case_detail", args=[run.case.number]))

    assert b'data-testid="recommendation"' in response.content
    assert b"BAT-03" in response.content


def test_starting_from_the_case_page_opens_the_run(operator_client, sample, case):
    response = operator_client.post(reverse("diagnostics:run_start", args=[case.number]),
                                    {"version": sample.pk})

    run = ScriptRun.objects.get()
    assert response.url == reverse("diagnostics:run", args=[run.pk])


def test_the_run_page_shows_the_current_step(operator_client, run):
    response = operator_client.get(reverse("diagnostics:run", args=[run.pk]))

    assert b"Is it swollen?" in response.content
    assert b'name="step" value="0"' in response.content


def test_a_plain_form_answer_redirects_to_the_run(operator_client, run):
    response = operator_client.post(reverse("diagnostics:run_answer", args=[run.pk]),
                                    {"step": 0, "answer": "flat"})

    assert response.url == reverse("diagnostics:run", args=[run.pk])
    run.refresh_from_db()
    assert run.current_node == "m_health"


def test_an_htmx_answer_returns_the_console_fragment(operator_client, run):
    response = operator_client.post(reverse("diagnostics:run_answer", args=[run.pk]),
                                    {"step": 0, "answer": "flat"}, headers={"HX-Request": "true"})

    assert response.content.lstrip().startswith(b'<section class="card run-console"')
    assert b"Battery health?" in response.content


def test_a_stale_answer_shows_the_error_and_the_current_step(operator_client, run, operator):
    run_answer(run=run, step=0, answer="flat", actor=operator)

    response = operator_client.post(reverse("diagnostics:run_answer", args=[run.pk]),
                                    {"step": 0, "answer": "swollen"},
                                    headers={"HX-Request": "true"})

    assert b'data-testid="run-error"' in response.content
    assert b"someone else answered first" in response.content
    assert b"Battery health?" in response.content


def test_a_plain_form_abandon_needs_a_reason(operator_client, run):
    response = operator_client.post(reverse("diagnostics:run_abandon", args=[run.pk]),
                                    {"reason": ""}, follow=True)

    assert b"This field is required" in response.content
    run.refresh_from_db()
    assert run.status == "in_progress"


def test_the_scripts_page_is_for_qa_and_supervisors(client, sample):
    client.force_login(UserFactory(roles=["qa"]))

    response = client.get(reverse("diagnostics:scripts"))

    assert response.status_code == 200
    assert b"Sample" in response.content


def test_the_scripts_page_names_the_symptom_not_its_code(client, sample):
    client.force_login(UserFactory(roles=["qa"]))

    response = client.get(reverse("diagnostics:scripts"))

    assert "<td>battery drains fast</td>" in response.text
    assert "<td>battery_drain</td>" not in response.text


def test_operators_do_not_see_the_scripts_page(operator_client, sample):
    response = operator_client.get(reverse("diagnostics:scripts"))

    assert response.status_code == 403


def test_the_script_version_page_draws_charts(client, run, operator):
    run_answer(run=run, step=0, answer="swollen", actor=operator)
    client.force_login(UserFactory(roles=["supervisor"]))

    response = client.get(reverse("diagnostics:script_version", args=[run.version.pk]))

    assert response.content.count(b'<svg class="chart"') == 2
    assert b"BAT-03" in response.content


def test_the_nav_shows_scripts_to_qa(client):
    client.force_login(UserFactory(roles=["qa"]))

    response = client.get(reverse("diagnostics:scripts"))

    assert b'data-nav="diagnostics:scripts"' in response.content


def test_the_run_page_speaks_french(operator_client, run):
    operator_client.cookies["django_language"] = "fr"

    response = operator_client.get(reverse("diagnostics:run", args=[run.pk]),
                                   headers={"Accept-Language": "fr"})

    assert "Est-elle gonflée ?".encode() in response.content
    assert "Étape 1".encode() in response.content


def test_the_run_page_query_count_does_not_grow_with_the_path(operator_client, run, operator,
                                                              django_assert_max_num_queries):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)
    run_answer(run=run, step=1, value="90", actor=operator)

    with django_assert_max_num_queries(8):
        operator_client.get(reverse("diagnostics:run", args=[run.pk]))


def test_the_case_page_panel_stays_cheap(operator_client, run, django_assert_max_num_queries):
    # The case page is every app's panels together (diagnosis, decision, quote, swap, visit,
    # shipments, calls, notifications): a query or two each, none per step or event. (23: the
    # decision panel asks whether a script ran, to fold the manual diagnosis away; +3: the
    # service records' guards of the case's buttons read the open swaps, repair orders and
    # referrals once for the page, hotline.case_guards.one_listing.)
    with django_assert_max_num_queries(26):
        operator_client.get(reverse("console:case_detail", args=[run.case.number]))


def test_the_run_result_gives_the_one_warranty_answer_of_an_old_handset(
        operator_client, run, operator):
    import datetime
    import re

    run.case.handset.purchase_date = datetime.date(2020, 1, 15)
    run.case.handset.save(update_fields=["purchase_date"])
    run_answer(run=run, step=0, answer="swollen", actor=operator)

    page = operator_client.get(reverse("diagnostics:run", args=[run.pk])).content.decode()

    warranty = re.search(r'data-testid="result-warranty">([^<]*)<', page).group(1)
    assert "under warranty" not in warranty.lower()
    assert "out of warranty" in warranty or "fault not covered" in warranty
    assert "Covered by warranty" not in page
