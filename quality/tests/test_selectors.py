"""QA figures against hand-computed values."""

import datetime

import pytest

from quality import selectors
from quality.models import Verdict
from quality.selectors import Filters
from quality.tests.factories import batch, catalogue_model, records, shipped

pytestmark = pytest.mark.usefixtures("fault_codes")
D = datetime.date


@pytest.fixture
def n5(db):
    model = catalogue_model()
    shipped(model, "2026-01", 1000)
    shipped(model, "2026-02", 3000)
    return model


def test_failure_rate_per_thousand_units_counts_units_shipped_by_the_end_of_the_period(n5):
    records(n5, "CHG-01", D(2026, 2, 10), 6)
    records(n5, "CHG-01", D(2026, 2, 11), 2, verdict=Verdict.NFF)  # not failures
    records(n5, "BAT-01", D(2026, 2, 12), 2, verdict=Verdict.CUSTOMER_DAMAGE)

    rows = selectors.failure_rates(Filters(start=D(2026, 2, 1), end=D(2026, 2, 28)), by="model")

    assert [(r["label"], r["failures"], r["units"], r["rate"]) for r in rows] == [
        ("Nordline N5", 6, 4000, 1.5)]  # 6 / 4,000 x 1,000


def test_a_country_row_is_not_counted_twice_with_the_all_countries_row(n5):
    shipped(n5, "2026-02", 2000, country="FR")  # part of the 3,000 of the all-countries row
    records(n5, "CHG-01", D(2026, 2, 10), 4)

    rows = selectors.failure_rates(Filters(start=D(2026, 2, 1), end=D(2026, 2, 28)), by="model")

    assert rows[0]["units"] == 4000


def test_batch_rates_divide_by_the_units_of_the_imei_range(n5):
    b = batch(n5, "B1", "35999101", 1, 500)
    records(n5, "CHG-01", D(2026, 2, 10), 3, batch=b)

    rows = selectors.failure_rates(Filters(start=D(2026, 2, 1), end=D(2026, 2, 28)), by="batch")

    assert [(r["label"], r["units"], r["rate"]) for r in rows] == [("B1", 500, 6.0)]


def test_the_hazard_divides_failures_in_the_kth_month_by_the_units_that_reached_it(n5):
    records(n5, "CHG-01", D(2026, 2, 10), 4, months_in_service=1)
    records(n5, "CHG-01", D(2026, 2, 10), 2, months_in_service=2)

    rows = selectors.hazard(Filters(start=D(2026, 2, 1), end=D(2026, 2, 28)))

    # by February: January's 1,000 units reached month 2; all 4,000 reached month 1
    assert [(r["key"], r["failures"], r["units"], r["rate"]) for r in rows] == [
        (1, 4, 4000, 1.0), (2, 2, 1000, 2.0)]


def test_pareto_orders_faults_with_their_cumulative_share(n5):
    records(n5, "CHG-01", D(2026, 2, 10), 3)
    records(n5, "BAT-01", D(2026, 2, 10), 1)

    rows = selectors.pareto(Filters(start=D(2026, 2, 1), end=D(2026, 2, 28), model_id=n5.pk))

    assert [(r["fault_code"], r["share"], r["cumulative"]) for r in rows] == [
        ("CHG-01", 0.75, 0.75), ("BAT-01", 0.25, 1.0)]


def test_the_weekly_trend_gives_each_week_its_rate(n5):
    records(n5, "CHG-01", D(2026, 2, 10), 2)  # week of Monday 9 February

    rows = selectors.weekly_trend(Filters(start=D(2026, 2, 2), end=D(2026, 2, 15), model_id=n5.pk,
                                          fault_code="CHG-01"))

    assert rows == [{"week": "2026-02-02", "failures": 0, "units": 4000, "rate": 0.0},
                    {"week": "2026-02-09", "failures": 2, "units": 4000, "rate": 0.5}]


