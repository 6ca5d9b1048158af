"""The outbox stops pointing at meetings and members (3/3): the foreign keys go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_convert_links")]

    operations = [
        migrations.RemoveField(
            model_name="outgoingmessage",
            name="invitation",
        ),
        migrations.RemoveField(
            model_name="outgoingmessage",
            name="meeting",
        ),
        migrations.RemoveField(
            model_name="outgoingmessage",
            name="recipient_representative",
        ),
    ]
