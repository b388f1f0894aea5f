"""The supervisor's pages in a real browser, in English and French, at 1280 and 1366 px:
no horizontal overflow, the charts drawn, French pages free of the known English strings.
Screenshots go to test-results/supervisor-*.png for review."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calls.tests.factories import make_call
from hotline.models import Profile
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [  # (name, url name, query, what must be on it)
    ("wallboard", "calls:wallboard", "", "wb-charts"),
    ("report", "calls:report", "interval=30m", "sla-charts"),
    ("report-operators", "calls:report", "group=operator", "sla-table"),
    ("planner", "calls:planner", "", "plan-chart"),
    ("staffing", "calls:staffing", "calls=100&interval=1800&aht=180&target=0.8&answer_within=20",
     "staffing-result"),
    ("swap-exceptions", "exchanges:swap_queue", "", None),
    ("returned-units", "exchanges:swap_returns", "", None),
    ("lockouts", "console:lockouts", "", None),
    ("payments", "payments:list", "", None),
    ("scripts", "diagnostics:scripts", "", None),
]
ENGLISH_IN_FRENCH = ["Service level", "Wallboard", "Calls waiting", "Offered", "Expéditeur",
                     "To (included)", "Forecast from", "Staffing plan", "per interval"]


@pytest.fixture
def supervisor_with_traffic():
    user = UserFactory(username="sophie", first_name="Sophie", last_name="Laurent",
                       roles=["supervisor"])
    operator = UserFactory(username="camille", first_name="Camille", last_name="Martin",
                           roles=["operator"])
    Profile.objects.update_or_create(user=operator, defaults={"agent_id": "Agent/1001"})
    now = timezone.now()
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now),
                                                          datetime.time(0)))
    base = max(start, now - datetime.timedelta(hours=3))
    for n in range(12):  # today so far, and the same weekday last week for the forecast
        for day in (0, 7):
            make_call(base=base - datetime.timedelta(days=day), queued=n * 600,
                      wait=5 + n * 4, talk=180, abandoned=n % 5 == 4,
                      agent="Agent/1001" if n % 2 else "Agent/1002")
    return user


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_supervisor_pages_fit_the_screen_and_show_their_charts(page, login, language,
                                                                   live_server,
                                                                   supervisor_with_traffic):
    page.set_default_navigation_timeout(30_000)  # twenty pages, some with charts, on a busy CI
    login("sophie")
    # The language cookie the console's language switch sets (whatever the top bar looks like).
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url + "/"}])
    for width in (1280, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url_name, query, testid in PAGES:
            page.goto(reverse(url_name) + (f"?{query}" if query else ""))

            expect(page.locator("html")).to_have_attribute("lang", language)
            assert page.locator("main").count() == 1, name
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if width == 1280:
                page.screenshot(path=f"test-results/supervisor-{name}-{language}.png",
                                full_page=True)
            assert overflow <= 0, f"{name} overflows by {overflow} px at {width} px ({language})"
            if testid:
                expect(page.get_by_test_id(testid)).to_be_visible()
            if testid in ("wb-charts", "sla-charts", "plan-chart"):
                chart = page.get_by_test_id(testid).locator("figure.chart svg").first
                expect(chart).to_be_visible()
                assert chart.bounding_box()["width"] > 300
            if language == "fr":
                text = page.locator("main").inner_text()
                found = [s for s in ENGLISH_IN_FRENCH if s in text]
                assert not found, f"{name}: English in the French page: {found}"


def test_the_report_shows_operators_by_name_and_readable_intervals(page, login,
                                                                   supervisor_with_traffic):
    login("sophie")

    page.goto(reverse("calls:report") + "?group=operator")
    expect(page.get_by_test_id("sla-table")).to_contain_text("Camille Martin (Agent/1001)")

    page.goto(reverse("calls:report") + "?interval=30m")
    first = page.get_by_test_id("sla-table").locator("tbody th").first
    expect(first).to_have_text(
        re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} \w{3} \d\d:\d\d–\d\d:\d\d$"))
