"""Imports of field returns, batches and installed base: checks, idempotence, rejects."""

import io

import pytest
from django.core.management import CommandError, call_command

from quality.imports import import_batches, import_field_returns, import_installed_base
from quality.models import Batch, DefectRecord, DefectWeek, InstalledBase
from quality.tests.factories import batch, catalogue_model, imei

pytestmark = pytest.mark.usefixtures("fault_codes")
HEADER = "date,imei,model,fault_code,batch,country,source,reference\n"


@pytest.fixture
def n5(db):
    return catalogue_model()


def csv_file(tmp_path, text, name="returns.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_field_returns_are_imported_with_the_model_from_the_tac_and_the_batch_from_the_range(n5):
    b = batch(n5, "B2609", "35999101", 1, 999)
    text = HEADER + f"2026-03-02,{imei('35999101', 5)},,CHG-01,,FR,repair_partner,RP-1\n"

    result = import_field_returns(io.StringIO(text))

    record = DefectRecord.objects.get()
    assert result.imported and result.added == 1
    assert (record.model, record.batch, record.source, record.reference) == (n5, b, "repair_partner", "RP-1")
    assert DefectWeek.objects.get().failures == 1


def test_importing_the_same_file_twice_adds_nothing(n5, tmp_path):
    path = csv_file(tmp_path, HEADER
                    + f"2026-03-02,{imei('35999101', 5)},Nordline N5,CHG-01,,FR,repair_partner,RP-1\n"
                    + f"2026-03-03,{imei('35999101', 6)},Nordline N5,BAT-01,,FR,distributor,\n")
    import_field_returns(path)

    again = import_field_returns(path)

    assert (again.added, again.unchanged) == (0, 2)
    assert DefectRecord.objects.count() == 2


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_imported(n5, tmp_path):
    path = csv_file(tmp_path, HEADER
                    + f"2026-03-02,{imei('35999101', 5)},Nordline N5,CHG-01,,FR,repair_partner,RP-1\n"
                    + f"2026-13-02,{imei('35999101', 6)},Nordline N5,CHG-01,,FR,repair_partner,RP-2\n"
                    + "2026-03-02,123,Nordline N5,CHG-01,,FR,repair_partner,RP-3\n"
                    + f"2026-03-02,{imei('35999101', 7)},Nordline N9,CHG-01,,FR,repair_partner,RP-4\n"
                    + f"2026-03-02,{imei('35999101', 8)},Nordline N5,XXX-9,,FR,repair_partner,RP-5\n"
                    + f"2026-03-02,{imei('35999101', 9)},Nordline N5,CHG-01,,ZZ,shop,RP-6\n")

    result = import_field_returns(path)

    assert not result.imported and not DefectRecord.objects.exists()
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "date"), (4, "imei"), (5, "model"), (6, "fault_code"), (7, "country")]
    assert "15 digits" in result.errors[1].message


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects_next_to_the_file(n5, tmp_path):
    path = csv_file(tmp_path, HEADER
                    + f"2026-03-02,{imei('35999101', 5)},Nordline N5,CHG-01,,FR,repair_partner,RP-1\n"
                    + "2026-03-02,123,Nordline N5,CHG-01,,FR,repair_partner,RP-3\n")
    out, err = io.StringIO(), io.StringIO()

    call_command("import_field_returns", str(path), "--skip-invalid", stdout=out, stderr=err)

    rejects = (tmp_path / "returns.rejects.csv").read_text()
    assert DefectRecord.objects.count() == 1
    assert "line 3, column imei" in err.getvalue() and "1 added" in out.getvalue()
    assert rejects.splitlines()[0] == "line,date,imei,model,fault_code,batch,country,source,reference,error"
    assert rejects.splitlines()[1].startswith("3,2026-03-02,123,")


def test_the_command_refuses_a_file_with_errors_and_says_why(n5, tmp_path):
    path = csv_file(tmp_path, HEADER + "2026-03-02,123,Nordline N5,CHG-01,,FR,repair_partner,R\n")
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_field_returns", str(path), stderr=err)

    assert "returns.csv: line 2, column imei" in err.getvalue()


def test_a_missing_column_is_reported_on_line_one(n5):
    result = import_field_returns(io.StringIO("date,imei\n2026-03-02,1\n"))

    assert [(e.line, e.column) for e in result.errors] == [
        (1, "model, fault_code, batch, country, source, reference")]


def test_a_batch_column_creates_the_batch_for_the_model(n5):
    text = HEADER + f"2026-03-02,{imei('35999101', 5)},,CHG-01,B77,,hotline,H-1\n"

    import_field_returns(io.StringIO(text))

    assert DefectRecord.objects.get().batch == Batch.objects.get(code="B77", model=n5)


