from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# GIN indexes exist only on PostgreSQL; on SQLite (`make run` default) these steps do nothing.
CREATE = [
    "CREATE INDEX IF NOT EXISTS practices_practice_search_gin "
    "ON practices_practice USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS practices_practice_title_trgm "
    "ON practices_practice USING gin (lower(title) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS practices_practice_search_gin",
    "DROP INDEX IF EXISTS practices_practice_title_trgm",
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_attachments_adoptions_reviews_search")]

    operations = [
        # CreateExtension itself skips databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
