from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `make run` and scale data for `make bench`; no models."""

    name = "demo"
    verbose_name = _("Demo data")