def test_batches_are_imported_and_give_existing_records_their_batch(n5):
    import_field_returns(io.StringIO(HEADER + f"2026-03-02,{imei('35999101', 5)},,CHG-01,,FR,hotline,H\n"))
    text = ("batch,model,imei_from,imei_to,manufactured_on\n"
            f"B1,Nordline N5,{imei('35999101', 1)},{imei('35999101', 100)},2026-01-15\n")

    result = import_batches(io.StringIO(text))

    record = DefectRecord.objects.get()
    assert result.added == 1 and Batch.objects.get(code="B1").units == 100
    assert (record.batch.code, str(record.production_month)) == ("B1", "2026-01-01")
    assert DefectWeek.objects.get().batch.code == "B1"


def test_overlapping_batch_ranges_are_refused(n5):
    batch(n5, "B0", "35999101", 50, 60)
    text = ("batch,model,imei_from,imei_to,manufactured_on\n"
            f"B1,Nordline N5,{imei('35999101', 1)},{imei('35999101', 55)},2026-01-15\n"
            f"B2,Nordline N5,{imei('35999101', 100)},{imei('35999101', 90)},2026-01-15\n")

    result = import_batches(io.StringIO(text))

    assert [(e.line, e.column) for e in result.errors] == [(2, "imei_from"), (3, "imei_to")]
    assert "B0" in result.errors[0].message


def test_installed_base_reimport_replaces_a_month(n5):
    import_installed_base(io.StringIO("month,model,units,country\n2026-01,Nordline N5,1000,\n"))

    result = import_installed_base(io.StringIO("month,model,units,country\n2026-01,Nordline N5,1200,\n"
                                               "2026-02,Nordline N5,900,FR\n"))

    assert (result.added, result.updated) == (1, 1)
    assert sorted(InstalledBase.objects.values_list("units", flat=True)) == [900, 1200]


def test_installed_base_rows_are_checked(n5):
    result = import_installed_base(io.StringIO(
        "month,model,units,country\n2026-1-5,Nordline N5,10,\n2026-01,Nordline N5,-3,\n"
        "2026-01,Nordline N5,ten,FR\n2026-02,Nordline N5,1,FR\n2026-02,Nordline N5,2,FR\n"))

    assert [(e.line, e.column) for e in result.errors] == [
        (2, "month"), (3, "units"), (4, "units"), (6, "month")]
    assert not InstalledBase.objects.exists()


def test_a_large_file_shows_a_progress_bar(n5, tmp_path):
    rows = "".join(f"2026-03-02,{imei('35999101', i)},,CHG-01,,FR,hotline,H{i}\n" for i in range(2100))
    path = csv_file(tmp_path, HEADER + rows)
    err = io.StringIO()

    call_command("import_field_returns", str(path), stdout=io.StringIO(), stderr=err)

    assert "2100/2100" in err.getvalue()
    assert DefectRecord.objects.count() == 2100


def test_the_batch_ranges_in_memory_answer_as_the_database_does(n5):
    """Nested and neighbouring ranges: the in-memory lookup of a large import gives the batch
    quality.services.batch_for_imei gives (the range with the highest start holding the IMEI)."""
    import random

    from quality.imports import BatchRanges
    from quality.services import batch_for_imei

    rng = random.Random(3)
    for n in range(40):
        first = rng.randrange(1, 9000)
        batch(n5, f"R{n}", "35999101", first, first + rng.randrange(0, 800))
    ranges = BatchRanges(Batch.objects.all())
    for serial in [*range(0, 10000, 37), 1, 9999]:
        number = imei("35999101", serial)
        assert ranges.find(number) == batch_for_imei(number), serial


def test_a_large_import_looks_batches_up_without_a_query_per_row(n5, django_assert_max_num_queries):
    b1, b2 = batch(n5, "B1", "35999101", 1, 499), batch(n5, "B2", "35999101", 500, 999)
    lines = [f"2026-03-{1 + n % 28:02d},{imei('35999101', n)},,CHG-01,,FR,repair_partner,RP-{n}"
             for n in range(1, 1000)]

    with django_assert_max_num_queries(60):  # not one per row: 999 rows
        result = import_field_returns(io.StringIO(HEADER + "\n".join(lines) + "\n"))

    assert result.added == 999
    assert DefectRecord.objects.filter(batch=b1).count() == 499
    assert DefectRecord.objects.filter(batch=b2).count() == 500
    assert sum(DefectWeek.objects.values_list("failures", flat=True)) == 999
