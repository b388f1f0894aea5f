"""Labels and slips: rendered, and their barcodes really encode the tracking numbers."""

import datetime

from carriers import labels
from carriers.domain import Service
from carriers.tests.code128 import barcodes_in_pdf, content_streams
from carriers.tests.factories import CUSTOMER, WAREHOUSE


def label_data(**overrides):
    data = {"tracking_number": "HS1234567897", "carrier_name": "Sandbox courier",
            "service": Service.NEXT_DAY_NOON, "sender": WAREHOUSE, "recipient": CUSTOMER,
            "weight_kg": "0.450", "reference": "HL-2026-000001",
            "ship_date": datetime.date(2026, 3, 6)}
    data.update(overrides)
    return labels.LabelData(**data)


def text_of(pdf: bytes) -> bytes:
    return b"".join(content_streams(pdf))


def test_the_a6_label_is_a_one_page_pdf_of_a6_size():
    pdf = labels.render_label_pdf(label_data())

    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 297.6378 419.5276 ]" in pdf
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1


def test_the_label_barcode_encodes_the_tracking_number():
    pdf = labels.render_label_pdf(label_data(tracking_number="HS1234567897"))

    assert barcodes_in_pdf(pdf) == ["HS1234567897"]


def test_the_label_barcode_encodes_an_all_digit_dhl_waybill():
    pdf = labels.render_label_pdf(label_data(tracking_number="2345678915"))

    assert barcodes_in_pdf(pdf) == ["2345678915"]


def test_the_label_shows_the_tracking_number_as_text_service_weight_and_addresses():
    text = text_of(labels.render_label_pdf(label_data()))

    assert b"HS12 3456 7897" in text
    assert b"NEXT DAY BEFORE NOON" in text
    assert b"0.450 kg" in text
    assert b"Camille Dupont" in text and b"75002 Paris" in text
    assert b"Hotline Logistics" in text


def test_the_label_carries_the_lithium_battery_mark():
    text = text_of(labels.render_label_pdf(label_data()))

    assert b"UN3481" in text
    assert b"LITHIUM ION BATTERIES" in text


def test_a_label_without_lithium_has_no_battery_mark():
    text = text_of(labels.render_label_pdf(label_data(lithium=False)))

    assert b"UN3481" not in text


def test_the_return_label_says_it_is_the_faulty_unit():
    text = text_of(labels.render_label_pdf(label_data(is_return=True)))

    assert b"RETURN: faulty unit" in text


def test_the_zpl_label_prints_the_tracking_number_as_a_code128_barcode():
    zpl = labels.render_label_zpl(label_data())

    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert "^BCN,200,Y,N,N^FDHS1234567897^FS" in zpl
    assert "UN3481" in zpl


def slip(language="en"):
    return labels.render_slip_pdf(labels.SlipData(
        customer=CUSTOMER, language=language, delivery_tracking_number="HS1234567897",
        return_tracking_number="HS7654321095", carrier_name="Sandbox courier",
        service=Service.NEXT_DAY_NOON, reference="HL-2026-000001"))


def test_the_customer_slip_is_an_a4_pdf():
    pdf = slip()

    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf


def test_the_customer_slip_explains_what_to_hand_over_and_how_to_wipe_the_phone():
    text = text_of(slip())

    assert b"What to hand to the courier" in text
    assert b"back up and wipe" in text
    assert b"Keep your SIM card and memory card" in text
    assert b"HS7654321095" in text


def test_the_customer_slip_barcode_encodes_the_return_tracking_number():
    assert barcodes_in_pdf(slip()) == ["HS7654321095"]


def test_the_customer_slip_speaks_the_customers_language():
    text = text_of(slip("fr"))

    assert b"Gardez votre carte SIM" in text
