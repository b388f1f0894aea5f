"""Property tests (Hypothesis) of the CSV imports: any file gives an import result with
errors naming a line and a column, never an exception."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quality.imports import (
    BASE_COLUMNS,
    BATCH_COLUMNS,
    RETURN_COLUMNS,
    import_batches,
    import_field_returns,
    import_installed_base,
)

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
CELL = st.sampled_from(["", "2026-11", "2026-13", "352099001761481", "35209900176148٣", "FR",
                        "ZZ", "-5", "1e9", "0001-01-01", "9999-12-31", "x,y", '"q"']) | st.text(
    max_size=12)


def _csv(columns):
    row = st.lists(CELL, min_size=len(columns) - 1, max_size=len(columns) + 1).map(
        lambda cells: ",".join(cells))
    return st.lists(row, max_size=5).map(lambda rows: "\n".join([",".join(columns), *rows]))


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("importer,columns", [(import_batches, BATCH_COLUMNS),
                                              (import_field_returns, RETURN_COLUMNS),
                                              (import_installed_base, BASE_COLUMNS)])
def test_any_csv_imports_or_reports_lines(importer, columns, data):
    text = data.draw(_csv(columns) | st.text(max_size=80) | st.binary(max_size=40))
    source = io.BytesIO(text if isinstance(text, bytes) else text.encode())

    result = importer(source, skip_invalid=True)

    for error in result.errors:
        assert error.line >= 1 and str(error.message)
