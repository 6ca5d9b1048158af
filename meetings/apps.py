from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # Registers the meeting mail kinds with the outbox; models must be loaded first.
        from meetings import messages  # noqa: F401, PLC0415
