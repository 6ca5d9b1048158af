from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Good-practice examples")

    def ready(self):
        # Sections of the members' pages (members.sections): members cannot import practices.
        from members.sections import MUNICIPALITY, section_register  # noqa: PLC0415
        from practices.selectors import municipality_practices_section  # noqa: PLC0415

        section_register(page=MUNICIPALITY, provider=municipality_practices_section)
