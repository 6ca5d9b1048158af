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

        # Registers the practice mail kinds with the outbox; models must be loaded first.
        # Personal data for the export (members.privacy); a deletion needs nothing more here.
        from members.privacy import personal_data_register  # noqa: PLC0415
        from practices import messages  # noqa: F401, PLC0415
        from practices.privacy import practices_personal_data  # noqa: PLC0415

        personal_data_register(name="practices", export=practices_personal_data)
        section_register(page=NETWORK, provider=network_practices_section)
