import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hotline.env import Env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("environ", "call", "message"), [
    ({"DEBUG": "maybe"}, lambda e: e.bool("DEBUG", True), "DEBUG: expected a boolean"),
    ({"EMAIL_PORT": "25x"}, lambda e: e.int("EMAIL_PORT", 25), "EMAIL_PORT: expected an integer"),
    ({"EMAIL_PORT": "0"}, lambda e: e.int("EMAIL_PORT", 25, min_value=1), "at least 1"),
    ({"TIME_ZONE": "Mars/Olympus"}, lambda e: e.timezone("TIME_ZONE", "UTC"), "TIME_ZONE: unknown"),
    ({"DATABASE_URL": "mysql://x/y"},
     lambda e: e.database("DATABASE_URL", "sqlite:///x"), "DATABASE_URL: expected a URL"),
    ({"DATABASE_URL": "postgres://u@host:5432/"},
     lambda e: e.database("DATABASE_URL", "sqlite:///x"), "DATABASE_URL: names no database"),
    ({"CELERY_BROKER_URL": "http://redis"},
     lambda e: e.url("CELERY_BROKER_URL", None, schemes=("redis",)), "CELERY_BROKER_URL"),
    ({"LOG_LEVEL": "LOUD"}, lambda e: e.choice("LOG_LEVEL", "INFO", ["INFO", "DEBUG"]),
     "LOG_LEVEL: must be one of"),
    ({"EXCHANGES_TAX_RATE": "twenty"}, lambda e: e.decimal("EXCHANGES_TAX_RATE", "0.2"),
     "EXCHANGES_TAX_RATE: expected a decimal"),
    ({"EXCHANGES_DELIVERY_FEE": "-1"}, lambda e: e.decimal("EXCHANGES_DELIVERY_FEE", "0"),
     "non-negative"),
    ({"SWAP_REMINDER_DAYS": "3,seven"}, lambda e: e.int_list("SWAP_REMINDER_DAYS", [3]),
     "SWAP_REMINDER_DAYS: expected integers"),
    ({"SWAP_REMINDER_DAYS": "3,0"}, lambda e: e.int_list("SWAP_REMINDER_DAYS", [3], min_value=1),
     "at least 1"),
    ({"ALLOWED_HOSTS": " , "}, lambda e: e.list("ALLOWED_HOSTS", []), "ALLOWED_HOSTS"),
])
def test_a_bad_value_is_refused_with_the_variable_named(environ, call, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        call(Env(environ))


def test_a_secret_key_is_required_when_debug_is_off(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY: is required when DEBUG is off"):
        Env({}).secret_key("SECRET_KEY", debug=False, keep_in=tmp_path / "key")


def test_a_short_secret_key_is_refused_when_debug_is_off(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="at least 50"):
        Env({"SECRET_KEY": "short"}).secret_key("SECRET_KEY", debug=False,
                                                 keep_in=tmp_path / "key")


def test_the_embedded_secret_key_is_generated_once_and_kept(tmp_path):
    first = Env({}).secret_key("SECRET_KEY", debug=True, keep_in=tmp_path / "var" / "key")
    second = Env({}).secret_key("SECRET_KEY", debug=True, keep_in=tmp_path / "var" / "key")

    assert first == second
    assert len(first) >= 50


def test_valid_values_are_read():
    env = Env({"DEBUG": "off", "ALLOWED_HOSTS": "a.example, b.example", "EMAIL_PORT": "587",
               "DATABASE_URL": "postgres://u:p@db:5432/hotline"})

    assert env.bool("DEBUG", True) is False
    assert env.list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]
    assert env.int("EMAIL_PORT", 25) == 587
    assert env.database("DATABASE_URL", "sqlite:///x")["NAME"] == "hotline"


def test_database_connections_persist_with_health_checks_when_asked():
    env = Env({"DATABASE_URL": "postgres://u:p@db:5432/hotline"})

    config = env.database("DATABASE_URL", "sqlite:///x", conn_max_age=600, health_checks=True)

    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


def test_the_project_keeps_database_connections_by_default():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_negative_connection_age_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_CONN_MAX_AGE"):
        Env({"DATABASE_CONN_MAX_AGE": "-1"}).int("DATABASE_CONN_MAX_AGE", 600, min_value=0)


def _start(extra_env, *args, tmp_path):
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG")}
    environ.update({"HOTLINE_VAR_DIR": str(tmp_path), **extra_env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_start_up_stops_with_a_message_naming_the_variable(tmp_path):
    result = _start({"TIME_ZONE": "Nowhere/Atlantis"}, "check", tmp_path=tmp_path)

    assert result.returncode != 0
    assert "TIME_ZONE: unknown time zone 'Nowhere/Atlantis'" in result.stderr


def test_check_deploy_is_clean_under_production_style_settings(tmp_path):
    result = _start({"DEBUG": "false", "SECRET_KEY": "k" * 20 + "Zq8!x" * 10,
                     "ALLOWED_HOSTS": "hotline.example", "SITE_URL": "https://hotline.example"},
                    "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr + result.stdout


def test_every_variable_the_settings_read_is_documented_in_the_readme():
    import re

    settings_source = (ROOT / "hotline" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))

    undocumented = sorted(name for name in read if f"`{name}`" not in readme)

    assert read and undocumented == []


@pytest.mark.parametrize("app", sorted(
    path.parents[3].name for path in ROOT.glob("*/locale/fr/LC_MESSAGES/django.po")))
def test_every_french_catalogue_is_complete(app):
    import re

    po = (ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text()
    blocks = [block for block in po.split("\n\n") if re.search(r'^msgid "', block, re.M)]

    fuzzy = [block for block in blocks[1:] if re.search(r"^#, .*fuzzy", block, re.M)]
    empty = [block for block in blocks[1:]
             if re.search(r'^msgstr(\[\d\])? ""\s*$', block.strip().split("\n")[-1])
             and not re.search(r'^msgstr(\[\d\])? ""\n"', block, re.M)]

    assert len(blocks) > 10
    assert fuzzy == [] and empty == []


def test_a_webhook_secret_key_that_is_no_fernet_key_stops_start_up(tmp_path):
    result = _start({"WEBHOOK_SECRET_KEY": "not-a-key"}, "check", tmp_path=tmp_path)

    assert result.returncode != 0
    assert "WEBHOOK_SECRET_KEY: expected Fernet keys" in result.stderr
