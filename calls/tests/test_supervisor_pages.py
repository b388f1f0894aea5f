"""The supervisors' pages: the report's labels, operators and charts, the wallboard's day so
far, the planner's chart, in English and in French."""

import datetime
import json
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from calls.models import Shift
from calls.tests.factories import T0, make_call
from hotline.models import Profile

pytestmark = pytest.mark.django_db

REPORT = {"start": "2026-03-02", "end": "2026-03-02", "interval": "1h", "group": "interval",
          "threshold": 20, "short_abandon": 5}


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def french(supervisor_client):
    supervisor_client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    yield supervisor_client
    translation.deactivate()


def _row_labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", label).strip()
            for label in re.findall(r'<th scope="row" data-key="[^"]*">(.*?)</th>', html, re.S)]


def _chart(html: str, title: str) -> str:
    """Return the markup of the chart figure named `title`."""
    match = re.search(r'<figure class="chart" role="group" aria-label="' + re.escape(title)
                      + r'">(.*?)</figure>', html, re.S)
    assert match, f"no chart {title!r}"
    return match.group(1)


def _values(svg: str) -> list[str]:
    """Return the values pygal drew, in order (each point or bar carries its value)."""
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg)


def _traffic():
    make_call(queued=0, wait=10)                 # 09:00-10:00: answered within 20 s
    make_call(queued=60, wait=40)                # answered late
    make_call(queued=3600, wait=5)               # 10:00-11:00: answered within
    make_call(queued=3700, abandoned=True, wait=30)


def test_the_report_names_its_intervals_as_a_reader_says_them(supervisor_client):
    _traffic()

    response = supervisor_client.get(reverse("calls:report"), REPORT)

    assert _row_labels(response.text) == ["Mon 2 Mar 09:00–10:00", "Mon 2 Mar 10:00–11:00"]
    assert "2026-03-02T09:00:00" not in re.sub(r'data-key="[^"]*"', "", response.text)


def test_the_french_report_names_its_intervals_in_french(french):
    _traffic()

    response = french.get(reverse("calls:report"), REPORT)

    assert _row_labels(response.text) == ["lun. 2 mars 09:00–10:00", "lun. 2 mars 10:00–11:00"]


def test_rows_by_operator_show_the_operators_name(supervisor_client, operator):
    operator.first_name, operator.last_name = "Camille", "Martin"
    operator.save()
    Profile.objects.update_or_create(user=operator, defaults={"agent_id": "Agent/1001"})
    make_call(agent="Agent/1001")
    make_call(queued=60, agent="Agent/1002")

    response = supervisor_client.get(reverse("calls:report"), {**REPORT, "group": "operator"})

    assert _row_labels(response.text) == ["Camille Martin (Agent/1001)", "Agent/1002"]


def test_the_report_charts_the_service_level_against_the_target(supervisor_client, settings):
    settings.CALLS_SL_TARGET = 85
    _traffic()

    response = supervisor_client.get(reverse("calls:report"), REPORT)

    svg = _chart(response.text, "Service level per interval")
    assert _values(svg)[:2] == ["50 %", "100 %"]  # then the target line, drawn with no dots
    assert "<desc>Service level: 50 %, 100 %</desc>" in svg
    assert "Target (85 %)" in svg  # the dashed line's name in the legend


def test_the_report_charts_offered_answered_abandoned_and_asa(supervisor_client):
    _traffic()

    response = supervisor_client.get(reverse("calls:report"), REPORT)

    volume = _chart(response.text, "Calls per interval")
    assert "<desc>Offered: 2, 2; Answered: 2, 1; Abandoned: 0, 1</desc>" in volume
    assert _values(volume) == ["2", "2", "2", "1", "0", "1"]
    asa = _chart(response.text, "Average speed of answer (s)")
    assert _values(asa) == ["25", "5"]


def test_the_report_has_no_chart_for_rows_by_queue(supervisor_client):
    _traffic()

    response = supervisor_client.get(reverse("calls:report"), {**REPORT, "group": "queue"})

    assert 'data-testid="sla-charts"' not in response.text


def test_the_french_charts_are_in_french(french):
    _traffic()

    response = french.get(reverse("calls:report"), REPORT)

    svg = _chart(response.text, "Niveau de service par intervalle")
    assert "Objectif (80 %)" in svg
    _chart(response.text, "Appels par intervalle")


