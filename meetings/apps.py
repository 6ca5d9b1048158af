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

        # Registers the meeting mail kinds with the outbox; models must be loaded first.
        from meetings import messages  # noqa: F401, PLC0415

        # Personal data for the export and the account deletion (members.privacy).
        from meetings.privacy import meetings_personal_data, meetings_personal_data_erase  # noqa: PLC0415
        from members.privacy import personal_data_register  # noqa: PLC0415

        personal_data_register(
            name="meetings", export=meetings_personal_data, erase=meetings_personal_data_erase
        )
        section_register(page=NETWORK, provider=network_meetings_section)
