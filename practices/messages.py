"""The mail kinds of good-practice examples, registered with the outbox (imported by
PracticesConfig.ready)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.kinds import MessageKind

PRACTICE_STATUS = "practice_status"


def _practice_status_sample() -> dict:
    return {
        "recipient_name": "Erika Mustermann",
        "practice_title": "Willkommenspaket für Neubürger",
        "status_label": _("Published"),
        "practice_url": f"{settings.SITE_URL}/praxisbeispiele/willkommenspaket/",
    }


kinds.register(
    MessageKind(
        name=PRACTICE_STATUS,
        label=_("Good-practice example status"),
        sample_context=_practice_status_sample,
    )
)
