import re

import pytest
from playwright.sync_api import expect

from diagnostics.reference import fault_codes_load
from diagnostics.scripts.files import default_folder
from diagnostics.services import scripts_publish_files
from hotline.tests.factories import CaseFactory, HandsetFactory, HandsetModelFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def battery_case():
    fault_codes_load()
    scripts_publish_files(paths=[default_folder() / "battery-drain.yaml",
                                 default_folder() / "overheating.yaml"])
    model = HandsetModelFactory(brand="Nordline", name="N5")
    return CaseFactory(handset=HandsetFactory(model=model), symptom="battery_drain")


def test_an_operator_runs_a_script_goes_back_resumes_after_reload_and_gets_the_result(
        page, login, battery_case):
    UserFactory(username="olivia", roles=["operator"])
    login("olivia")

    page.goto(f"/console/cases/{battery_case.number}/")
    expect(page.get_by_test_id("diagnosis-panel")).to_contain_text("Battery drains fast")
    page.get_by_test_id("start-battery-drain").click()

    expect(page).to_have_url(re.compile(r"/diagnostics/runs/\d+/$"))
    expect(page.get_by_test_id("current-step")).to_contain_text("Does the back cover bulge")
    page.get_by_role("button", name="No, it is flat").click()
    expect(page.get_by_test_id("current-step")).to_contain_text("Battery health")
    page.fill("input[name=value]", "91")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("current-step")).to_contain_text("does a single app use")

    page.reload()
    expect(page.get_by_test_id("current-step")).to_contain_text("Step 3")
    expect(page.get_by_test_id("run-path")).to_contain_text("91 %")

    page.get_by_test_id("back-2").click()
    expect(page.get_by_test_id("current-step")).to_contain_text("Battery health")
    expect(page.get_by_test_id("run-path")).not_to_contain_text("91 %")
    page.fill("input[name=value]", "72")
    page.get_by_role("button", name="Record").click()

    expect(page.get_by_test_id("run-status")).to_have_text("completed")
    expect(page.get_by_test_id("result-fault")).to_contain_text("BAT-01")
    expect(page.get_by_test_id("result-action")).to_have_text("home swap")
    page.get_by_role("link", name="Back to the case").click()
    expect(page.get_by_test_id("recommendation")).to_contain_text("BAT-01")
    expect(page.get_by_test_id("case-status")).to_have_text("diagnosing")


def test_another_operator_resumes_the_run_and_a_stale_answer_is_refused(
        page, login, battery_case, _browser, live_server):
    UserFactory(username="olivia", roles=["operator"])
    UserFactory(username="hugo", roles=["operator"])
    login("olivia")
    page.goto(f"/console/cases/{battery_case.number}/")
    page.get_by_test_id("start-battery-drain").click()
    run_url = page.url

    other = _browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    other.goto("/login/")
    other.fill("input[name=username]", "hugo")
    other.fill("input[name=password]", "pw")
    other.click("button[type=submit]")
    other.goto(f"/console/cases/{battery_case.number}/")
    other.get_by_test_id("resume-run").click()
    assert other.url == run_url
    other.get_by_role("button", name="No, it is flat").click()
    expect(other.get_by_test_id("current-step")).to_contain_text("Battery health")

    page.get_by_role("button", name="Yes, it is deformed").click()

    expect(page.get_by_test_id("run-error")).to_contain_text("someone else answered first")
    expect(page.get_by_test_id("current-step")).to_contain_text("Battery health")
    other.context.close()


def test_an_operator_abandons_a_run_with_a_reason(page, login, battery_case):
    UserFactory(username="olivia", roles=["operator"])
    login("olivia")
    page.goto(f"/console/cases/{battery_case.number}/")
    page.get_by_test_id("start-battery-drain").click()

    page.get_by_text("Abandon this diagnosis").click()
    page.fill("input[name=reason]", "Customer had to hang up")
    page.get_by_role("button", name="Abandon").click()

    expect(page.get_by_test_id("run-status")).to_have_text("abandoned")
    expect(page.get_by_test_id("run-result")).to_contain_text("Customer had to hang up")