def test_top_movers_compare_a_week_with_the_one_before(n5):
    records(n5, "CHG-01", D(2026, 2, 3), 1)
    records(n5, "CHG-01", D(2026, 2, 10), 5)
    records(n5, "BAT-01", D(2026, 2, 3), 2)

    rows = selectors.top_movers(week=D(2026, 2, 12))

    assert [(r["fault_code"], r["last_week"], r["this_week"], r["change"]) for r in rows] == [
        ("CHG-01", 1, 5, 4), ("BAT-01", 2, 0, -2)]


def test_nff_rates_per_script_end_node_count_examined_records_only(n5):
    records(n5, "CHG-01", D(2026, 2, 10), 3, verdict=Verdict.NFF, script="wont-charge", end_node="o_port")
    records(n5, "CHG-01", D(2026, 2, 10), 1, verdict=Verdict.CONFIRMED, script="wont-charge",
            end_node="o_port")
    records(n5, "CHG-01", D(2026, 2, 10), 5, script="wont-charge", end_node="o_port")  # not examined

    rows = selectors.nff_rates(Filters(start=D(2026, 2, 1), end=D(2026, 2, 28)), by="end_node")

    assert [(r["key"], r["examined"], r["nff"], r["rate"]) for r in rows] == [
        ("wont-charge / o_port", 4, 3, 0.75)]


def test_the_rollup_rebuilt_set_based_equals_the_cells_refreshed_one_by_one(db, fault_codes):
    """rollup_rebuild (one INSERT ... SELECT for every week, or for all) writes the cells the
    hook's per-(week, model) refresh writes."""
    import random

    from quality.models import DefectWeek
    from quality.services import rollup_rebuild, rollup_refresh
    from quality.tests.factories import batch, catalogue_model, records

    rng = random.Random(11)
    n5, n6 = catalogue_model(), catalogue_model(name="N6", tac="35999102")
    batches = [batch(n5, "B1", "35999101", 1, 99), None]
    for _ in range(60):
        day = datetime.date(2026, 1, 5) + datetime.timedelta(days=rng.randrange(120))
        records(rng.choice([n5, n6]), rng.choice(["CHG-01", "BAT-01", "DSP-01"]), day,
                rng.randrange(1, 4), batch=rng.choice(batches), rollup=False,
                verdict=rng.choice(["reported", "confirmed", "nff", "customer_damage"]))

    def cells():
        return sorted(DefectWeek.objects.values_list(
            "week", "model_id", "fault_code_id", "batch_id", "failures", "nff", "damage"),
            key=lambda cell: (cell[:3], cell[3] or 0, cell[4:]))

    from quality.models import DefectRecord
    rollup_refresh(set(DefectRecord.objects.values_list("week", "model_id", "fault_code_id")))
    one_by_one = cells()
    assert rollup_rebuild() == len(one_by_one) > 0
    assert cells() == one_by_one
    weeks = set(DefectRecord.objects.values_list("week", flat=True))
    assert rollup_rebuild(weeks) == len(one_by_one)
    assert cells() == one_by_one
    assert rollup_rebuild(set()) == 0


