from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Good-practice examples")

    def ready(self):
        # Registers the practice mail kinds with the outbox; models must be loaded first.
        from practices import messages  # noqa: F401, PLC0415
