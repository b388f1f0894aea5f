"""Operator tools: carrier_track, carrier_book_test, carrier_sandbox_advance."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from carriers.models import Shipment, ShipmentStatus

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_carrier_book_test_books_a_delivery_and_a_collection(carriers_settings):
    output = run("carrier_book_test", "--carrier", "sandbox")

    assert "booked with sandbox" in output
    assert Shipment.objects.filter(status=ShipmentStatus.BOOKED).count() == 2


def test_carrier_book_test_works_against_mydhl(carriers_settings, fake_mydhl):
    output = run("carrier_book_test", "--carrier", "mydhl", "--no-return")

    assert "outbound" in output
    assert len(fake_mydhl.calls("POST", "/shipments")) == 1


def test_carrier_book_test_reports_dhls_refusal(carriers_settings, fake_mydhl):
    fake_mydhl.fail("POST", "/shipments", 503, times=10)

    with pytest.raises(CommandError, match="transient carrier error"):
        run("carrier_book_test", "--carrier", "mydhl")


def test_carrier_track_prints_normalised_events_as_json(carriers_settings, fake_mydhl):
    fake_mydhl.add_events("2345678915", [
        {"date": "2026-03-02", "time": "17:10:00", "GMTOffset": "+01:00", "typeCode": "NH",
         "description": "Not home", "serviceArea": [{"description": "Lyon-FR"}]}])

    output = run("carrier_track", "--carrier", "mydhl", "2345678915", "--json")

    data = json.loads(output)
    assert data["tracking_number_valid"] is True
    assert data["events"] == [{"occurred_at": "2026-03-02T17:10:00+01:00",
                               "status": "delivery_failed", "reason": "recipient_absent",
                               "raw_code": "NH", "raw_text": "Not home",
                               "location": "Lyon-FR"}]


def test_carrier_track_warns_about_a_bad_check_digit(carriers_settings, fake_mydhl):
    output = run("carrier_track", "--carrier", "mydhl", "2345678916")

    assert "fails the DHL Express check digit" in output


def test_carrier_track_on_the_sandbox_prints_events_as_lines(carriers_settings):
    run("carrier_book_test", "--carrier", "sandbox", "--no-return")
    number = Shipment.objects.get().tracking_number

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24), tick=False):
        output = run("carrier_track", "--carrier", "sandbox", number)

    assert "delivered" in output and "[SB-DLV]" in output


def test_an_unknown_carrier_is_a_clear_command_error(carriers_settings):
    with pytest.raises(CommandError, match="Unknown carrier 'ups'"):
        run("carrier_track", "--carrier", "ups", "1")


def test_carrier_sandbox_advance_releases_events_until_a_moment(carriers_settings):
    run("carrier_book_test", "--carrier", "sandbox", "--no-return")
    until = (timezone.now() + datetime.timedelta(hours=24)).isoformat()

    output = run("carrier_sandbox_advance", "--until", until)

    assert "5 stored" in output
    assert Shipment.objects.get().status == ShipmentStatus.DELIVERED
