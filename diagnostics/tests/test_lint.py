"""Every linter rule, fed a deliberately broken script: the message names file, line, node.

Line numbers refer to diagnostics.tests.factories.SAMPLE.
"""

import pytest

from diagnostics.scripts.lint import lint_text
from diagnostics.tests.factories import SAMPLE

CODES = {"BAT-01", "BAT-02", "BAT-03"}
SYMPTOMS = {"battery_drain", "screen"}


def lint(text):
    return [str(message) for message in lint_text(
        text, filename="broken.yaml", fault_codes=CODES, symptoms=SYMPTOMS).messages]


def test_the_sample_script_passes():
    assert lint(SAMPLE) == []


def test_a_missing_target_is_named_with_the_line_of_the_choice():
    text = SAMPLE.replace("next: o_swollen}", "next: o_exploded}")

    assert "broken.yaml:11: node 'q_swollen': answer 'swollen' leads to missing node " \
           "'o_exploded'" in lint(text)


def test_an_unreachable_node_is_refused():
    text = SAMPLE.replace("if_helped: o_settings", "if_helped: o_degraded")

    assert lint(text) == [
        "broken.yaml:37: node 'o_settings': unreachable node: no path from the start leads here"]


def test_a_path_that_can_loop_is_refused():
    text = SAMPLE.replace("if_not_helped: o_degraded", "if_not_helped: q_swollen")

    assert lint(text) == [
        "broken.yaml:22: node 'i_settings': a path can loop: "
        "q_swollen -> m_health -> i_settings -> q_swollen"]


def test_a_path_that_does_not_end_in_an_outcome_is_refused():
    text = SAMPLE.replace("if_helped: o_settings", "if_helped: q_dead") + (
        "  - id: q_dead\n"
        "    kind: question\n"
        "    text: {en: Dead end, fr: Impasse}\n"
        "    choices: []\n")

    assert "broken.yaml:42: node 'q_dead': a path ends here without reaching an outcome" in (
        lint(text))


def test_an_unknown_fault_code_is_refused():
    text = SAMPLE.replace("fault_code: BAT-02", "fault_code: BAT-99")

    assert lint(text) == ["broken.yaml:40: node 'o_settings': unknown fault code 'BAT-99'"]


def test_overlapping_ranges_are_refused():
    text = SAMPLE.replace("{from: 80, to: 100", "{from: 70, to: 100")

    assert lint(text) == [
        "broken.yaml:21: node 'm_health': overlapping ranges: 70 to 80 is in two ranges "
        "(lines 20 and 21)"]


def test_a_gap_between_ranges_is_refused():
    text = SAMPLE.replace("{from: 80, to: 100", "{from: 85, to: 100")

    assert lint(text) == ["broken.yaml:21: node 'm_health': gap in ranges: 80 to 85 is not covered"]


def test_ranges_that_stop_short_of_the_bounds_are_refused():
    text = SAMPLE.replace("{from: 80, to: 100", "{from: 80, to: 95")

    assert lint(text) == ["broken.yaml:21: node 'm_health': gap in ranges: 95 to 100 is not covered"]


def test_a_missing_translation_is_refused():
    text = SAMPLE.replace('text: {en: "Change the settings.", fr: "Changez les réglages."}',
                          'text: {en: "Change the settings."}')

    assert lint(text) == ["broken.yaml:24: node 'i_settings': missing French translation of text"]


def test_a_missing_translation_of_a_choice_label_is_refused():
    text = SAMPLE.replace('label: {en: "Flat", fr: "Plate"}', 'label: {en: "Flat", fr: ""}')

    assert lint(text) == ["broken.yaml:12: node 'q_swollen': missing French translation of the "
                          "label of choice 'flat'"]


def test_a_duplicate_node_id_names_both_lines():
    text = SAMPLE.replace("  - id: o_settings", "  - id: o_degraded")

    assert "broken.yaml:37: node 'o_degraded': duplicate node id (first defined on line 32)" in (
        lint(text))


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("symptom: battery_drain", "symptom: hiccups",
     "broken.yaml:2: unknown symptom 'hiccups' (known: battery_drain, screen)"),
    ("action: advice", "action: pray", "broken.yaml:39: node 'o_settings': an outcome needs an "
                                       "action: one of advice, swap, visit, referral"),
    ("kind: instruction", "kind: tutorial", "broken.yaml:22: node 'i_settings': unknown kind "
     "'tutorial' (one of question, instruction, measurement, outcome)"),
    ("start: q_swollen", "start: q_nowhere",
     "broken.yaml:5: the start node 'q_nowhere' does not exist"),
])
def test_schema_mistakes_are_named(old, new, expected):
    assert expected in lint(SAMPLE.replace(old, new))


def test_a_yaml_syntax_error_names_its_line():
    text = SAMPLE.replace('    unit: "%"', "    unit: [%")

    assert lint(text) == [
        "broken.yaml:16: invalid YAML: found character '%' that cannot start any token"]


def test_an_unquoted_yes_as_a_choice_id_is_refused_because_yaml_reads_a_boolean():
    text = SAMPLE.replace("{id: flat,", "{id: yes,")

    assert "broken.yaml:12: node 'q_swollen': choice id True must be lower-case letters, digits " \
           "and underscores (quote yes/no)" in lint(text)
