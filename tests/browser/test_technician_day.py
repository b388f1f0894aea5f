"""The technician's day on a phone (390x844), in English and French: the day sheet with the
map link, on the way, arrived, the customer's signature drawn on the screen, the report sent
and downloadable. Screenshots go to test-results/technician/ (git-ignored) for review."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exchanges.models import Visit
from exchanges.tests.factories import TechnicianFactory, booked_visit
from hotline.models import Case
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-results/technician")
WORDS = {"en": {"title": "My visits", "done": "completed"},
         "fr": {"title": "Mes interventions", "done": "termin"}}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _sign(page, canvas) -> None:
    """Draw a signature with the pointer: three strokes across the pad."""
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    for start, points in (((0.1, 0.7), [(0.25, 0.2), (0.4, 0.75), (0.55, 0.3)]),
                          ((0.6, 0.6), [(0.75, 0.25), (0.9, 0.65)]),
                          ((0.15, 0.85), [(0.85, 0.85)])):
        page.mouse.move(x + w * start[0], y + h * start[1])
        page.mouse.down()
        for px, py in points:
            page.mouse.move(x + w * px, y + h * py, steps=8)
        page.mouse.up()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_technician_works_a_visit_from_a_phone_and_the_customer_signs_on_screen(
        _browser, live_server, language):
    SHOTS.mkdir(parents=True, exist_ok=True)
    technician = TechnicianFactory(
        name="Thomas Petit", postcode_prefixes=["75"],
        working_hours={str(day): ["00:00", "23:59"] for day in range(7)},
        user=UserFactory(username="thomas", roles=["technician"]))
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    visit = booked_visit(technician=technician, start=start)
    phone = _browser.new_context(base_url=live_server.url, locale=f"{language}-FR",
                                 viewport={"width": 390, "height": 844}, is_mobile=True,
                                 has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(20_000)  # the machine may be shared with other test runs
    page.goto("/login/")
    page.fill("input[name=username]", "thomas")
    page.fill("input[name=password]", "pw")
    with page.expect_navigation():
        page.click("button[type=submit]")

    page.goto("/exchanges/visits/day/")
    card = page.get_by_test_id(f"visit-{visit.pk}")
    expect(page.locator("h1")).to_contain_text(WORDS[language]["title"])
    expect(card).to_contain_text("1 rue Test")
    expect(card.get_by_test_id("map-link")).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=1+rue+Test%2C+75002+Paris%2C+FR")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"{language}-1-day-sheet.png"), full_page=True)

    card.locator("button[formaction$='/start_route/']").click()
    page.get_by_test_id(f"visit-{visit.pk}").locator("button[formaction$='/arrive/']").click()
    expect(page.get_by_test_id(f"visit-{visit.pk}").locator(
        "button[formaction$='/complete/']")).to_be_visible()
    # The technician has been on site for 40 minutes when the work is done.
    Visit.objects.filter(pk=visit.pk).update(
        on_site_at=timezone.now() - datetime.timedelta(minutes=40))
    page.reload()
    card = page.get_by_test_id(f"visit-{visit.pk}")
    card.locator("textarea[name=work_done]").fill("Replaced the wireless charging coil")
    canvas = card.get_by_test_id("signature-canvas")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    _sign(page, canvas)
    assert card.locator("input[name=signature]").input_value().startswith(
        "data:image/png;base64,")
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"{language}-2-signed.png"), full_page=True)
    card.locator("button[formaction$='/complete/']").click()

    card = page.get_by_test_id(f"visit-{visit.pk}")
    expect(card).to_contain_text(WORDS[language]["done"])
    page.screenshot(path=str(SHOTS / f"{language}-3-completed.png"), full_page=True)
    report = page.request.get(card.get_by_test_id("visit-report").get_attribute("href"))
    report_status, report_type, pdf = (report.status, report.headers["content-type"],
                                       report.body())
    phone.close()

    visit.refresh_from_db()
    assert visit.status == "completed"
    assert bytes(visit.signature_png).startswith(b"\x89PNG")
    assert Case.objects.get(pk=visit.case_id).status == "resolved"
    assert report_status == 200 and report_type == "application/pdf"
    assert b"/Subtype /Image" in pdf
