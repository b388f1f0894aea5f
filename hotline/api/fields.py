"""Serializer fields shared by every app's API, so a value is checked the same way wherever
it enters: countries against ISO 3166, dates inside the range the code can compute with."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hotline.timeutils import DATE_MAX, DATE_MIN
from hotline.validators import normalise_country


class CountryField(serializers.CharField):
    """An ISO 3166-1 alpha-2 country code, returned in upper case."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("help_text", "ISO 3166-1 alpha-2 country code, e.g. FR")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return normalise_country(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


_RANGE_MESSAGE = _("Give a date between %(min)s and %(max)s.")


class BoundedDateField(serializers.DateField):
    """A date inside the range every report and promise can compute with."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not DATE_MIN <= day <= DATE_MAX:
            raise serializers.ValidationError(
                _RANGE_MESSAGE % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()})
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    """A date-time inside the range every report and promise can compute with."""

    def enforce_timezone(self, value):
        # Checked before the time zone is applied: 0001-01-01 shifted by an offset overflows.
        if not DATE_MIN <= value.date() <= DATE_MAX:
            raise serializers.ValidationError(
                _RANGE_MESSAGE % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()})
        return super().enforce_timezone(value)


def date_in_range(day: datetime.date) -> bool:
    return DATE_MIN <= day <= DATE_MAX


class PeriodInputSerializer(serializers.Serializer):
    """`since` and `until` query parameters: both optional, bounded, `since` before `until`.

    A value that is not a date-time is refused (400 naming the parameter), never ignored."""

    since = BoundedDateTimeField(required=False)
    until = BoundedDateTimeField(required=False)

    def validate(self, data):
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise serializers.ValidationError({"until": [_("Must be after since.")]})
        return data


def postcode_checked(data: dict, *, postcode: str = "postcode", country: str = "country") -> dict:
    """Normalise data[postcode] for data[country] (the postcode shapes of hotline.validators)."""
    from hotline.validators import normalise_postcode

    if data.get(postcode) and data.get(country):
        try:
            data[postcode] = normalise_postcode(data[postcode], data[country])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({postcode: exc.messages}) from None
    return data


class EventTimeField(BoundedDateTimeField):
    """When something reported from outside happened: not more than a few minutes ahead of
    our clock (a telephony platform or a courier cannot report the future)."""

    future_tolerance = datetime.timedelta(hours=1)

    def to_internal_value(self, value):
        from django.utils import timezone

        moment = super().to_internal_value(value)
        if moment > timezone.now() + self.future_tolerance:
            raise serializers.ValidationError(_("This time is in the future."))
        return moment
