"""The scan over the roll-up: a bad batch raises one alert with its evidence, e-mailed once."""

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quality.models import Alert, DefectWeek
from quality.tests.factories import rising_batch_history
from quality.warning import alerts_scan, last_complete_week, scan

pytestmark = pytest.mark.usefixtures("fault_codes")
AS_OF = datetime.date(2026, 11, 29)  # a Sunday: the week of 23 November is the last complete


@pytest.fixture
def history(db, settings):
    settings.QUALITY_EW_BASELINE_WEEKS, settings.QUALITY_EW_WINDOW_WEEKS = 20, 6
    return rising_batch_history(AS_OF)


def test_the_last_complete_week_ends_on_the_sunday_before_or_on_the_date():
    assert last_complete_week(datetime.date(2026, 11, 29)) == datetime.date(2026, 11, 23)
    assert last_complete_week(datetime.date(2026, 11, 28)) == datetime.date(2026, 11, 16)


def test_a_rising_batch_raises_alerts_with_their_evidence_and_mails_the_qa_group(
        history, run, qa):
    alerts = run(alerts_scan, as_of=AS_OF)

    by_batch = {a.batch.code if a.batch else None: a for a in alerts}
    assert set(by_batch) == {None, "B2609"}
    alert = by_batch["B2609"]
    assert alert.first_week == datetime.date(2026, 11, 2)
    assert alert.observed == 36 and alert.status == "open"
    assert by_batch[None].evidence["batches"][0]["batch"] == "B2609"
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["qa1@hotline.example"]
    assert "Nordline N5 CHG-01" in mail.outbox[0].subject


def test_a_second_scan_refreshes_the_alert_instead_of_raising_another(history, run):
    run(alerts_scan, as_of=AS_OF)

    run(alerts_scan, as_of=AS_OF)

    assert Alert.objects.count() == 2


def test_defect_alerts_prints_the_open_alerts_as_json(history):
    out = io.StringIO()

    call_command("defect_alerts", "--as-of", "2026-11-29", "--json", stdout=out)

    data = json.loads(out.getvalue())
    assert data["as_of"] == "2026-11-29"
    row = next(a for a in data["alerts"] if a["batch"] == "B2609")
    assert set(row) == {"model", "fault_code", "batch", "first_week", "observed", "expected",
                        "statistic", "method"}
    assert (row["model"], row["fault_code"], row["first_week"]) == ("Nordline N5", "CHG-01", "2026-11-02")


def test_before_the_rise_the_scan_finds_nothing(history):
    out = io.StringIO()

    call_command("defect_alerts", "--as-of", "2026-10-31", stdout=out)

    assert "no open alert" in out.getvalue()


def test_defect_trends_prints_a_weekly_rate(history):
    out = io.StringIO()

    call_command("defect_trends", "--model", "Nordline N5", "--fault", "CHG-01", "--by", "week",
                 "--start", "2026-11-02", "--end", "2026-11-15", "--json", stdout=out)

    rows = json.loads(out.getvalue())["rows"]
    assert [(r["week"], r["failures"], r["units"], r["rate"]) for r in rows] == [
        ("2026-11-02", 10, 20000, 0.5), ("2026-11-09", 10, 20000, 0.5)]


def test_the_scan_reads_the_roll_up_once_however_many_series_it_holds(history):
    with CaptureQueriesContext(connection) as few:
        before = scan(as_of=AS_OF)
    DefectWeek.objects.bulk_create(
        DefectWeek(week=datetime.date(2026, 11, 23) - datetime.timedelta(weeks=w), model=history,
                   fault_code_id=code, failures=2)
        for code in ("PWR-01", "BAT-01", "BAT-02") for w in range(26))

    with CaptureQueriesContext(connection) as many:
        after = scan(as_of=AS_OF)

    reads = [q["sql"] for q in many.captured_queries if "quality_defectweek" in q["sql"]]
    assert len(reads) == 1 and "GROUP BY" in reads[0]
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(after) == len(before) == 2
