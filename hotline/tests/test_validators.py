import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from hotline.validators import (
    imei_with_check_digit,
    normalise_phone,
    normalise_postcode,
    validate_imei,
)

fourteen_digits = st.text(alphabet="0123456789", min_size=14, max_size=14).filter(
    lambda s: len(set(s)) > 1 and s[:8] not in {"00000000", "01234567", "12345678",
                                                "35000000", "99999999"})


@given(fourteen_digits)
def test_every_valid_imei_is_accepted(first14):
    imei = imei_with_check_digit(first14)

    assert validate_imei(imei) == imei


@given(fourteen_digits, st.integers(min_value=0, max_value=14), st.integers(1, 9))
def test_every_single_digit_corruption_is_refused(first14, position, shift):
    imei = imei_with_check_digit(first14)
    corrupted = imei[:position] + str((int(imei[position]) + shift) % 10) + imei[position + 1:]

    with pytest.raises(ValidationError):
        validate_imei(corrupted)


def test_it_accepts_an_imei_typed_with_spaces_and_dashes():
    assert validate_imei("35-999101 000011/2") == "359991010000112"


@pytest.mark.parametrize(("value", "code"), [
    ("35999101000011", "imei_length"),
    ("3599910100001122", "imei_length"),
    ("35999101000011X", "imei_not_digits"),
    ("000000000000000", "imei_dummy"),
    ("111111111111116", "imei_dummy"),
    ("359991010000113", "imei_check_digit"),
])
def test_it_refuses_a_bad_imei_with_the_precise_reason(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_imei(value)

    assert excinfo.value.error_list[0].code == code


def test_the_check_digit_message_names_the_expected_digit():
    with pytest.raises(ValidationError, match=r"expected 2"):
        validate_imei("359991010000113")


def test_luhn_agrees_with_the_generated_check_digit():
    assert luhn.is_valid(imei_with_check_digit("49015420323751"))
    assert imei_with_check_digit("49015420323751") == "490154203237518"


@pytest.mark.parametrize(("typed", "region", "e164"), [
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("06.12.34.56.78", "FR", "+33612345678"),
    ("+33 6 12 34 56 78", "DE", "+33612345678"),
    ("0033612345678", "FR", "+33612345678"),
    ("(0)6-12-34-56-78", "FR", "+33612345678"),
    ("0151 23456789", "DE", "+4915123456789"),
    ("+49 (0)151 23456789", "FR", "+4915123456789"),
    ("0470 12 34 56", "BE", "+32470123456"),
    ("07911 123456", "GB", "+447911123456"),
    ("+44 7911 123456", "FR", "+447911123456"),
    ("612 34 56 78", "ES", "+34612345678"),
    ("(202) 555-0142", "US", "+12025550142"),
])
def test_phone_numbers_are_normalised_to_e164(typed, region, e164):
    assert normalise_phone(typed, region) == e164


@pytest.mark.parametrize("typed", ["12", "hello", "06 12 34", "+33 1"])
def test_it_refuses_what_is_not_a_phone_number(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed, "FR")


@pytest.mark.parametrize(("typed", "country", "expected"), [
    ("75002", "FR", "75002"),
    ("1012 ab", "NL", "1012 AB"),
    ("sw1a 1aa", "GB", "SW1A 1AA"),
    ("1000", "BE", "1000"),
])
def test_postcodes_are_normalised(typed, country, expected):
    assert normalise_postcode(typed, country) == expected


@pytest.mark.parametrize(("typed", "country"), [("7500", "FR"), ("ABCDE", "DE"), ("12345", "BE")])
def test_it_refuses_a_postcode_that_does_not_fit_the_country(typed, country):
    with pytest.raises(ValidationError, match=country):
        normalise_postcode(typed, country)


def _full_path(typed: str, region: str) -> str | None:
    """The generic phonenumbers path that normalise_phone skips for French numbers."""
    import phonenumbers

    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9),
       st.sampled_from(["0", "+33"]), st.sampled_from(["FR", "DE", "BE"]))
def test_french_numbers_fast_path_gives_what_phonenumbers_gives(digits, prefix, region):
    from hotline.validators import _french_fast

    typed = prefix + digits
    fast = _french_fast(typed, region)
    if fast is not None:  # taken: the very number the full path builds, and valid
        assert fast == _full_path(typed, region)
    expected = _full_path(typed, region)
    if expected is None:
        with pytest.raises(ValidationError):
            normalise_phone(typed, region)
    else:
        assert normalise_phone(typed, region) == expected


def test_french_numbers_fast_path_is_taken_only_for_french_national_or_e164():
    from hotline.validators import _french_fast

    assert _french_fast("0612345678", "FR") == "+33612345678"
    assert _french_fast("+33612345678", "DE") == "+33612345678"
    assert _french_fast("0612345678", "DE") is None  # a German national number
    assert _french_fast("0012345678", "FR") is None
    assert _french_fast("06 12 34 56 78", "FR") is None  # the full path reads spaces
    assert _french_fast("0６12345678", "FR") is None  # non-ASCII digits: the full path
