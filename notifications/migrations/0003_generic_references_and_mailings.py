"""The outbox stops pointing at meetings and members (1/3): the new columns and mailings.

Every existing row is kept and its links are converted before the foreign keys go:
invitation → ``about`` (meetings.invitation), else the representative, else the meeting;
meeting → ``scope`` "meetings.meeting:<id>"; the representative → ``recipient_label``;
the reminder offset moves out of the idempotency key into its own column. Old rows were
rendered when queued, so ``rendered_at`` is their queue time.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_alter_outgoingmessage_kind"),
        ("meetings", "0002_initial"),
        ("members", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingmessage",
            name="about_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about (id)"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="about_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="about (type)",
            ),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="content purged at"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="recipient_label",
            field=models.CharField(blank=True, max_length=300, verbose_name="recipient's name"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="reminder_offset_days",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="reminder offset (days)"
            ),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="rendered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="rendered at"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="scope",
            field=models.CharField(blank=True, db_index=True, max_length=100, verbose_name="scope"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="body_text",
            field=models.TextField(blank=True, verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="recipient_email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="recipient"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="subject",
            field=models.CharField(blank=True, max_length=300, verbose_name="subject"),
        ),
        migrations.CreateModel(
            name="Mailing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=32, verbose_name="kind")),
                (
                    "about_id",
                    models.PositiveBigIntegerField(
                        blank=True, null=True, verbose_name="about (id)"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        blank=True, db_index=True, max_length=100, verbose_name="scope"
                    ),
                ),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "Pending"), ("expanded", "Expanded")],
                        default="pending",
                        max_length=16,
                        verbose_name="state",
                    ),
                ),
                (
                    "idempotency_key",
                    models.CharField(
                        blank=True,
                        max_length=200,
                        null=True,
                        unique=True,
                        verbose_name="idempotency key",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "expanded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="expanded at"),
                ),
                (
                    "about_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="about (type)",
                    ),
                ),
            ],
            options={
                "verbose_name": "mailing",
                "verbose_name_plural": "mailings",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="mailing",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="messages",
                to="notifications.mailing",
                verbose_name="mailing",
            ),
        ),
        migrations.AddIndex(
            model_name="outgoingmessage",
            index=models.Index(
                fields=["about_type", "about_id"], name="notificatio_about_t_fe6334_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="mailing",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["created_at"],
                name="notifications_mailing_pending",
            ),
        ),
    ]
