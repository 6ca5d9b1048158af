"""The outbox stops pointing at meetings and members (2/3): the links are converted.

Every existing row is kept and its links are converted before the foreign keys go:
invitation → ``about`` (meetings.invitation), else the representative, else the meeting;
meeting → ``scope`` "meetings.meeting:<id>"; the representative → ``recipient_label``;
the reminder offset moves out of the idempotency key into its own column. Old rows were
rendered when queued, so ``rendered_at`` is their queue time.
"""

from django.db import migrations

REMINDER_KINDS = ("reminder", "response_nudge")


def _offset_from_key(key):
    # "reminder:12:7d:2026-12-03T13:00:00+00:00"
    parts = key.split(":")
    if len(parts) < 3 or not parts[2].endswith("d"):
        return None
    try:
        return int(parts[2][:-1])
    except ValueError:
        return None


def _portal_invitation_id(key):
    prefix, _separator, rest = key.partition(":")
    return int(rest) if prefix == "portal_invitation" and rest.isdigit() else None


def links_to_generic(apps, schema_editor):
    OutgoingMessage = apps.get_model("notifications", "OutgoingMessage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not OutgoingMessage.objects.exists():
        return
    types = {
        name: ContentType.objects.get_or_create(app_label=app_label, model=name)[0]
        for app_label, name in (
            ("meetings", "invitation"),
            ("meetings", "meeting"),
            ("members", "representative"),
            ("members", "portalinvitation"),
        )
    }
    batch = []
    fields = [
        "about_type",
        "about_id",
        "scope",
        "recipient_label",
        "reminder_offset_days",
        "rendered_at",
    ]
    rows = OutgoingMessage.objects.select_related(
        "recipient_representative__municipality"
    ).order_by("pk")
    for message in rows.iterator(chunk_size=2000):
        portal_invitation_id = _portal_invitation_id(message.idempotency_key)
        if message.invitation_id:
            message.about_type, message.about_id = types["invitation"], message.invitation_id
        elif portal_invitation_id is not None:
            message.about_type, message.about_id = types["portalinvitation"], portal_invitation_id
        elif message.recipient_representative_id:
            message.about_type = types["representative"]
            message.about_id = message.recipient_representative_id
        elif message.meeting_id:
            message.about_type, message.about_id = types["meeting"], message.meeting_id
        if message.meeting_id:
            message.scope = f"meetings.meeting:{message.meeting_id}"
        representative = message.recipient_representative
        if representative is not None:
            name = " ".join(
                part
                for part in (
                    representative.title,
                    representative.first_name,
                    representative.last_name,
                )
                if part
            )
            message.recipient_label = f"{name} ({representative.municipality.name})"[:300]
        if message.kind in REMINDER_KINDS:
            message.reminder_offset_days = _offset_from_key(message.idempotency_key)
        message.rendered_at = message.created_at
        batch.append(message)
        if len(batch) >= 2000:
            OutgoingMessage.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        OutgoingMessage.objects.bulk_update(batch, fields)


def generic_to_links(apps, schema_editor):
    """Back to the foreign keys (the rows whose objects still exist)."""
    OutgoingMessage = apps.get_model("notifications", "OutgoingMessage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Invitation = apps.get_model("meetings", "Invitation")
    Meeting = apps.get_model("meetings", "Meeting")
    Representative = apps.get_model("members", "Representative")
    types = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
    invitation_ids = set(Invitation.objects.values_list("pk", flat=True))
    meeting_ids = set(Meeting.objects.values_list("pk", flat=True))
    representative_ids = set(Representative.objects.values_list("pk", flat=True))
    batch = []
    for message in OutgoingMessage.objects.order_by("pk").iterator(chunk_size=2000):
        if message.scope.startswith("meetings.meeting:"):
            meeting_id = int(message.scope.rsplit(":", 1)[1])
            message.meeting_id = meeting_id if meeting_id in meeting_ids else None
        if message.about_type_id == types.get(("meetings", "invitation")):
            if message.about_id in invitation_ids:
                message.invitation_id = message.about_id
                message.recipient_representative_id = (
                    Invitation.objects.filter(pk=message.about_id)
                    .values_list("representative_id", flat=True)
                    .first()
                )
        elif message.about_type_id == types.get(("members", "representative")):
            if message.about_id in representative_ids:
                message.recipient_representative_id = message.about_id
        batch.append(message)
    OutgoingMessage.objects.bulk_update(
        batch, ["meeting", "invitation", "recipient_representative"], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_generic_references_and_mailings"),
        ("meetings", "0002_initial"),
        ("members", "0001_initial"),
    ]

    operations = [migrations.RunPython(links_to_generic, generic_to_links)]
