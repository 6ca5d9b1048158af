from django.db import migrations


class Migration(migrations.Migration):
    """Kept so databases that applied it stay consistent: the calendar feed migration now
    follows the open-data timestamps directly, so there is nothing left to join."""

    dependencies = [
        ("meetings", "0005_calendar_feed_token_hash_alarms"),
    ]

    operations = []
