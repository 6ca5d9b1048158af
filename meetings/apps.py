from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # Sections of the members' pages (members.sections): members cannot import meetings.
        from meetings.selectors import (  # noqa: PLC0415
            municipality_meetings_section,
            network_meetings_section,
        )
        from members.sections import MUNICIPALITY, NETWORK, section_register  # noqa: PLC0415

        section_register(page=MUNICIPALITY, provider=municipality_meetings_section)
        section_register(page=NETWORK, provider=network_meetings_section)
