"""Running it: the port, the outbox log, the start-up's logins."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from hotline.demo import print_logins
from hotline.sms import send_sms

ROOT = Path(__file__).resolve().parents[2]


def _settings_value(expression, extra_env, tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL")}
    environ.update({"HOTLINE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "hotline.settings",
                    **extra_env})
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; "
                               f"print({expression})"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_site_url_follows_the_port_when_it_is_not_set(tmp_path):
    assert _settings_value("settings.SITE_URL", {"PORT": "8001"}, tmp_path) == \
        "http://127.0.0.1:8001"


def test_an_explicit_site_url_wins_over_the_port(tmp_path):
    assert _settings_value("settings.SITE_URL", {"PORT": "8001",
                                                 "SITE_URL": "https://hotline.example"},
                           tmp_path) == "https://hotline.example"


def test_without_a_broker_celery_uses_no_network_connection_and_kombu_stays_quiet(tmp_path):
    code = ("settings.CELERY_BROKER_URL + ' ' + str(settings.CELERY_TASK_ALWAYS_EAGER)")

    assert _settings_value(code, {}, tmp_path) == "memory://localhost/ True"


def test_an_eager_task_does_not_warn_about_a_missing_broker_hostname(caplog):
    from hotline.celery import app
    from hotline.tasks import outbox_relay

    with caplog.at_level("WARNING", logger="kombu"):
        outbox_relay.apply_async(kwargs={}, task_id="relay-test")

    assert app.conf.task_always_eager
    assert [r for r in caplog.records if r.name.startswith("kombu")] == []


@pytest.fixture
def outbox_log(settings, tmp_path):
    settings.OUTBOX_LOG_FILE = tmp_path / "log" / "outbox.log"
    settings.EMAIL_BACKEND = "hotline.message_log.EmailBackend"
    settings.SMS_BACKEND = "hotline.message_log.SmsBackend"
    return settings.OUTBOX_LOG_FILE


def test_the_default_backends_write_e_mails_and_sms_to_the_outbox_log(outbox_log, capsys):
    mail.send_mail("Your case HL-1", "Bonjour Camille", "hotline@localhost",
                   ["camille@example.org"])
    send_sms(to="+33612345678", body="Votre dossier HL-1 est ouvert")

    text = outbox_log.read_text()
    assert "Subject: Your case HL-1" in text and "Bonjour Camille" in text
    assert "SMS to +33612345678:\nVotre dossier HL-1 est ouvert" in text
    assert capsys.readouterr().out == ""


def test_the_outbox_log_appends(outbox_log):
    send_sms(to="+33600000001", body="first")
    send_sms(to="+33600000002", body="second")

    assert outbox_log.read_text().count("SMS to") == 2


def test_the_settings_default_to_the_outbox_log():
    from hotline import settings as project_settings

    assert project_settings.EMAIL_BACKEND == "hotline.message_log.EmailBackend"
    assert project_settings.SMS_BACKEND == "hotline.message_log.SmsBackend"
    assert str(project_settings.OUTBOX_LOG_FILE).endswith("log/outbox.log")


def test_the_start_up_lists_every_demo_login_and_says_where_messages_go(settings):
    settings.SITE_URL = "http://127.0.0.1:8001"
    out = io.StringIO()

    print_logins(stdout=out, more=[("service point", "servicepoint")])

    text = out.getvalue()
    for username in ("operator", "operator2", "supervisor", "qa", "technician", "distributor",
                     "servicepoint", "admin"):
        assert f" {username}" in text
    assert "outbox.log" in text
    assert "Console: http://127.0.0.1:8001/" in text


def test_every_app_demo_login_is_printed():
    from partners.demo import DEMO_LOGINS as partners_logins
    from repairs.demo import DEMO_LOGINS as repairs_logins

    assert ("service point", "servicepoint") in repairs_logins
    assert {name for _role, name in partners_logins} == {"telcomarket-admin", "mobilis-admin"}
