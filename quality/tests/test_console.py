"""The QA console: who may see it, what it shows, and that no customer data reaches it."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from hotline.tests.factories import UserFactory
from quality.models import Alert, DefectRecord
from quality.tables import TABLES
from quality.tests.factories import catalogue_model, records

pytestmark = pytest.mark.usefixtures("fault_codes")


def qa_urls(alert=None) -> list[str]:
    urls = [reverse("quality:home"), reverse("quality:alerts"), reverse("quality:upload"),
            reverse("quality:report")]
    for name, table in TABLES.items():
        base = reverse("quality:table", args=[name])
        api = reverse("api-quality-table", args=[name])
        options = [key for key, _label in table.options] or [""]
        for by in options:
            query = f"?by={by}&start=2025-01-01" if by else "?start=2025-01-01"
            urls += [base + query, base + query + "&format=csv", api + query]
    for status in ("open", "acknowledged", "resolved"):
        urls.append(reverse("quality:alerts") + f"?status={status}")
    if alert is not None:
        urls += [reverse("quality:alert", args=[alert.pk]),
                 reverse("api-quality-alert", args=[alert.pk])]
    return urls


@pytest.mark.parametrize("role, status", [("qa", 200), ("supervisor", 200), ("operator", 403),
                                          ("technician", 403), ("distributor", 403)])
def test_only_qa_and_supervisors_reach_the_quality_pages(client, db, role, status):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("quality:home")).status_code == status
    assert client.get(reverse("quality:rates")).status_code == status


def test_the_api_refuses_other_roles(client, db):
    client.force_login(UserFactory(roles=["operator"]))

    assert client.get(reverse("api-quality-table", args=["rates"])).status_code == 403


@pytest.mark.slow
def test_no_demo_customers_name_phone_or_email_appears_anywhere_qa_can_reach(
        qa_client, django_capture_on_commit_callbacks):
    from hotline.demo import CUSTOMERS

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    # the demo's cases were diagnosed: their records come from customers' handsets
    assert DefectRecord.objects.filter(case__isnull=False).exists()
    # the demo's hidden defect is found, its control model stays quiet
    alert = Alert.objects.get(model__name="N5", fault_code="CHG-01", batch__isnull=False)
    assert not Alert.objects.filter(model__name="N5 Pro").exists()
    forbidden = set()
    for first, last, phone, email, street, *_rest in CUSTOMERS:
        forbidden |= {f"{first} {last}", last, phone, phone[3:], email, street}

    for url in qa_urls(alert):
        response = qa_client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        found = sorted(value for value in forbidden if value in text)
        assert not found, f"{url} shows {found}"


def test_every_table_downloads_as_csv_with_its_header(qa_client):
    catalogue_model()

    for name, table in TABLES.items():
        response = qa_client.get(reverse("quality:table", args=[name]) + "?format=csv")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.decode().splitlines()[0] == ",".join(k for k, _h in table.columns), name


def test_bad_filters_get_a_clear_error_not_a_500(qa_client):
    page = qa_client.get(reverse("quality:rates") + "?start=2026-05-01&end=2026-01-01&country=ZZZ")
    api = qa_client.get(reverse("api-quality-table", args=["rates"]) + "?start=yesterday")

    assert page.status_code == 400 and b"The start is after the end." in page.content
    assert api.status_code == 400 and "start" in api.json()["errors"]


def test_an_upload_with_errors_lists_them_by_line_and_imports_nothing(qa_client):
    catalogue_model()
    upload = io.BytesIO(b"date,imei,model,fault_code,batch,country,source,reference\n"
                        b"2026-03-02,123,Nordline N5,CHG-01,,FR,repair_partner,R1\n")
    upload.name = "returns.csv"

    response = qa_client.post(reverse("quality:upload"), {"kind": "field_returns", "file": upload})

    assert response.status_code == 400
    assert b"line 2, column imei" in response.content
    assert not DefectRecord.objects.exists()


def test_a_valid_upload_is_imported_and_said_so(qa_client):
    catalogue_model()
    upload = io.BytesIO(b"month,model,units,country\n2026-01,Nordline N5,1000,FR\n")
    upload.name = "base.csv"

    response = qa_client.post(reverse("quality:upload"), {"kind": "installed_base", "file": upload},
                              follow=True)

    assert b"1 added" in response.content


def _alert(model):
    from diagnostics.models import FaultCode

    return Alert.objects.create(model=model, fault_code=FaultCode.objects.get(pk="CHG-01"),
                                first_week=datetime.date(2026, 11, 2),
                                detected_week=datetime.date(2026, 11, 16),
                                last_week=datetime.date(2026, 11, 16), observed=12, expected=2.3,
                                statistic=9.1, method="poisson-cusum", evidence={})


def test_qa_acknowledges_takes_and_resolves_an_alert_with_notes(qa_client, qa):
    alert = _alert(catalogue_model())
    url = reverse("quality:alert_act", args=[alert.pk])

    qa_client.post(url, {"action": "acknowledge", "note": "Asked the factory for B2609 data"})
    qa_client.post(url, {"action": "resolve", "note": "Port supplier changed"})

    alert.refresh_from_db()
    assert (alert.status, alert.owner) == ("resolved", qa)
    assert list(alert.notes.values_list("text", flat=True)) == [
        "Asked the factory for B2609 data", "Port supplier changed"]
    page = qa_client.get(reverse("quality:alerts") + "?status=resolved")
    assert b"Nordline N5" in page.content


def test_an_illegal_alert_action_is_refused_with_a_message(qa_client):
    alert = _alert(catalogue_model())

    response = qa_client.post(reverse("quality:alert_act", args=[alert.pk]), {"action": "reopen"},
                              follow=True)

    alert.refresh_from_db()
    assert alert.status == "open"
    assert "Not possible now: “Reopened”".encode() in response.content


def test_the_weekly_report_is_a_pdf(qa_client):
    _alert(catalogue_model())

    response = qa_client.get(reverse("quality:report") + "?as_of=2026-11-29")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_monday_report_is_mailed_to_the_qa_group(qa, db):
    from django.core import mail

    from quality.tasks import weekly_report

    weekly_report.apply(kwargs={"as_of": "2026-11-30"})

    assert mail.outbox[0].to == ["qa1@hotline.example"]
    assert mail.outbox[0].attachments[0][0] == "quality-report-2026-11-23.pdf"


def test_the_records_api_pages_through_every_record_and_never_cuts(qa_client):
    model = catalogue_model()
    records(model, "CHG-01", datetime.date(2026, 3, 2), 7)  # written as the product writes: roll-ups kept
    url = reverse("api-quality-table", args=["records"]) + "?start=2026-01-01&end=2026-06-30"
    first = qa_client.get(url + "&page_size=3").json()
    assert (first["count"], first["page"], len(first["results"])) == (7, 1, 3)
    seen = [row["imei"] for row in first["results"]]
    following = first["next"]
    while following:
        body = qa_client.get(following).json()
        seen += [row["imei"] for row in body["results"]]
        following = body["next"]
    assert len(seen) == 7
    assert {"name", "phone", "email", "street"}.isdisjoint(first["results"][0])


@pytest.mark.parametrize("query", ["page=0", "page=abc", "page_size=1001", "page_size=-1"])
def test_a_bad_records_page_is_refused_naming_the_field(qa_client, query):
    response = qa_client.get(reverse("api-quality-table", args=["records"]) + "?" + query)
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


def test_the_records_csv_streams_every_record(qa_client):
    model = catalogue_model()
    records(model, "CHG-01", datetime.date(2026, 3, 2), 4, rollup=False)
    response = qa_client.get(reverse("quality:table", args=["records"])
                             + "?start=2026-01-01&end=2026-06-30&format=csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 1 + 4


def test_the_movers_change_column_reads_as_a_difference_in_french():
    from django.utils import translation

    with translation.override("fr"):
        assert str(dict(TABLES["movers"].columns)["change"]) == "Variation"


def test_the_quality_home_movers_change_column_is_a_difference_in_french(qa_client):
    qa_client.cookies["django_language"] = "fr"
    from django.utils import translation

    with translation.override("en"):  # the French request leaves no French behind
        page = qa_client.get(reverse("quality:home")).content.decode()
    assert '<th class="num">Variation</th>' in page
    assert '<th class="num">Changer</th>' not in page


def test_shares_and_figures_read_in_french_and_align_as_figures(qa_client):
    model = catalogue_model()
    records(model, "CHG-01", datetime.date(2026, 3, 4), 3, verdict="confirmed")
    records(model, "CHG-01", datetime.date(2026, 3, 4), 1, verdict="nff")
    qa_client.cookies["django_language"] = "fr"
    from django.utils import translation

    with translation.override("en"):
        page = qa_client.get(reverse("quality:table", args=["nff"])
                             + "?start=2026-03-01&end=2026-03-31").content.decode()
    assert '<td class="num">25,0\u00a0%</td>' in page  # 1 of 4 examined, not "25.0 %"
    assert '<th class="num">Expertisés</th>' in page


def test_the_alert_method_is_said_in_words_in_french(qa_client):
    from quality.tests.factories import rising_batch_history
    from quality.warning import alerts_scan

    rising_batch_history()
    alert = alerts_scan(as_of=datetime.date(2026, 11, 29))[0]
    qa_client.cookies["django_language"] = "fr"
    from django.utils import translation

    with translation.override("en"):
        page = qa_client.get(reverse("quality:alert", args=[alert.pk])).content.decode()
    assert ("CUSUM de Poisson : signale un taux de défaillance 3 fois celui de la référence dès "
            "que la statistique atteint 8") in page


def test_the_import_page_puts_french_spacing_before_its_colons(qa_client):
    qa_client.cookies["django_language"] = "fr"
    from django.utils import translation

    with translation.override("en"):
        page = qa_client.get(reverse("quality:upload")).content.decode()
    assert "Retours terrain\u00a0: <code>" in page


def test_the_trend_chart_scales_its_axis_to_small_rates(qa_client):
    from quality.tests.factories import shipped

    model = catalogue_model()
    shipped(model, "2026-01", 100000)
    records(model, "CHG-01", datetime.date(2026, 3, 4), 5)  # 0.05 per 1,000 units
    page = qa_client.get(reverse("quality:table", args=["trend"])
                         + "?start=2026-03-02&end=2026-03-29").content.decode()
    assert ">0.05<" in page and ">0.9<" not in page  # not a flat line at the foot of 0..1


ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _visible(page: str) -> str:
    """The page's text as read: no tags, attributes (links, form values) or scripts."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    page = re.sub(r'<input[^>]*type="date"[^>]*>', "", page)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.mark.parametrize("language, week", [("en", "week of 2 Nov"),
                                             ("fr", "semaine du 2 nov.")])
