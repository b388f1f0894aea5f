import re

import pytest
from playwright.sync_api import expect

from diagnostics.reference import fault_codes_load
from hotline.tests.factories import UserFactory
from quality.tests.factories import rising_batch_history
from quality.warning import alerts_scan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alert(settings):
    import datetime

    settings.QUALITY_EW_BASELINE_WEEKS, settings.QUALITY_EW_WINDOW_WEEKS = 20, 6
    fault_codes_load()
    rising_batch_history()
    return next(a for a in alerts_scan(as_of=datetime.date(2026, 11, 29)) if a.batch_id)


def test_qa_lands_on_the_alert_reads_its_evidence_acknowledges_it_and_downloads_the_report(
        page, login, alert):
    UserFactory(username="quentin", roles=["qa"])
    login("quentin")
    page.goto("/")  # the landing page sends each role to its home

    expect(page).to_have_url(re.compile(r"/quality/$"))
    expect(page.get_by_test_id("qa-alerts")).to_contain_text("alerts are open")
    page.get_by_test_id("qa-alerts").locator("tr", has_text="B2609").get_by_role("link").click()

    expect(page).to_have_url(re.compile(rf"/quality/alerts/{alert.pk}/$"))
    evidence = page.get_by_test_id("alert-evidence")
    expect(evidence).to_contain_text("week of 2 Nov")  # the first week, 2026-11-02
    expect(evidence).to_contain_text("Poisson CUSUM: signals a failure rate 3 times the baseline")
    expect(page.locator("figure.chart svg")).to_be_visible()
    page.fill("textarea[name=note]", "Asked the factory for the B2609 port supplier")
    page.get_by_test_id("acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Alert updated.")
    expect(page.get_by_test_id("alert-detail")).to_contain_text("acknowledged")

    with page.expect_download() as download:
        page.get_by_test_id("report-pdf").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith("quality-report-")
    assert open(path, "rb").read(4) == b"%PDF"
