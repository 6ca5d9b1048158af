"""The mail kinds of good-practice examples, registered with the outbox (imported by
PracticesConfig.ready)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.kinds import MessageKind

PRACTICE_STATUS = "practice_status"
SEARCH_DIGEST = "search_digest"


def _practice_status_sample() -> dict:
    return {
        "recipient_name": "Erika Mustermann",
        "practice_title": "Willkommenspaket für Neubürger",
        "status_label": _("Published"),
        "practice_url": f"{settings.SITE_URL}/praxisbeispiele/willkommenspaket/",
    }


def _search_digest_sample() -> dict:
    site = settings.SITE_URL
    return {
        "recipient_name": "Erika Mustermann",
        "search_label": "Fachkräfte · Märkischer Kreis",
        "search_url": f"{site}/praxisbeispiele/?q=Fachkr%C3%A4fte&kreis=05962",
        "practices": [
            {
                "title": "Willkommenspaket für Neubürger",
                "municipalities": "Werdohl",
                "url": f"{site}/praxisbeispiele/willkommenspaket/",
            }
        ],
        "unsubscribe_url": f"{site}/praxisbeispiele/abo/beispiel/abbestellen/",
    }


kinds.register(
    MessageKind(
        name=SEARCH_DIGEST,
        label=_("New examples of a saved search"),
        sample_context=_search_digest_sample,
    )
)
kinds.register(
    MessageKind(
        name=PRACTICE_STATUS,
        label=_("Good-practice example status"),
        sample_context=_practice_status_sample,
    )
)
