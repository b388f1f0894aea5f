"""A courier's code stored as who acted is shown as the courier's name, in the reader's
language (hotline.i18n.stored_text with carriers' stored_values)."""

import pytest
from django.utils import translation

from hotline.i18n import stored_text

pytestmark = pytest.mark.django_db


def test_the_sandbox_code_reads_as_the_courier_name_in_french():
    with translation.override("fr"):
        assert stored_text("sandbox") == "Transporteur bac à sable"


def test_a_word_that_is_no_courier_code_stays_as_it_is():
    with translation.override("fr"):
        assert stored_text("Zorglub") == "Zorglub"


def test_the_sandbox_code_reads_as_the_courier_name_in_english_too():
    with translation.override("en"):
        assert stored_text("sandbox") == "Sandbox courier"
