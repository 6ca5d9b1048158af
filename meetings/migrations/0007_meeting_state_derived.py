from django.db import migrations, models


def held_to_scheduled(apps, schema_editor):
    # "Held" is derived from the start time now; a stored "held" was a sent-out meeting.
    # Attendance recorded for a meeting that has not started yet was never true.
    from django.utils import timezone

    Meeting = apps.get_model("meetings", "Meeting")
    Invitation = apps.get_model("meetings", "Invitation")
    Meeting.objects.filter(status="held").update(status="scheduled")
    Invitation.objects.filter(meeting__starts_at__gt=timezone.now()).update(attended=None)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_merge_text_length_limits"),
    ]

    operations = [
        migrations.RunPython(held_to_scheduled, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meeting",
            name="status",
            field=models.CharField(
                choices=[("draft", "Planned"), ("scheduled", "Invited"), ("cancelled", "Cancelled")],
                default="draft",
                max_length=16,
                verbose_name="status",
            ),
        ),
    ]
