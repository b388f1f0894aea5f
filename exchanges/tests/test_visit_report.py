"""The technician's day on the ground: no step before the slot's day, a sane time on site, the
signature drawn on the screen, the report PDF behind checked links, the map link, the demo day."""

import base64
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageDraw

from exchanges import demo_visits
from exchanges.errors import VisitError
from exchanges.models import Visit
from exchanges.tests.factories import TechnicianFactory, booked_visit
from exchanges.visits.pdf import visit_report_pdf
from exchanges.visits.services import (
    visit_arrive,
    visit_complete,
    visit_start_route,
)
from hotline.models import Case
from hotline.tests.factories import ModelVariantFactory, TacFactory, UserFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SUNDAY_8PM = datetime.datetime(2026, 12, 6, 20, 0, tzinfo=PARIS)
MONDAY_8AM = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _paris(settings):
    settings.TIME_ZONE = "Europe/Paris"
    settings.EXCHANGES_VISIT_MIN_MINUTES_ON_SITE = 5


@pytest.fixture
def technician(db):
    return TechnicianFactory(name="Thomas Petit", postcode_prefixes=["75"],
                             user=UserFactory(username="thomas", roles=["technician"]))


def png_data_url(*, blank: bool = False) -> str:
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(10, 100), (80, 20), (150, 90), (290, 30)],
                                   fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def on_site(technician, *, at=MONDAY_8AM):
    visit = booked_visit(technician=technician, start=MONDAY_8AM)
    with time_machine.travel(at, tick=False):
        visit_start_route(visit=visit, actor=technician.user)
        visit_arrive(visit=visit, actor=technician.user)
    return visit


def completed(technician, **report):
    visit = on_site(technician)
    with time_machine.travel(MONDAY_8AM + datetime.timedelta(minutes=50), tick=False):
        visit_complete(visit=visit, actor=technician.user,
                       work_done="Replaced the charging coil", **report)
    return Visit.objects.get(pk=visit.pk)


# --- no step before the slot's day; a sane time on site --------------------------------------
def test_a_visit_booked_for_monday_cannot_be_started_on_sunday(technician):
    visit = booked_visit(technician=technician, start=MONDAY_8AM)

    with time_machine.travel(SUNDAY_8PM, tick=False), pytest.raises(
            VisitError, match="booked for Monday 7 December") as refused:
        visit_start_route(visit=visit, actor=technician.user)

    assert refused.value.code == "before_slot_day"
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


def test_the_day_sheet_says_when_a_visit_starts_and_offers_no_step_before(client, technician):
    visit = booked_visit(technician=technician, start=MONDAY_8AM)
    client.force_login(technician.user)

    with time_machine.travel(SUNDAY_8PM, tick=False):
        response = client.get(reverse("exchanges:visit_day") + "?date=2026-12-07")

    assert b'data-testid="not-yet"' in response.content
    assert reverse("exchanges:visit_act", args=[visit.pk, "start_route"]).encode() not in (
        response.content)


def test_starting_through_the_api_before_the_day_is_refused_with_422(technician):
    from rest_framework.test import APIClient

    visit = booked_visit(technician=technician, start=MONDAY_8AM)
    api = APIClient()
    api.force_authenticate(technician.user)

    with time_machine.travel(SUNDAY_8PM, tick=False):
        response = api.post(f"/api/v1/visits/{visit.pk}/start_route/", {}, format="json")

    assert response.status_code == 422
    assert response.json()["code"] == "before_slot_day"


def test_a_visit_completed_a_minute_after_the_arrival_is_refused(technician):
    visit = on_site(technician)

    with time_machine.travel(MONDAY_8AM + datetime.timedelta(minutes=1), tick=False), \
            pytest.raises(VisitError, match="at least 5 minutes on site"):
        visit_complete(visit=visit, actor=technician.user, work_done="Fixed", signed_by="C. D.")

    assert Visit.objects.get(pk=visit.pk).status == "on_site"


