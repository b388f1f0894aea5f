"""lint_scripts and import_scripts, and the admin upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from diagnostics.models import Script, ScriptVersion
from diagnostics.tests.factories import SAMPLE
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_lint_scripts_fails_with_every_message_on_a_broken_file(tmp_path, fault_codes, capsys):
    (tmp_path / "good.yaml").write_text(SAMPLE)
    (tmp_path / "bad.yaml").write_text(SAMPLE.replace("BAT-02", "ZZZ-1"))

    with pytest.raises(CommandError) as error:
        call_command("lint_scripts", str(tmp_path))

    assert error.value.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}:40: node 'o_settings': unknown fault code 'ZZZ-1'" in (
        capsys.readouterr().err)


def test_lint_scripts_refuses_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("lint_scripts", str(tmp_path / "nope.yaml"))


def test_import_scripts_publishes_once_and_is_idempotent(tmp_path, fault_codes):
    (tmp_path / "sample.yaml").write_text(SAMPLE)

    call_command("import_scripts", str(tmp_path))
    call_command("import_scripts", str(tmp_path))

    assert ScriptVersion.objects.count() == 1


def test_import_scripts_publishes_nothing_when_one_file_is_broken(tmp_path, fault_codes):
    (tmp_path / "a.yaml").write_text(SAMPLE)
    (tmp_path / "b.yaml").write_text(SAMPLE.replace("id: sample", "id: other").replace(
        "next: m_health", "next: m_nowhere"))

    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_scripts", str(tmp_path))

    assert not Script.objects.exists()


@pytest.fixture
def admin_client(client):
    user = UserFactory(roles=["supervisor"])
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_an_uploaded_script_is_published(admin_client, fault_codes):
    upload = SimpleUploadedFile("sample.yaml", SAMPLE.encode())

    response = admin_client.post("/admin/diagnostics/script/upload/", {"file": upload})

    assert response.status_code == 302
    assert ScriptVersion.objects.get().published_by is not None


def test_an_uploaded_broken_script_is_refused_with_the_linter_messages(admin_client, fault_codes):
    upload = SimpleUploadedFile("broken.yaml", SAMPLE.replace("fr: \"Plate\"", "fr: \"\"").encode())

    response = admin_client.post("/admin/diagnostics/script/upload/", {"file": upload})

    assert response.status_code == 200
    assert "broken.yaml:12: node &#x27;q_swollen&#x27;: missing French translation" in (
        response.content.decode())
    assert not ScriptVersion.objects.exists()


def test_publishing_needs_the_fault_code_in_the_database(db):
    from diagnostics.scripts.lint import ScriptLintError
    from diagnostics.tests.factories import publish_sample

    with pytest.raises(ScriptLintError, match="unknown fault code 'BAT-03'"):
        publish_sample()


def test_import_scripts_loads_the_fault_catalogue_first(tmp_path, db):
    (tmp_path / "sample.yaml").write_text(SAMPLE)

    call_command("import_scripts", str(tmp_path))

    assert ScriptVersion.objects.count() == 1
