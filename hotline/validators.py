"""Validation of the identifiers the hotline lives by: IMEIs, phone numbers, postcodes.

Each check raises django.core.exceptions.ValidationError with a message an operator can act
on, so forms, the admin and the API report the same error on the same field.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries
from stdnum import luhn

# IMEIs that appear on test equipment, in fraud or when a handset's NVRAM is wiped.
_DUMMY_TACS = {"00000000", "01234567", "12345678", "35000000", "99999999"}


def ascii_digits(text: str) -> str:
    """Return `text` with every Unicode decimal digit (Arabic-Indic, Devanagari, full-width...)
    replaced by its ASCII digit; other characters are kept as they are.

    Our policy for identifiers typed or pasted by people (IMEI, postcode): such digits are
    normalised, not refused, since a phone set to Arabic shows its IMEI in them."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii()
                   else char for char in text)


def normalise_imei(value: str) -> str:
    """Return the IMEI's digits (ASCII), dropping the spaces, dashes and slashes people type."""
    return re.sub(r"[\s\-/.]", "", ascii_digits(str(value or "")))


def validate_imei(value: str) -> str:
    """Return the normalised IMEI, or raise with the precise reason it is refused."""
    imei = normalise_imei(value)
    if not (imei.isascii() and imei.isdigit()):
        raise ValidationError(_("An IMEI has only digits."), code="imei_not_digits")
    if len(imei) != 15:
        raise ValidationError(
            _("An IMEI has exactly 15 digits; this one has %(count)d.") % {"count": len(imei)},
            code="imei_length",
        )
    if len(set(imei[:14])) == 1 or imei[:8] in _DUMMY_TACS:
        raise ValidationError(
            _("%(imei)s is a placeholder IMEI, not a real handset's.") % {"imei": imei},
            code="imei_dummy",
        )
    if not luhn.is_valid(imei):
        raise ValidationError(
            _("The check digit of %(imei)s is wrong (expected %(digit)s): "
              "a digit was probably mistyped.")
            % {"imei": imei, "digit": luhn.calc_check_digit(imei[:14])},
            code="imei_check_digit",
        )
    return imei


def imei_with_check_digit(first14: str) -> str:
    """Return the 15-digit IMEI for 14 digits (TAC + serial)."""
    return first14 + luhn.calc_check_digit(first14)


def parse_phone(value: str, region: str | None = None) -> phonenumbers.PhoneNumber:
    """Parse a number as people type it; a number without a country code uses `region`."""
    region = (region or settings.PHONENUMBER_DEFAULT_REGION or "FR").upper()
    try:
        number = phonenumbers.parse(str(value), region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("%(value)s is not a phone number.") % {"value": value}, code="phone_unparsable"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(value)s is not a valid phone number for %(region)s.")
            % {"value": value, "region": phonenumbers.region_code_for_number(number) or region},
            code="phone_invalid",
        )
    return number


def normalise_phone(value: str, region: str | None = None) -> str:
    """Return the number in E.164 (+33612345678)."""
    fast = _french_fast(value, region)
    if fast is not None:
        return fast
    return phonenumbers.format_number(
        parse_phone(value, region), phonenumbers.PhoneNumberFormat.E164
    )


def _french_fast(value, region: str | None) -> str | None:
    """Return the E.164 form of a valid French number written 0XXXXXXXXX (region FR) or
    +33XXXXXXXXX, skipping phonenumbers' generic parser (three quarters of the cost, and the
    telephony imports normalise every caller): the number is the same one `parse` builds,
    and phonenumbers still decides whether it is valid. None for anything else, or invalid
    (the full path then answers, with its error). Checked against the full path by
    hotline/tests/test_validators.py."""
    if not isinstance(value, str):
        return None
    if len(value) == 12 and value.startswith("+33"):
        national = value[3:]
    elif (len(value) == 10 and value[0] == "0"
          and (region or settings.PHONENUMBER_DEFAULT_REGION or "FR").upper() == "FR"):
        national = value[1:]
    else:
        return None
    if not (national.isascii() and national.isdigit()) or national[0] == "0":
        return None
    number = phonenumbers.PhoneNumber(country_code=33, national_number=int(national))
    return f"+33{national}" if phonenumbers.is_valid_number(number) else None


# Postcode shapes for the countries the hotline serves; others get a loose check.
POSTCODE_PATTERNS = {
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "BE": r"\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "LU": r"(L-)?\d{4}",
    "CH": r"\d{4}",
    "AT": r"\d{4}",
    "PT": r"\d{4}-\d{3}",
    "PL": r"\d{2}-\d{3}",
    "IE": r"[A-Z]\d{2} ?[A-Z0-9]{4}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "US": r"\d{5}(-\d{4})?",
    "MC": r"980\d{2}",
}


def normalise_country(value: str) -> str:
    """Return the ISO 3166-1 alpha-2 code (upper case), or raise: `ZZ`, `XX`, `1` are refused."""
    code = str(value or "").strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha() or code not in countries:
        raise ValidationError(
            _("%(value)s is not an ISO 3166 country code (two letters, e.g. FR, BE, DE).")
            % {"value": value}, code="country_unknown",
        )
    return code


def normalise_postcode(value: str, country: str) -> str:
    """Return the postcode in its usual form for `country`, or raise naming the country."""
    code = re.sub(r"\s+", " ", ascii_digits(str(value or "")).strip().upper())
    country = normalise_country(country)
    pattern = POSTCODE_PATTERNS.get(country, r"[A-Z0-9][A-Z0-9 \-]{1,9}")
    if not re.fullmatch(pattern, code, flags=re.ASCII):
        raise ValidationError(
            _("%(value)s is not a valid postcode for %(country)s.")
            % {"value": value, "country": country or "?"},
            code="postcode_invalid",
        )
    return code
