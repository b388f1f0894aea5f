"""The service point directory: who repairs what where, proposals best first, the CSV import."""

import datetime

import pytest

from hotline.tests.factories import HandsetModelFactory
from repairs.models import Referral, ServicePoint
from repairs.models.points import postcode_distance, postcode_served
from repairs.services.points import ImportRefused, service_point_proposals, service_points_import
from repairs.tests.factories import ServicePointFactory

MONDAY = datetime.date(2026, 12, 7)


def test_a_prefix_serves_every_postcode_that_starts_with_it():
    assert postcode_served("75", "75011")
    assert not postcode_served("75", "92100")


def test_a_range_serves_postcodes_between_its_ends_inclusive():
    assert postcode_served("92100-92190", "92100")
    assert postcode_served("92100-92190", "92190")
    assert not postcode_served("92100-92190", "92200")


def test_postcodes_are_nearer_when_their_numbers_are_closer():
    assert postcode_distance("75011", "75012") < postcode_distance("75011", "75020")


@pytest.mark.django_db
def test_proposals_keep_only_points_that_repair_the_model_and_serve_the_postcode():
    model = HandsetModelFactory(brand="Nordline", family="Aurora")
    ServicePointFactory(code="ok", brands=["Nordline"], postcodes=["75"])
    ServicePointFactory(code="other-brand", brands=["Zephyr"], postcodes=["75"])
    ServicePointFactory(code="other-family", brands=["Nordline"], families=["Polar"],
                        postcodes=["75"])
    ServicePointFactory(code="elsewhere", postcodes=["13"])
    ServicePointFactory(code="inactive", postcodes=["75"], active=False)

    found = service_point_proposals(model=model, postcode="75002", country="FR", today=MONDAY)

    assert [p.point.code for p in found] == ["ok"]


@pytest.mark.django_db
def test_proposals_rank_by_capacity_left_then_by_postcode_distance():
    from hotline.tests.factories import CaseFactory

    model = HandsetModelFactory()
    near_full = ServicePointFactory(code="near-full", postcode="75002", daily_capacity=2)
    ServicePointFactory(code="far-roomy", postcode="75020", daily_capacity=3)
    ServicePointFactory(code="near-roomy", postcode="75003", daily_capacity=3)
    Referral.objects.create(reference="SP-X-1", case=CaseFactory(status="referred"),
                            service_point=near_full, drop_off_day=MONDAY)

    found = service_point_proposals(model=model, postcode="75002", country="FR", today=MONDAY)

    assert [(p.point.code, p.capacity_left) for p in found] == [
        ("near-roomy", 3), ("far-roomy", 3), ("near-full", 1)]


@pytest.mark.django_db
def test_a_point_closed_today_is_ranked_on_its_next_open_day():
    model = HandsetModelFactory()
    ServicePointFactory(code="shut", holidays=[MONDAY.isoformat()])

    found = service_point_proposals(model=model, postcode="75002", country="FR", today=MONDAY)

    assert found[0].day == MONDAY + datetime.timedelta(days=1)


HEADER = ("code,name,street,postcode,city,country,phone,email,timezone,hours,holidays,brands,"
          "families,postcodes,daily_capacity,walk_in,appointment,what_to_bring,active\n")
GOOD = ('paris-11,Atelier Onze,3 rue Oberkampf,75011,Paris,FR,+33143000000,,Europe/Paris,'
        '"Mon-Fri 09:00-12:00,14:00-18:00; Sat 10:00-13:00",2026-12-25,Nordline|Zephyr,,'
        '75|92100-92190,8,yes,yes,Bring the charger,yes\n')


@pytest.mark.django_db
def test_the_import_creates_points_with_hours_per_weekday_and_lists():
    result = service_points_import(text=HEADER + GOOD)

    point = ServicePoint.objects.get(code="paris-11")
    assert result.created == 1
    assert point.opening_hours["0"] == [["09:00", "12:00"], ["14:00", "18:00"]]
    assert point.opening_hours["5"] == [["10:00", "13:00"]]
    assert "6" not in point.opening_hours
    assert point.postcodes == ["75", "92100-92190"]
    assert point.holidays == ["2026-12-25"] and point.appointment


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing():
    service_points_import(text=HEADER + GOOD)

    again = service_points_import(text=HEADER + GOOD)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert ServicePoint.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_line_updates_its_point_by_code():
    service_points_import(text=HEADER + GOOD)

    result = service_points_import(text=HEADER + GOOD.replace(",8,", ",12,"))

    assert result.updated == 1
    assert ServicePoint.objects.get(code="paris-11").daily_capacity == 12


@pytest.mark.django_db
@pytest.mark.parametrize(("bad", "expected"), [
    (GOOD.replace("Mon-Fri 09:00-12:00", "Mon-Fri 9h-12h"), "line 2, column hours"),
    (GOOD.replace("Mon-Fri", "Mun-Fri"), "line 2, column hours"),
    (GOOD.replace("75|92100-92190", "75|92190-92100"), "line 2, column postcodes"),
    (GOOD.replace(",8,", ",lots,"), "line 2, column daily_capacity"),
    (GOOD.replace(",yes,yes,", ",no,no,"), "line 2, column appointment"),
    (GOOD.replace("2026-12-25", "25/12/2026"), "line 2, column holidays"),
    (GOOD.replace("Europe/Paris", "Mars/Olympus"), "line 2, column timezone"),
    (GOOD.replace("paris-11,Atelier Onze", "paris-11,"), "line 2, column name"),
])
def test_a_bad_cell_is_named_by_line_and_column_and_nothing_is_imported(bad, expected):
    with pytest.raises(ImportRefused) as refused:
        service_points_import(text=HEADER + GOOD.replace("paris-11", "first") + bad)

    assert any(error.startswith(expected.replace("line 2", "line 3"))
               for error in refused.value.errors), refused.value.errors
    assert not ServicePoint.objects.exists()


@pytest.mark.django_db
def test_every_bad_line_is_reported_at_once():
    bad = GOOD.replace(",8,", ",x,")

    with pytest.raises(ImportRefused) as refused:
        service_points_import(text=HEADER + bad + bad.replace("paris-11", "paris-12"))

    assert [error[:7] for error in refused.value.errors] == ["line 2,", "line 3,"]


@pytest.mark.django_db
def test_a_code_twice_in_the_file_is_refused_naming_both_lines():
    with pytest.raises(ImportRefused) as refused:
        service_points_import(text=HEADER + GOOD + GOOD)

    assert "already on line 2" in refused.value.errors[0]


@pytest.mark.django_db
def test_a_missing_or_unknown_column_is_refused_on_line_one():
    with pytest.raises(ImportRefused) as refused:
        service_points_import(text="code,name,colour\nx,y,red\n")

    assert refused.value.errors[0].startswith("line 1: missing column(s) street")
    assert "unknown column(s) colour" in refused.value.errors[1]


@pytest.mark.django_db
def test_the_command_imports_a_file_and_reports_errors_without_a_traceback(tmp_path):
    from django.core.management import CommandError, call_command

    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + GOOD)
    bad.write_text(HEADER + GOOD.replace(",8,", ",0,"))

    call_command("import_service_points", str(good))
    with pytest.raises(CommandError):
        call_command("import_service_points", str(bad))

    assert ServicePoint.objects.get(code="paris-11").daily_capacity == 8
