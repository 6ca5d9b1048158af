import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    """Existing subscriptions keep working: their secret is replaced by its SHA-256."""
    CalendarFeed = apps.get_model("meetings", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token_hash"):
        feed.token_hash = hashlib.sha256(feed.token_hash.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


def drop_feeds(apps, schema_editor):
    # A hash cannot be turned back into the secret; going back means new addresses.
    apps.get_model("meetings", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_minutes_documents_action_items_feeds"),
    ]

    operations = [
        migrations.RenameField(model_name="calendarfeed", old_name="token", new_name="token_hash"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="token hash"),
        ),
        migrations.RunPython(hash_tokens, drop_feeds),
        migrations.AddField(
            model_name="calendarfeed",
            name="with_alarms",
            field=models.BooleanField(
                default=False,
                help_text="Calendar alarms at the reminder times of the meeting's series.",
                verbose_name="alarms",
            ),
        ),
    ]
