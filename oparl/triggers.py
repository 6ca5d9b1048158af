"""The database triggers that write tombstones (see models.Tombstone), for PostgreSQL and SQLite.

Each entry: table, tombstone type, created column, parent column, the condition under which
the old row was public, and that under which the new row is no longer public (None: the
row is withdrawn only by deletion). The conditions mirror the public querysets in
oparl/selectors.py; a test changes each one and checks that both agree.
"""

from typing import NamedTuple


class Trigger(NamedTuple):
    table: str
    object_type: str
    created_column: str
    parent_column: str | None = None
    was_public: str | None = None
    is_withdrawn: str | None = None


MEETING_PUBLIC = "{row}.is_public AND {row}.status <> 'draft'"
PRACTICE_PUBLIC = "{row}.status = 'published' AND {row}.is_public"
PERSON_PUBLIC = "{row}.listed_in_open_data AND {row}.anonymised_at IS NULL"


def _withdrawn(public: str) -> str:
    return f"({public.format(row='OLD')}) AND NOT ({public.format(row='NEW')})"


TRIGGERS = [
    Trigger(
        "meetings_meeting",
        "meeting",
        "created_at",
        was_public=MEETING_PUBLIC.format(row="OLD"),
        is_withdrawn=_withdrawn(MEETING_PUBLIC),
    ),
    Trigger("meetings_agendaitem", "agendaitem", "created_at", "meeting_id"),
    Trigger(
        "meetings_agendaitem",
        "consultation",
        "created_at",
        "practice_id",
        was_public="OLD.practice_id IS NOT NULL",
        is_withdrawn="OLD.practice_id IS NOT NULL AND "
        "(NEW.practice_id IS NULL OR NEW.practice_id <> OLD.practice_id)",
    ),
    Trigger("meetings_document", "file.document", "uploaded_at", "meeting_id"),
    Trigger(
        "meetings_minutes",
        "file.minutes",
        "created_at",
        "meeting_id",
        was_public="OLD.status = 'published'",
        is_withdrawn="OLD.status = 'published' AND NEW.status <> 'published'",
    ),
    Trigger(
        "practices_practice",
        "paper",
        "created_at",
        was_public=PRACTICE_PUBLIC.format(row="OLD"),
        is_withdrawn=_withdrawn(PRACTICE_PUBLIC),
    ),
    Trigger("practices_practiceattachment", "file.attachment", "created_at", "practice_id"),
    Trigger(
        "members_representative",
        "person",
        "created_at",
        was_public=PERSON_PUBLIC.format(row="OLD"),
        is_withdrawn=_withdrawn(PERSON_PUBLIC),
    ),
    Trigger("meetings_series", "organization.series", "created_at"),
    Trigger("members_network", "organization.network", "created_at"),
    Trigger("members_district", "organization.district", "created_at"),
    Trigger("members_municipality", "organization.municipality", "created_at"),
]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION oparl_tombstone_record() RETURNS trigger AS $$
DECLARE
    old_row jsonb := to_jsonb(OLD);
BEGIN
    INSERT INTO oparl_tombstone (object_type, object_id, parent_id, created, deleted)
    VALUES (
        TG_ARGV[0],
        (old_row ->> 'id')::bigint,
        CASE WHEN TG_ARGV[2] = '' THEN NULL ELSE (old_row ->> TG_ARGV[2])::bigint END,
        (old_row ->> TG_ARGV[1])::timestamptz,
        clock_timestamp()
    )
    ON CONFLICT (object_type, object_id)
    DO UPDATE SET deleted = EXCLUDED.deleted, parent_id = EXCLUDED.parent_id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def _name(trigger: Trigger, event: str) -> str:
    kind = trigger.object_type.replace(".", "_")
    return f"oparl_{kind}_{event}"


def postgres_statements() -> list[str]:
    statements = [POSTGRES_FUNCTION]
    for trigger in TRIGGERS:
        arguments = f"'{trigger.object_type}', '{trigger.created_column}', "
        arguments += f"'{trigger.parent_column or ''}'"
        for event, condition in (("delete", trigger.was_public), ("update", trigger.is_withdrawn)):
            if event == "update" and condition is None:
                continue
            when = f"WHEN ({condition}) " if condition else ""
            statements.append(
                f"CREATE TRIGGER {_name(trigger, event)} AFTER {event.upper()} ON "
                f"{trigger.table} FOR EACH ROW {when}"
                f"EXECUTE FUNCTION oparl_tombstone_record({arguments});"
            )
    return statements


def sqlite_statements() -> list[str]:
    statements = []
    for trigger in TRIGGERS:
        parent = f"OLD.{trigger.parent_column}" if trigger.parent_column else "NULL"
        for event, condition in (("delete", trigger.was_public), ("update", trigger.is_withdrawn)):
            if event == "update" and condition is None:
                continue
            when = f"WHEN {condition} " if condition else ""
            # Built only from the constant TRIGGERS above, never from input.
            insert = (
                "INSERT INTO oparl_tombstone (object_type, object_id, parent_id, created, deleted) "
            )
            statements.append(
                f"CREATE TRIGGER {_name(trigger, event)} AFTER {event.upper()} ON "
                f"{trigger.table} FOR EACH ROW {when}BEGIN {insert}"
                f"VALUES ('{trigger.object_type}', OLD.id, {parent}, "
                f"OLD.{trigger.created_column}, strftime('%Y-%m-%d %H:%M:%f', 'now')) "
                "ON CONFLICT (object_type, object_id) DO UPDATE SET "
                "deleted = excluded.deleted, parent_id = excluded.parent_id; END;"
            )
    return statements


def drop_statements(vendor: str) -> list[str]:
    statements = []
    for trigger in TRIGGERS:
        for event in ("delete", "update"):
            on_table = f" ON {trigger.table}" if vendor == "postgresql" else ""
            statements.append(f"DROP TRIGGER IF EXISTS {_name(trigger, event)}{on_table};")
    if vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS oparl_tombstone_record();")
    return statements
