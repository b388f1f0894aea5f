import datetime
import zoneinfo

import pytest

from exchanges.swaps.promise import PromiseRules, holiday_subdivision, promise_compute

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
RULES = PromiseRules(warehouse_country="FR", cutoff=datetime.time(17),
                     delivery_by=datetime.time(12))


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def test_booked_before_the_cut_off_it_arrives_next_working_day_before_noon():
    promise = promise_compute(rules=RULES, at=at(2026, 11, 24, 16, 59), country="FR",
                              postcode="75002")

    assert promise.ships_on == datetime.date(2026, 11, 24)
    assert promise.deliver_by == at(2026, 11, 25, 12, 0)
    assert promise.within_24h


def test_booked_exactly_at_the_cut_off_it_ships_the_next_day():
    promise = promise_compute(rules=RULES, at=at(2026, 11, 24, 17, 0), country="FR",
                              postcode="75002")

    assert promise.ships_on == datetime.date(2026, 11, 25)
    assert promise.deliver_by == at(2026, 11, 26, 12, 0)
    assert "cut-off" in promise.reasons[0]


def test_booked_on_friday_evening_it_arrives_on_tuesday():
    promise = promise_compute(rules=RULES, at=at(2026, 11, 27, 18, 0), country="FR",
                              postcode="75002")

    assert promise.ships_on == datetime.date(2026, 11, 30)
    assert promise.deliver_by == at(2026, 12, 1, 12, 0)
    assert not promise.within_24h
    assert any("Saturday" in reason for reason in promise.reasons)


def test_booked_on_friday_afternoon_it_arrives_on_monday_without_saturday_delivery():
    promise = promise_compute(rules=RULES, at=at(2026, 11, 27, 10, 0), country="FR",
                              postcode="75002")

    assert promise.deliver_by == at(2026, 11, 30, 12, 0)


def test_saturday_delivery_when_the_carrier_offers_it():
    rules = PromiseRules(warehouse_country="FR", saturday_delivery=True)

    promise = promise_compute(rules=rules, at=at(2026, 11, 27, 10, 0), country="FR",
                              postcode="75002")

    assert promise.deliver_by == at(2026, 11, 28, 12, 0)


def test_a_public_holiday_at_the_destination_pushes_the_delivery():
    # Wednesday 11 November 2026 is Armistice Day in France.
    promise = promise_compute(rules=RULES, at=at(2026, 11, 10, 9, 0), country="FR",
                              postcode="69007")

    assert promise.deliver_by == at(2026, 11, 12, 12, 0)
    assert any("Armistice" in reason for reason in promise.reasons)


def test_a_public_holiday_at_the_warehouse_delays_the_departure():
    promise = promise_compute(rules=RULES, at=at(2026, 12, 25, 9, 0), country="FR",
                              postcode="75002")

    assert promise.ships_on == datetime.date(2026, 12, 28)
    assert promise.deliver_by == at(2026, 12, 29, 12, 0)


def test_regional_holidays_follow_the_postcode():
    # Good Friday (3 April 2026) is a holiday in Alsace-Moselle only; 6 April is Easter Monday.
    paris = promise_compute(rules=RULES, at=at(2026, 4, 2, 9, 0), country="FR",
                            postcode="75002")
    strasbourg = promise_compute(rules=RULES, at=at(2026, 4, 2, 9, 0), country="FR",
                                 postcode="67000")

    assert paris.deliver_by == at(2026, 4, 3, 12, 0)
    assert strasbourg.deliver_by == at(2026, 4, 7, 12, 0)
    assert holiday_subdivision("FR", "67000") == "6AE"
    assert holiday_subdivision("FR", "57000") == "57"
    assert holiday_subdivision("FR", "75002") is None


def test_a_holiday_only_in_the_destination_country_counts_for_delivery():
    # Belgian National Day, Tuesday 21 July 2026, is a working day in France.
    promise = promise_compute(rules=RULES, at=at(2026, 7, 20, 9, 0), country="BE",
                              postcode="1000")

    assert promise.deliver_by == at(2026, 7, 22, 12, 0)


def test_a_naive_booking_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        promise_compute(rules=RULES, at=datetime.datetime(2026, 1, 5, 9), country="FR",
                        postcode="75002")