def test_the_qa_pages_say_dates_and_weeks_in_the_readers_language(qa_client, language, week):
    from quality.tests.factories import rising_batch_history
    from quality.warning import alerts_scan

    rising_batch_history()
    alert = alerts_scan(as_of=datetime.date(2026, 11, 29))[0]
    Alert.objects.filter(pk=alert.pk).update(first_week=datetime.date(2026, 11, 2))
    qa_client.cookies["django_language"] = language
    pages = [u for u in qa_urls(alert) if "format=csv" not in u and "/api/" not in u
             and "report" not in u]
    pages += [reverse("quality:table", args=["trend"]) + "?start=2026-09-01&end=2026-11-29",
              reverse("quality:table", args=["records"]) + "?start=2026-01-01&end=2026-11-29"]

    for url in pages:
        page = qa_client.get(url).content.decode()
        assert not ISO_DATE.findall(_visible(page)), url
    assert week in qa_client.get(reverse("quality:alert", args=[alert.pk])).content.decode()
    trend = qa_client.get(reverse("quality:table", args=["trend"])
                          + "?start=2026-09-01&end=2026-11-29&format=csv").content.decode()
    assert ISO_DATE.search(trend)  # the CSV keeps ISO dates


@pytest.mark.parametrize("language, script, node", [
    ("en", "Won't charge", "the charging port is faulty"),
    ("fr", "Ne charge pas", "le connecteur de charge est défaillant")])
def test_scripts_and_end_nodes_are_shown_by_their_titles_not_their_ids(
        qa_client, language, script, node):
    from pathlib import Path

    from django.conf import settings

    from diagnostics.services import script_publish

    script_publish(text=(Path(settings.BASE_DIR) / "fixtures/scripts/wont-charge.yaml")
                   .read_text(), filename="wont-charge.yaml")
    model = catalogue_model()
    records(model, "CHG-01", datetime.date(2026, 3, 4), 2, verdict="nff",
            script="wont-charge", end_node="o_port")
    qa_client.cookies["django_language"] = language
    query = "?start=2026-03-01&end=2026-03-31"

    nff = qa_client.get(reverse("quality:table", args=["nff"]) + query + "&by=end_node")
    listed = qa_client.get(reverse("quality:table", args=["records"]) + query)
    csv_text = qa_client.get(reverse("quality:table", args=["nff"]) + query
                             + "&by=end_node&format=csv").content.decode()

    for page in (nff.content.decode(), listed.content.decode()):
        assert script in page.replace("&#x27;", "'") and node in page
        assert "o_port" not in page
    assert "wont-charge / o_port" in csv_text  # the export keeps the ids
