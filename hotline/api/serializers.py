from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from hotline.api.fields import BoundedDateField, CountryField
from hotline.models import Address, Customer, Symptom
from hotline.validators import normalise_phone, normalise_postcode, validate_imei


def _django_validator(func):
    def run(value, *args):
        try:
            return func(value, *args)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    return run


class AddressInputSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=12)
    city = serializers.CharField(max_length=100)
    access_notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CustomerInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=80)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40)
    country = CountryField(default="FR")
    language = serializers.ChoiceField(choices=["en", "fr"], default="fr")
    address = AddressInputSerializer()

    def validate(self, data):
        country = data["country"]
        errors = {}
        try:
            data["phone"] = _django_validator(normalise_phone)(data["phone"], country)
        except serializers.ValidationError as exc:
            errors["phone"] = exc.detail
        try:
            data["address"]["postcode"] = _django_validator(normalise_postcode)(
                data["address"]["postcode"], country)
        except serializers.ValidationError as exc:
            errors["address"] = {"postcode": exc.detail}
        if errors:
            raise serializers.ValidationError(errors)
        return data


class CaseCreateInputSerializer(serializers.Serializer):
    imei = serializers.CharField(max_length=20)
    model_id = serializers.IntegerField(required=False, help_text=_(
        "The handset model, needed only when the IMEI's TAC is not in the catalogue."))
    purchase_date = BoundedDateField(required=False)
    symptom = serializers.ChoiceField(choices=Symptom.choices)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    customer = CustomerInputSerializer()
    second_case = serializers.BooleanField(required=False, default=False, help_text=_(
        "Open a second case although the handset has one at work (refused with 409 "
        "open_case_exists and its number in open_case otherwise). Only a user with the "
        "supervisor's capability to override decisions may ask; anyone else gets 403."))

    def validate_imei(self, value):
        return _django_validator(validate_imei)(value)


class CustomerOutputSerializer(serializers.ModelSerializer):
    phones = serializers.SerializerMethodField()

    def get_phones(self, customer) -> list[str]:
        """Return the customer's numbers in E.164 (a PhoneNumber object is not JSON): those a
        search page read for all its customers at once, else the customer's own."""
        phones = getattr(customer, "page_phones", None)
        if phones is None:
            phones = customer.phones.all()
        return [str(phone.number) for phone in phones]

    class Meta:
        model = Customer
        fields = ["id", "first_name", "last_name", "email", "country", "language", "phones"]


class CustomerSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=100, help_text=_(
        "A phone number (any common format), an IMEI or its first 14 digits, a case number, "
        "or parts of a name or e-mail address (every word must match)."))
    page = serializers.IntegerField(required=False, default=1, min_value=1,
                                    max_value=1_000_000, help_text=_(
        "Pages of 50 customers. A name search that matches more than 200 customers has only "
        "page 1 (404 too_many_matches beyond): narrow the search instead."))


class CustomerSearchOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["name", "phone", "imei", "case"],
        help_text=_("How the query was read. A case number finds no customers here: ask "
                    "/api/v1/cases/{number}/."))
    count = serializers.IntegerField(allow_null=True, help_text=_(
        "How many customers match, when it is known exactly; else null and more_than says "
        "how many at least."))
    more_than = serializers.IntegerField(allow_null=True, help_text=_(
        "When count is null: more than this many customers match (a common name: more than "
        "200, only page 1, the first by name of the first found; a phone number shared by "
        "more customers than this page shows: see next)."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CustomerOutputSerializer(many=True, help_text=_(
        "At most 50 customers, by last name, first name and id."))


class AddressOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["street", "postcode", "city", "country", "access_notes"]
