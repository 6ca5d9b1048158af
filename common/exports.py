"""Tables offered for download as CSV (for spreadsheet programs) or XLSX."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

from common.spreadsheets import spreadsheet_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def _cell(value):
    # Cells that look like formulae are written as text (common.spreadsheets).
    return "" if value is None else spreadsheet_cell(value)


def table_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence], file_format: str = "csv"
) -> HttpResponse:
    """A download of ``rows`` under ``headers``; ``filename`` without extension."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    cleaned = [[_cell(value) for value in row] for row in rows]
    if file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([str(header) for header in headers])
        for row in cleaned:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so that spreadsheet programs read UTF-8
        writer = csv.writer(response, delimiter=";")
        writer.writerow([str(header) for header in headers])
        writer.writerows(cleaned)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response
