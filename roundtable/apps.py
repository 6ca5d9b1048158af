from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundtableConfig(AppConfig):
    name = "roundtable"
    verbose_name = _("Portal")

    def ready(self):
        from roundtable.page_cache import connect_signals

        connect_signals()