def test_every_page_read_from_the_rollups_gives_what_the_records_give(db, fault_codes, monkeypatch):
    """Random records (models, batches, verdicts, scripts, countries, months in service) and
    periods that start and end mid-week, on a Monday, on a Sunday, inside one week: every
    figure from the roll-ups (whole weeks) and the records (the days around them) equals the
    figure counted from the records alone."""
    import random

    from quality.models import DefectRecord
    from quality.services import rollup_rebuild

    rng = random.Random(23)
    n5, n6 = catalogue_model(), catalogue_model(name="N6", tac="35999102")
    for model in (n5, n6):
        shipped(model, "2026-01", 5000)
        shipped(model, "2026-03", 2000, country="FR")
    batches = {n5.pk: [batch(n5, "B1", "35999101", 1, 999, made=D(2026, 1, 5)),
                       batch(n5, "B2", "35999101", 1000, 1999, made=D(2026, 2, 20)), None],
               n6.pk: [batch(n6, "C1", "35999102", 1, 999, made=D(2026, 1, 12)), None]}
    faults = ["CHG-01", "BAT-01", "DSP-01", "LIQ-01"]
    for n in range(400):
        model = rng.choice([n5, n6])
        b = rng.choice(batches[model.pk])
        day = D(2026, 1, 1) + datetime.timedelta(days=rng.randrange(150))
        fault = rng.choice(faults)
        script = rng.choice(["", "charging", "battery"])
        DefectRecord.objects.create(
            key=f"random:{n}", model=model, fault_code_id=fault, category="x",
            occurred_on=day, week=day - datetime.timedelta(days=day.weekday()), batch=b,
            production_month=b.manufactured_on.replace(day=1) if b else None,
            verdict=rng.choice(["reported", "confirmed", "nff", "customer_damage"]),
            source="hotline", months_in_service=rng.choice([None, 1, 2, 3, 5]),
            reported_fault_code=rng.choice([fault, "CHG-01"]), script=script,
            end_node=f"{script}-{rng.randrange(3)}" if script else "",
            country=rng.choice(["FR", "FR", "BE", ""]))
    rollup_rebuild()
    periods = [(D(2026, 1, 1), D(2026, 5, 31)), (D(2026, 1, 5), D(2026, 3, 29)),
               (D(2026, 1, 7), D(2026, 3, 25)), (D(2026, 2, 10), D(2026, 2, 12)),
               (D(2026, 2, 9), D(2026, 2, 15)), (D(2026, 3, 3), D(2026, 3, 3)),
               (D(2025, 12, 1), D(2026, 2, 1))]
    calls = [lambda f, by=by: selectors.failure_rates(f, by=by) for by in selectors.DIMENSIONS]
    calls += [selectors.pareto, selectors.batch_comparison, selectors.record_count]
    calls += [lambda f, by=by: selectors.nff_rates(f, by=by)
              for by in ("fault_code", "script", "end_node")]
    compared = 0
    for start, end in periods:
        for model_id, fault, country in [(None, None, ""), (n5.pk, None, ""),
                                         (n6.pk, "CHG-01", ""), (None, "BAT-01", ""),
                                         (n5.pk, None, "FR"), (None, "CHG-01", "BE")]:
            f = Filters(start=start, end=end, model_id=model_id, fault_code=fault,
                        country=country)
            for call in calls:
                monkeypatch.setattr(selectors, "USE_ROLLUPS", True)
                from_rollups = call(f)
                monkeypatch.setattr(selectors, "USE_ROLLUPS", False)
                assert from_rollups == call(f), (start, end, model_id, fault, country, call)
                compared += bool(from_rollups)
    assert compared > 200  # most comparisons had figures to compare


def test_whole_weeks_split_a_period_into_roll_up_weeks_and_record_days():
    # Wednesday 7 January to Wednesday 28 January 2026: whole weeks of 12 and 19 January
    assert selectors.whole_weeks(D(2026, 1, 7), D(2026, 1, 28)) == (
        (D(2026, 1, 12), D(2026, 1, 19)), [(D(2026, 1, 7), D(2026, 1, 11)),
                                           (D(2026, 1, 26), D(2026, 1, 28))])
    # Monday to Sunday: no day from the records
    assert selectors.whole_weeks(D(2026, 1, 5), D(2026, 1, 18)) == (
        (D(2026, 1, 5), D(2026, 1, 12)), [])
    # from the beginning to a Saturday
    assert selectors.whole_weeks(None, D(2026, 1, 17)) == (
        (None, D(2026, 1, 5)), [(D(2026, 1, 12), D(2026, 1, 17))])
    assert selectors.whole_weeks(D(2026, 1, 6), D(2026, 1, 11)) is None
