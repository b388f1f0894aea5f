import pytest
from django.apps import apps
from django.core.management import call_command


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count()
            for config in apps.get_app_configs()
            if config.name in ("hotline", "diagnostics", "exchanges", "carriers", "calls")
            for model in config.get_models()}


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_twice_neither_fails_nor_duplicates(capsys):
    call_command("load_demo")
    first = _row_counts()

    call_command("load_demo")

    assert _row_counts() == first
    assert first["hotline.Case"] > 0 and first["hotline.Customer"] > 0
    assert "password for all" in capsys.readouterr().out
