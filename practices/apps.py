from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Good-practice examples")

    def ready(self):
        # Sections of the members' pages (members.sections): members cannot import practices.
        from members.sections import MUNICIPALITY, NETWORK, section_register  # noqa: PLC0415
        from practices.selectors import (  # noqa: PLC0415
            municipality_practices_section,
            network_practices_section,
        )

        section_register(page=MUNICIPALITY, provider=municipality_practices_section)
        section_register(page=NETWORK, provider=network_practices_section)
