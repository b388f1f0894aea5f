"""The customer downloads the technician's visit report from the tracking page, only through
the case's signed link and only once the report is written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Visit
from exchanges.tests.factories import TechnicianFactory, booked_visit
from selfservice import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(db):
    start = timezone.now() - datetime.timedelta(hours=2)
    visit = booked_visit(technician=TechnicianFactory(), start=start, status="completed")
    Visit.objects.filter(pk=visit.pk).update(
        on_site_at=start, finished_at=start + datetime.timedelta(minutes=40),
        work_done="Replaced the charging coil", signed_by="Camille Dupont")
    return Visit.objects.get(pk=visit.pk)


def report_url(visit, token=None):
    return reverse("selfservice:visit_report",
                   args=[token or services.tracking_token(visit.case), visit.pk])


def test_the_tracking_page_links_the_report_and_the_link_gives_the_pdf(client, visit):
    token = services.tracking_token(visit.case)

    page = client.get(reverse("selfservice:track", args=[token]))
    response = client.get(report_url(visit, token))

    assert report_url(visit, token).encode() in page.content
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_an_altered_link_or_another_cases_visit_gets_no_report(client, visit):
    other = booked_visit(technician=visit.technician,
                         start=visit.slot_start + datetime.timedelta(days=1), status="completed")
    token = services.tracking_token(visit.case)

    altered = client.get(report_url(visit, token[:-2] + "xx"))
    someone_elses = client.get(report_url(other, token))

    assert altered.status_code == 404
    assert someone_elses.status_code == 404


def test_there_is_no_report_to_download_before_the_visit_is_done(client, visit):
    Visit.objects.filter(pk=visit.pk).update(status="on_site")
    token = services.tracking_token(visit.case)

    page = client.get(reverse("selfservice:track", args=[token]))
    response = client.get(report_url(visit, token))

    assert b'data-testid="visit-report"' not in page.content
    assert response.status_code == 404
