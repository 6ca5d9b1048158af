from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # Both need the models loaded: the staff group sync and the mail kinds.
        from members import messages  # noqa: F401, PLC0415
        from members.signals import sync_staff_group_after_migrate  # noqa: PLC0415

        # After every app has migrated (and its permissions exist), not after each one.
        post_migrate.connect(sync_staff_group_after_migrate, dispatch_uid="members_staff_group")
