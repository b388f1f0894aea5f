"""Technician availability: territory, skills, working days, holidays, bookings, the promise."""

import datetime
import zoneinfo

import pytest
import time_machine

from exchanges.tests.factories import TechnicianFactory
from exchanges.visits.slots import visit_slots

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_7AM = datetime.datetime(2026, 12, 7, 7, 0, tzinfo=PARIS)


def at(day, hour, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.TIME_ZONE = "Europe/Paris"
    with time_machine.travel(MONDAY_7AM, tick=False):
        yield


def starts(slots):
    return [(slot.technician_name, slot.start) for slot in slots]


def test_the_earliest_slots_of_a_covering_technician_are_offered_in_order(db):
    TechnicianFactory(name="Thomas", postcode_prefixes=["75"])

    slots = visit_slots(postcode="75002", country="FR", limit=3)

    assert starts(slots) == [("Thomas", at(7, 8)), ("Thomas", at(7, 10, 30)),
                             ("Thomas", at(7, 13))]
    assert all(slot.end - slot.start == datetime.timedelta(hours=2) for slot in slots)
    assert all(slot.within_promise for slot in slots)


def test_a_technician_outside_the_territory_is_not_offered(db):
    TechnicianFactory(name="Inès", postcode_prefixes=["69"])

    assert visit_slots(postcode="75002", country="FR") == []


def test_a_technician_in_another_country_is_not_offered(db):
    TechnicianFactory(name="Jan", postcode_prefixes=["75"], country="BE")

    assert visit_slots(postcode="75002", country="FR") == []


def test_a_technician_without_the_skills_is_not_offered(db):
    TechnicianFactory(name="N3 only", postcode_prefixes=["75"], families=["N3"])
    TechnicianFactory(name="No displays", postcode_prefixes=["75"], categories=["battery"])
    TechnicianFactory(name="Good", postcode_prefixes=["75"], families=["N5"],
                      categories=["display"])

    slots = visit_slots(postcode="75002", country="FR", family="N5", category="display")

    assert {slot.technician_name for slot in slots} == {"Good"}


def test_a_booked_slot_and_its_travel_buffer_are_not_offered_again(db):
    tech = TechnicianFactory(name="Thomas", postcode_prefixes=["75"])
    _booked(tech, at(7, 10, 30))

    slots = visit_slots(postcode="75002", country="FR", limit=4)

    assert at(7, 10, 30) not in [slot.start for slot in slots]
    assert at(7, 8) in [slot.start for slot in slots]


def test_a_technician_at_the_daily_maximum_is_not_offered_that_day(db):
    tech = TechnicianFactory(name="Thomas", postcode_prefixes=["75"], max_visits_per_day=1)
    _booked(tech, at(7, 8))

    slots = visit_slots(postcode="75002", country="FR", limit=2)

    assert [slot.start.date() for slot in slots] == [datetime.date(2026, 12, 8)] * 2


def test_days_off_and_weekends_are_skipped(db):
    TechnicianFactory(name="Thomas", postcode_prefixes=["75"], days_off=["2026-12-07"])

    with time_machine.travel(at(4, 19), tick=False):  # a Friday evening
        slots = visit_slots(postcode="75002", country="FR", limit=1)

    assert slots[0].start == at(8, 8)  # not Saturday, Sunday, nor Monday (day off)


def test_public_holidays_of_the_technicians_country_are_skipped(db):
    TechnicianFactory(name="Thomas", postcode_prefixes=["75"])

    with time_machine.travel(at(24, 19), tick=False):  # Christmas Eve, evening
        slots = visit_slots(postcode="75002", country="FR", limit=1)

    assert slots[0].start == at(28, 8)  # 25th is a holiday, then the weekend


def test_when_no_slot_fits_the_promise_the_next_ones_are_offered_and_flagged(db):
    TechnicianFactory(name="Thomas", postcode_prefixes=["75"], working_hours={"3": ["08:00",
                                                                                   "18:00"]})

    slots = visit_slots(postcode="75002", country="FR", limit=2)

    assert [slot.start for slot in slots] == [at(10, 8), at(10, 10, 30)]  # Thursday
    assert not any(slot.within_promise for slot in slots)


def test_slots_already_past_are_not_offered(db):
    TechnicianFactory(name="Thomas", postcode_prefixes=["75"])

    with time_machine.travel(at(7, 11), tick=False):
        slots = visit_slots(postcode="75002", country="FR", limit=1)

    assert slots[0].start == at(7, 13)


def _booked(technician, start):
    from exchanges.tests.factories import booked_visit

    return booked_visit(technician=technician, start=start)
