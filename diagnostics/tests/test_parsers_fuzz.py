"""Property tests (Hypothesis) of the script YAML loader and linter: any text gives a
document or YamlSyntaxError, and the linter reports problems instead of failing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics.scripts.lint import lint_text
from diagnostics.scripts.loader import YamlSyntaxError, parse

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
YAMLISH = st.text(alphabet="abc:-[]{}'\"#&*!|>\n 0123456789.", max_size=120) | st.text(max_size=60)


@FUZZ
@given(YAMLISH)
def test_any_text_parses_or_is_a_yaml_syntax_error(text):
    try:
        parse(text)
    except YamlSyntaxError as exc:
        assert str(exc).startswith("invalid YAML")


@FUZZ
@given(YAMLISH)
def test_the_linter_reports_instead_of_failing(text):
    lint_text(text, filename="fuzz.yaml", fault_codes={"BAT-01"}, symptoms={"battery_drain"})


@pytest.mark.parametrize("text", ["[" * 5000, "a:\n" + "  - " * 2000 + "x", "{" * 3000])
def test_yaml_nested_absurdly_deep_is_a_syntax_error(text):
    with pytest.raises(YamlSyntaxError):
        parse(text)
