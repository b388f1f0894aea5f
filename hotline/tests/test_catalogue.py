import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from hotline.imei import identify_imei
from hotline.models import Handset, HandsetModel, Tac
from hotline.reference import catalogue_load_models_yaml, catalogue_load_tac_csv
from hotline.tests.factories import CustomerFactory, HandsetModelFactory

pytestmark = pytest.mark.django_db


def test_the_tac_subset_loads_every_tac_once_even_when_loaded_twice():
    catalogue_load_tac_csv()
    models = HandsetModel.objects.count()

    catalogue_load_tac_csv()

    assert Tac.objects.count() == 2456
    assert HandsetModel.objects.count() == models


def test_a_tac_from_the_subset_names_its_model():
    catalogue_load_tac_csv()

    identity = identify_imei("357197061234566")

    assert (identity.valid, identity.brand, identity.model) == (True, "Fairphone", "Fairphone 2")


def test_an_own_model_is_identified_from_its_tac(catalogue):
    identity = identify_imei("359991010000112")

    assert (identity.valid, identity.brand, identity.model) == (True, "Nordline", "N5")


def test_own_models_load_with_variants_and_are_current(catalogue):
    catalogue_load_models_yaml()

    n5 = HandsetModel.objects.get(brand="Nordline", name="N5")
    assert n5.is_current
    assert n5.variants.count() == 3
    assert set(n5.tacs.values_list("tac", flat=True)) == {"35999101", "35999102"}


def test_an_unknown_tac_is_a_valid_imei_with_a_clear_message(catalogue):
    identity = identify_imei("490154203237518")

    assert identity.valid
    assert identity.code == "unknown_tac"
    assert "49015420" in identity.reason


def test_a_handset_takes_its_model_from_the_tac(catalogue):
    handset = Handset(imei="359991010000112", owner=CustomerFactory())

    handset.full_clean()

    assert handset.model.name == "N5"


def test_a_handset_with_an_unknown_tac_asks_the_operator_to_pick_the_model(catalogue):
    handset = Handset(imei="490154203237518")

    with pytest.raises(ValidationError) as excinfo:
        handset.full_clean()

    assert "pick the handset model" in excinfo.value.message_dict["model"][0]


def test_a_handset_with_an_unknown_tac_is_accepted_when_the_model_is_picked(catalogue):
    handset = Handset(imei="490154203237518", model=HandsetModelFactory())

    handset.full_clean()


def test_identify_imei_prints_json_and_exits_1_when_refused(catalogue, capsys):
    call_command("identify_imei", "359991010000112", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == "N5"

    with pytest.raises(SystemExit) as excinfo:
        call_command("identify_imei", "359991010000113")

    assert excinfo.value.code == 1
    assert "check digit" in capsys.readouterr().out
