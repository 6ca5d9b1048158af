"""Keep the search vector in the table row and the long texts beside it (PostgreSQL).

A text search reads the newest examples in order and tests each one's vector until the
window is full; a query with a filter tests thousands. With the seven long sections stored
inline, a row took about 2.6 KB (three to a page) and its vector was often moved to the
TOAST table, so every test cost about five page reads. Now the vector stays inline
(STORAGE MAIN) and the long texts go to TOAST first (toast_tuple_target), so rows are about
1.5 KB and a test reads one page; the sections are read only for the rows a page shows.
The UPDATE rewrites the stored vectors so that existing rows take the new layout.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE practices_practice ALTER COLUMN search_vector SET STORAGE MAIN",
    "ALTER TABLE practices_practice SET (toast_tuple_target = 128)",
    "UPDATE practices_practice SET search_vector = search_vector || ''::tsvector"
    " WHERE search_vector IS NOT NULL",
]
BACKWARD = [
    "ALTER TABLE practices_practice ALTER COLUMN search_vector SET STORAGE EXTENDED",
    "ALTER TABLE practices_practice RESET (toast_tuple_target)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0008_merge_text_length_limits")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
