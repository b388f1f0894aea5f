"""The scripts shipped in fixtures/scripts/: they lint, and every path reaches its outcome."""

import pytest
from django.core.management import call_command

from diagnostics.models import RunStatus, ScriptVersion
from diagnostics.scripts import tree as t
from diagnostics.scripts.files import default_folder, script_files
from diagnostics.scripts.loader import parse, plain
from diagnostics.services import run_answer, run_start, scripts_publish_files
from hotline.models import Symptom
from hotline.tests.factories import CaseFactory, HandsetFactory, HandsetModelFactory

SHIPPED = script_files([default_folder()])


@pytest.mark.django_db
def test_lint_scripts_passes_on_the_shipped_scripts(capsys):
    call_command("lint_scripts", str(default_folder()))

    assert f"{len(SHIPPED)} script(s) pass" in capsys.readouterr().out


def test_every_symptom_but_other_has_a_script():
    symptoms = {plain(parse(path.read_text("utf-8")))["symptom"] for path in SHIPPED}

    assert symptoms == set(Symptom.values) - {"other"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_every_path_of_the_script_reaches_its_outcome(path, fault_codes, operator):
    scripts_publish_files(paths=[path])
    version = ScriptVersion.objects.get(source_name=path.name)
    model_name = version.handset_models[0].split(" ", 1)[1] if version.handset_models else "X1"
    handset_model = HandsetModelFactory(brand="Nordline", name=model_name)
    paths = t.all_paths(version.tree)

    for walk in paths:
        case = CaseFactory(handset=HandsetFactory(model=handset_model), symptom=version.symptom)
        run = run_start(case=case, version=version, actor=operator)
        for step, (node_id, answer, value) in enumerate(walk[:-1]):
            assert run.current_node == node_id
            run = run_answer(run=run, step=step, answer=None if value is not None else answer,
                             value=value, actor=operator)
        outcome = version.node(walk[-1][0])
        assert (run.status, run.current_node, run.fault_code_id, run.action) == (
            RunStatus.COMPLETED, outcome["id"], outcome["fault_code"], outcome["action"])
    assert len(paths) >= 3