def test_a_visit_completed_after_the_work_records_its_real_time_on_site(technician):
    visit = completed(technician, signed_by="Camille Dupont")

    assert visit.status == "completed"
    assert visit.time_on_site == datetime.timedelta(minutes=50)
    assert Case.objects.get(pk=visit.case_id).status == "resolved"


# --- the signature drawn on the screen -------------------------------------------------------
def test_the_drawn_signature_is_stored_as_a_png_and_drawn_in_the_report(technician):
    visit = completed(technician, signature=png_data_url())

    assert bytes(visit.signature_png).startswith(b"\x89PNG")
    assert b"/Subtype /Image" in visit_report_pdf(visit=visit)


def test_the_typed_name_stays_the_fallback_and_the_report_has_no_image(technician):
    visit = completed(technician, signed_by="Camille Dupont")

    assert visit.signature_png is None and visit.signed_by == "Camille Dupont"
    assert b"/Subtype /Image" not in visit_report_pdf(visit=visit)


@pytest.mark.parametrize(("signature", "message"), [
    ("", "signs on the screen, or types their name"),
    ("data:image/jpeg;base64,AAAA", "not a PNG image"),
    ("data:image/png;base64,not base64!", "not a PNG image"),
    ("data:image/png;base64," + base64.b64encode(b"GIF89a nothing").decode(), "not a PNG image"),
])
def test_a_completion_without_a_usable_signature_is_refused(technician, signature, message):
    visit = on_site(technician)

    with time_machine.travel(MONDAY_8AM + datetime.timedelta(minutes=40), tick=False), \
            pytest.raises(VisitError, match=message) as refused:
        visit_complete(visit=visit, actor=technician.user, work_done="Fixed",
                       signature=signature)

    assert refused.value.field == "signature"
    assert Visit.objects.get(pk=visit.pk).status == "on_site"


def test_a_blank_drawing_is_not_a_signature(technician):
    visit = on_site(technician)

    with time_machine.travel(MONDAY_8AM + datetime.timedelta(minutes=40), tick=False), \
            pytest.raises(VisitError, match="blank"):
        visit_complete(visit=visit, actor=technician.user, work_done="Fixed",
                       signature=png_data_url(blank=True))


def test_the_day_sheet_posts_the_drawn_signature_with_the_report(client, technician):
    visit = on_site(technician)
    client.force_login(technician.user)

    with time_machine.travel(MONDAY_8AM + datetime.timedelta(minutes=40), tick=False):
        page = client.get(reverse("exchanges:visit_day") + "?date=2026-12-07")
        client.post(reverse("exchanges:visit_act", args=[visit.pk, "complete"]),
                    {"work_done": "Replaced the coil", "signature": png_data_url()})

    assert b"data-signature-pad" in page.content and b"exchanges/signature.js" in page.content
    assert bytes(Visit.objects.get(pk=visit.pk).signature_png).startswith(b"\x89PNG")


# --- the report PDF behind checked links; the map link ---------------------------------------
def test_the_operator_downloads_the_report_from_the_case_page(client, technician):
    visit = completed(technician, signed_by="Camille Dupont")
    operator = UserFactory(roles=["operator"])
    visit.decision.decided_by = operator  # the case panel names who decided
    visit.decision.save(update_fields=["decided_by"])
    client.force_login(operator)
    url = reverse("exchanges:visit_report", args=[visit.pk])

    case_page = client.get(reverse("console:case_detail", args=[visit.case.number]))
    response = client.get(url)

    assert url.encode() in case_page.content
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_report_is_the_visits_technicians_and_not_another_technicians(client, technician):
    visit = completed(technician, signed_by="Camille Dupont")
    url = reverse("exchanges:visit_report", args=[visit.pk])
    other = TechnicianFactory(user=UserFactory(roles=["technician"]))

    client.force_login(technician.user)
    own = client.get(url)
    client.force_login(other.user)
    refused = client.get(url)
    client.logout()
    anonymous = client.get(url)

    assert own.status_code == 200
    assert refused.status_code == 403
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_there_is_no_report_before_the_visit_is_done(client, technician):
    visit = on_site(technician)
    client.force_login(UserFactory(roles=["operator"]))

    response = client.get(reverse("exchanges:visit_report", args=[visit.pk]))

    assert response.status_code == 404


