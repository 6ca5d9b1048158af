"""Cells for CSV and XLSX files that spreadsheet programs show as text, never run as formulae.

A cell starting with = + - @ (or a tab or carriage return) is a formula to Excel and
LibreOffice: a last name "=HYPERLINK(...)" would become a link in the staff's export. Such
cells get a leading apostrophe (OWASP's advice); plain numbers and phone numbers
("+49 2392 123", "-5") stay as they are, having nothing to run. Reading a file back removes
exactly the apostrophe that writing added, so an export imports back unchanged.
"""

import re

from import_export import resources

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[\d ./()-]*\Z")


def _needs_escape(text: str) -> bool:
    # Values that already begin with apostrophes before a formula sign get one more, so
    # that reading back is exact.
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(bare)


def spreadsheet_cell(value):
    """The value as written to a spreadsheet cell."""
    if isinstance(value, str) and _needs_escape(value):
        return f"'{value}"
    return value


def spreadsheet_cell_read(value):
    """The value a cell written by spreadsheet_cell stood for."""
    if isinstance(value, str) and value.startswith("'") and _needs_escape(value[1:]):
        return value[1:]
    return value


class FormulaSafeResource(resources.ModelResource):
    """django-import-export resource whose exports (CSV, XLSX, admin) escape formulae.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading
    "=", which loses data and misses + - @.
    """

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_cell(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for name, value in list(row.items()):
            row[name] = spreadsheet_cell_read(value)
