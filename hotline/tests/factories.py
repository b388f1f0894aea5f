import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from hotline import services
from hotline.models import (
    Address,
    Case,
    Customer,
    CustomerPhone,
    Distributor,
    Handset,
    HandsetModel,
    ModelVariant,
    Profile,
    Tac,
)
from hotline.validators import imei_with_check_digit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))
        self.save()


class DistributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distributor
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dist{n}")
    name = factory.Sequence(lambda n: f"Distributor {n}")
    country = "FR"


def make_distributor_user(distributor=None, **kwargs):
    distributor = distributor or DistributorFactory()
    user = UserFactory(roles=["distributor"], **kwargs)
    Profile.objects.update_or_create(user=user, defaults={"distributor": distributor})
    return user


class HandsetModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandsetModel
        django_get_or_create = ["brand", "name"]

    brand = "Nordline"
    name = factory.Sequence(lambda n: f"Test {n}")
    family = "Test"
    warranty_months = 24
    is_current = True


class ModelVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelVariant

    model = factory.SubFactory(HandsetModelFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    colour = "black"
    storage_gb = 128


class TacFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tac
        django_get_or_create = ["tac"]

    tac = factory.Sequence(lambda n: f"{35990000 + n:08d}")
    model = factory.SubFactory(HandsetModelFactory)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    email = factory.LazyAttribute(lambda o: f"{o.last_name.lower()}@example.org")
    country = "FR"
    language = "fr"

    @factory.post_generation
    def phone(self, create, extracted, **kwargs):
        if extracted is not False:
            number = extracted or f"+3361{self.pk % 100000000:08d}"
            CustomerPhone.objects.create(customer=self, number=number)

    @factory.post_generation
    def address(self, create, extracted, **kwargs):
        if extracted is not False:
            Address.objects.create(customer=self, street="12 rue de la Paix", postcode="75002",
                                   city="Paris", country="FR", access_notes="Code 1234")


_serial = iter(range(1, 10**6))


class HandsetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handset

    model = factory.SubFactory(HandsetModelFactory)
    imei = factory.LazyAttribute(
        lambda o: imei_with_check_digit(TacFactory(model=o.model).tac + f"{next(_serial):06d}"))
    owner = factory.SubFactory(CustomerFactory)
    purchase_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=100))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    customer = factory.LazyAttribute(lambda o: o.handset.owner)
    handset = factory.SubFactory(HandsetFactory)
    symptom = "battery_drain"
    number = factory.LazyFunction(services.case_number_next)


def lefebvres_to_search():
    """Customers for the search's statement counts: Li Lefebvre (an e-mail, a phone, a case
    about a handset of hers) and three other Lis Lefebvre-<n> sharing her phone number.
    Return (Li Lefebvre, her case)."""
    lefebvre = CustomerFactory(last_name="Lefebvre", first_name="Li",
                               email="li.lefebvre@example.org", phone="+33612345678")
    case = CaseFactory(customer=lefebvre, handset=HandsetFactory(owner=lefebvre))
    for n in range(3):
        CustomerFactory(last_name=f"Lefebvre-{n}", first_name="Li", phone="+33612345678")
    return lefebvre, case