def test_the_day_sheet_links_the_address_to_its_openstreetmap_page(client, technician):
    visit = booked_visit(technician=technician, start=MONDAY_8AM)
    client.force_login(technician.user)

    with time_machine.travel(MONDAY_8AM, tick=False):
        response = client.get(reverse("exchanges:visit_day"))

    assert visit.map_url == ("https://www.openstreetmap.org/search?"
                             "query=1+rue+Test%2C+75002+Paris%2C+FR")
    assert visit.map_url.replace("&", "&amp;").encode() in response.content


# --- the demo technician's day ---------------------------------------------------------------
@pytest.fixture
def demo_reference(db, fault_codes):
    user = UserFactory(username="technician", roles=["technician"])
    UserFactory(username="operator", roles=["operator"])
    ModelVariantFactory(model=TacFactory().model)
    return TechnicianFactory(name="Thomas Petit", user=user,
                             postcode_prefixes=["75", "92", "93", "94"])


def _states(technician):
    return [(timezone_local(v.slot_start), v.status)
            for v in Visit.objects.filter(technician=technician).order_by("slot_start")]


def timezone_local(moment):
    return moment.astimezone(PARIS).strftime("%a %H:%M")


def test_the_demo_technician_works_today_with_visits_as_far_as_the_clock_went(demo_reference):
    with time_machine.travel(datetime.datetime(2026, 12, 8, 11, 0, tzinfo=PARIS), tick=False):
        demo_visits.load(stdout=io.StringIO())
        demo_visits.load(stdout=io.StringIO())

    assert _states(demo_reference) == [
        ("Mon 08:00", "completed"), ("Mon 10:30", "completed"),
        ("Tue 08:00", "completed"), ("Tue 10:30", "on_site"),
        ("Tue 13:00", "scheduled"), ("Tue 15:30", "scheduled")]
    done = Visit.objects.filter(status="completed").first()
    assert done.case.status == "resolved" and done.work_done and done.signed_by
    assert done.case.audit_events.get(action="complete").at == done.finished_at


def test_on_a_sunday_the_demo_day_is_monday_and_nothing_has_started(demo_reference):
    with time_machine.travel(SUNDAY_8PM, tick=False):
        demo_visits.load(stdout=io.StringIO())

    assert _states(demo_reference) == [
        ("Fri 08:00", "completed"), ("Fri 10:30", "completed"),
        ("Mon 08:00", "scheduled"), ("Mon 10:30", "scheduled"),
        ("Mon 13:00", "scheduled"), ("Mon 15:30", "scheduled")]


def test_a_day_without_visits_links_the_next_day_with_some(client, technician):
    booked_visit(technician=technician, start=MONDAY_8AM)
    client.force_login(technician.user)

    with time_machine.travel(SUNDAY_8PM, tick=False):
        response = client.get(reverse("exchanges:visit_day"))

    assert b'data-testid="next-visit-day"' in response.content
    assert b"?date=2026-12-07" in response.content


def test_the_french_day_sheet_names_the_phone_and_the_handset_apart(client, technician):
    booked_visit(technician=technician, start=MONDAY_8AM)
    client.force_login(technician.user)
    client.cookies["django_language"] = "fr"

    with translation.override("en"):  # the French request leaves no French behind
        page = client.get(reverse("exchanges:visit_day") + "?date=2026-12-07").content.decode()

    assert "<dt>Téléphone</dt>" in page and "<dt>Appareil</dt>" in page