def test_the_french_report_form_says_du_and_au_and_keeps_its_dates(french):
    with time_machine.travel(datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.UTC),
                             tick=False):
        response = french.get(reverse("calls:report"))

    text = response.text
    assert "Du" in text and "Au (inclus)" in text and "Expéditeur" not in text
    assert 'name="start" value="2026-02-27"' in text
    assert 'name="end" value="2026-03-05"' in text


def test_the_form_and_the_command_count_the_same_last_day(supervisor_client):
    make_call(queued=0)
    make_call(queued=86400)  # Tuesday 3 March, 09:00: the last day
    out = StringIO()
    call_command("sla_report", "--start", "2026-03-02", "--end", "2026-03-03", "--json",
                 stdout=out)

    response = supervisor_client.get(reverse("calls:report"), {
        **REPORT, "end": "2026-03-03", "interval": "day"})

    total = re.search(r'data-testid="sla-total"><th scope="row">Total</th><td>(\d+)</td>',
                      response.text)
    assert json.loads(out.getvalue())["total"]["offered"] == 2
    assert total and total.group(1) == "2"
    assert "The report runs to the end of this day." in response.text


@time_machine.travel(datetime.datetime(2026, 3, 2, 10, 40, tzinfo=datetime.UTC), tick=False)
def test_the_wallboard_charts_the_day_so_far_per_half_hour(supervisor_client):
    make_call(queued=0, wait=10)                  # 09:00 Paris
    make_call(queued=60, wait=40)
    make_call(queued=3600 + 60, abandoned=True, wait=30)  # 10:00; nothing at 09:30

    response = supervisor_client.get(reverse("calls:wallboard"))

    volume = _chart(response.text, "Calls per half hour today")
    # 09:00 to now (11:40 Paris): six half hours, the empty ones drawn as empty
    assert "<desc>Answered: 2, 0, 0, 0, 0, 0; Abandoned: 0, 0, 1, 0, 0, 0</desc>" in volume
    assert ">11:30<" in volume
    level = _chart(response.text, "Service level per half hour today")
    assert "<desc>Service level: 50 %, -, -, -, -, -</desc>" in level


def test_the_wallboard_refresh_keeps_the_charts(supervisor_client):
    make_call(queued=0)

    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        response = supervisor_client.get(reverse("calls:wallboard_figures"))

    assert 'data-testid="wb-charts"' in response.text


def test_the_wallboard_colours_the_service_level_against_the_target(supervisor_client,
                                                                   settings):
    settings.CALLS_SL_TARGET = 40
    make_call(queued=0, wait=10)
    make_call(queued=60, wait=40)  # 50 %: under 80, above 40

    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        response = supervisor_client.get(reverse("calls:wallboard"))

    assert re.search(r'class="wb-tile good" data-testid="wb-sl"', response.text)


def test_the_planner_charts_operators_needed_against_rostered(supervisor_client, supervisor):
    for n in range(8):  # last Monday only: 8 calls at 09:00
        make_call(queued=-7 * 86400 + n * 200)
    Shift.objects.create(operator=supervisor, starts_at=T0,
                         ends_at=T0 + datetime.timedelta(hours=1))

    response = supervisor_client.get(reverse("calls:planner"), {
        "day": "2026-03-02", "interval": 1800, "target": 0.8, "answer_within": 20,
        "shrinkage": 0.3, "weeks": 4})

    text = response.text
    assert "Forecast from 1 past day with calls (of the 4 weeks asked)." in text
    svg = _chart(text, "Operators needed for the forecast and rostered, Mon 2 Mar")
    needed, rostered = re.search(r"<desc>Needed with shrinkage: ([^;]*); Rostered: ([^<]*)</desc>",
                                 svg).groups()
    assert needed.split(", ")[0] != "0"  # 8 calls in 09:00-09:30 need someone
    assert rostered == "1, 1"  # 09:00 and 09:30, the shift's hour
    assert ">0.5<" not in svg  # operators come whole on the value axis


def test_the_staffing_calculator_keeps_its_defaults_for_what_the_link_leaves_out(
        supervisor_client):
    response = supervisor_client.get(reverse("calls:staffing"), {
        "calls": 100, "interval": 1800, "aht": 180})

    assert 'data-testid="staffing-result"' in response.text


def test_the_report_keeps_its_defaults_for_what_the_link_leaves_out(supervisor_client):
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=False):
        make_call(agent="Agent/1001")
        response = supervisor_client.get(reverse("calls:report"), {"group": "operator"})

    assert _row_labels(response.text) == ["Agent/1001"]
