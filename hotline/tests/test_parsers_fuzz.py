"""Property tests (Hypothesis) of the identifier parsers: whatever the text, each returns a
normalised value or raises ValidationError, never anything else, and what it returns is
accepted again unchanged."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline import jsonsafe
from hotline.validators import (
    imei_with_check_digit,
    normalise_country,
    normalise_phone,
    normalise_postcode,
    validate_imei,
)

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
DIGITS = st.text(alphabet=st.characters(categories=["Nd"]), max_size=20)
ANY_TEXT = st.text(max_size=60)
COUNTRIES = st.sampled_from(["FR", "BE", "DE", "NL", "GB", "PT", "PL", "IE", "US", "MC", "CH",
                             "JP", "ZZ", "", "1", "fr"])


def _refused_or(func, *args):
    try:
        return func(*args)
    except ValidationError as exc:
        assert exc.messages and all(exc.messages)
        return None


@FUZZ
@given(ANY_TEXT | DIGITS)
def test_an_imei_parses_or_is_refused_with_a_reason(text):
    imei = _refused_or(validate_imei, text)

    if imei is not None:
        assert len(imei) == 15 and imei.isascii() and imei.isdigit()
        assert validate_imei(imei) == imei


@FUZZ
@given(st.text(alphabet="0123456789", min_size=14, max_size=14).filter(
    lambda s: len(set(s)) > 1 and s[:8] not in {"00000000", "01234567", "12345678", "35000000",
                                                "99999999"}))
def test_every_imei_with_its_check_digit_is_valid_in_any_unicode_digits(first14):
    imei = imei_with_check_digit(first14)
    arabic = "".join(chr(0x0660 + int(d)) for d in imei)

    assert validate_imei(imei) == imei
    assert validate_imei(arabic) == imei


@FUZZ
@given(ANY_TEXT, COUNTRIES)
def test_a_phone_number_parses_to_e164_or_is_refused(text, country):
    number = _refused_or(normalise_phone, text, country)

    if number is not None:
        assert number.startswith("+") and number[1:].isdigit()
        assert normalise_phone(number) == number


@FUZZ
@given(ANY_TEXT | DIGITS, COUNTRIES)
def test_a_postcode_normalises_or_is_refused(text, country):
    code = _refused_or(normalise_postcode, text, country)

    if code is not None:
        assert code.isascii()
        assert normalise_postcode(code, country) == code


@FUZZ
@given(ANY_TEXT)
def test_a_country_is_two_ascii_capitals_or_refused(text):
    code = _refused_or(normalise_country, text)

    if code is not None:
        assert len(code) == 2 and code.isascii() and code.isupper()


JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=3), children, max_size=3), max_leaves=40)


@FUZZ
@given(st.text(alphabet='[]{}":,0 \\a', max_size=200) | st.text(max_size=100))
def test_json_bodies_parse_or_raise_value_error(text):
    try:
        jsonsafe.loads(text)
    except ValueError:
        pass


@FUZZ
@given(JSON_TEXT)
def test_json_within_the_depth_bound_round_trips(value):
    import json

    text = json.dumps(value)

    if jsonsafe.depth(value) <= jsonsafe.MAX_DEPTH:
        assert jsonsafe.loads(text) == value


@pytest.mark.parametrize("depth", [jsonsafe.MAX_DEPTH + 1, 1000, 100_000])
def test_deep_json_is_refused(depth):
    with pytest.raises(ValueError):
        jsonsafe.loads("[" * depth + "]" * depth)
