"""Every machine name the console shows (a transition, a recorded event, a customer message, a
state) has a human name in hotline.names, and the French console shows it in French."""

import ast
import pathlib

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django_fsm import FSMFieldMixin

from hotline import names

APPS = ["hotline", "calls", "carriers", "diagnostics", "exchanges", "partners", "payments",
        "quality", "repairs", "selfservice"]
ROOT = pathlib.Path(settings.BASE_DIR)


def _transition_names() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, FSMFieldMixin):
                found |= {t.name for t in field.get_all_transitions(model)}
    return found


def _recorded_event_names() -> set[str]:
    """The `action=` of every record_event call in the apps' code (literal or a conditional of
    literals)."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call)
                        and getattr(node.func, "id", getattr(node.func, "attr", "")) == "record_event"):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found |= {c.value for c in ast.walk(keyword.value)
                                  if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def _message_names() -> set[str]:
    return {path.name.removesuffix("_subject.txt")
            for app in APPS for path in (ROOT / app / "templates" / "notifications").glob("*_subject.txt")}


def test_every_transition_has_a_human_name():
    missing = _transition_names() - set(names.event_names())

    assert not missing, f"transitions without a name in hotline.names: {sorted(missing)}"


def test_every_recorded_event_has_a_human_name():
    recorded = _recorded_event_names()

    assert {"opened", "swap_requested", "decision_confirmed"} <= recorded  # the scan works
    missing = recorded - set(names.event_names())
    assert not missing, f"recorded events without a name in hotline.names: {sorted(missing)}"


def test_every_customer_message_has_a_human_name():
    templates = _message_names()

    assert {"swap_promised", "case_opened"} <= templates
    missing = templates - set(names.message_names())
    assert not missing, f"messages without a name in hotline.names: {sorted(missing)}"


@pytest.mark.parametrize("key, english, french", [
    ("start_diagnosis", "Diagnosis started", "Diagnostic commencé"),
    ("swap_requested", "Swap ordered", "Échange commandé"),
])
def test_an_event_is_named_in_the_user_language(key, english, french):
    with translation.override("en"):
        assert names.event_name(key) == english
    with translation.override("fr"):
        assert names.event_name(key) == french


def test_a_message_and_a_state_are_named_in_french():
    with translation.override("fr"):
        assert names.message_name("swap_promised") == "Échange promis"
        assert names.state_name("in_service", "hotline.case") == "en intervention"


def test_a_state_is_named_by_its_model_when_two_machines_share_the_value():
    with translation.override("en"):
        assert names.state_name("received", "repairs.referral") == "at the service point"
        assert names.state_name("received", "repairs.repairorder") == (
            "received at the repair centre")
        assert names.state_name("received", apps.get_model("repairs", "Referral")) == (
            "at the service point")


@pytest.mark.django_db
def test_the_case_timeline_names_a_referral_state_as_the_referral_machine_does(operator_client):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from hotline.models import AuditEvent
    from hotline.tests.factories import CaseFactory

    case = CaseFactory(status="referred")
    AuditEvent.objects.create(
        content_type=ContentType.objects.get_by_natural_key("repairs", "referral"),
        object_id="1", case=case, action="receive", source="awaiting_drop_off",
        target="received")

    page = operator_client.get(reverse("console:case_detail", args=[case.number])).content.decode()

    assert "awaiting drop-off → at the service point" in page
    assert "received at the repair centre" not in page


def _plain_stored_words() -> list[str]:
    """`reason=` and `actor_label=` given as a plain English literal to the calls that store
    them (record_event, transition, services): the timeline could not show them in French.
    The demo's data (demo*.py) is typed by people and left out."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts) or path.name.startswith("demo"):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    if (keyword.arg in ("reason", "actor_label")
                            and isinstance(keyword.value, ast.Constant)
                            and isinstance(keyword.value.value, str) and keyword.value.value):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: "
                                     f"{keyword.arg}={keyword.value.value!r}")
    return found


def test_every_stored_reason_and_actor_is_a_msgid_the_timeline_translates():
    plain = _plain_stored_words()

    assert not plain, ("mark them gettext_noop(...) and translate them:\n" + "\n".join(plain))


@pytest.mark.parametrize("stored, french", [
    ("visit completed", "intervention terminée"),
    ("follow-up window over", "délai de suivi écoulé"),
    ("early warning", "alerte précoce"),
])
def test_a_stored_reason_reads_in_french(stored, french):
    from hotline.i18n import stored_text

    with translation.override("fr"):
        assert stored_text(stored) == french


@pytest.mark.django_db
def test_stored_sentences_show_their_iso_dates_as_the_reader_writes_dates():
    from django.utils import translation

    from hotline.i18n import stored_text

    stored = "The warranty ended on 2025-12-01."
    with translation.override("en"):
        assert stored_text(stored) == "The warranty ended on 1 December 2025."
        # Not a date: references and impossible days are left as they are.
        assert stored_text("PAY-2026-000001, C-2026-11-30, 2025-13-45") == (
            "PAY-2026-000001, C-2026-11-30, 2025-13-45")
    with translation.override("fr"):
        assert stored_text(stored) == "La garantie a pris fin le 1 décembre 2025."
