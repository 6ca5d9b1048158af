"""The mail kinds of good-practice examples, registered with the outbox (imported by
PracticesConfig.ready). practices/notifications.py queues them."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.kinds import MessageKind

PRACTICE_SUBMITTED = "practice_submitted"
PRACTICE_CHANGES_REQUESTED = "practice_changes_requested"
PRACTICE_PUBLISHED = "practice_published"
PRACTICE_ARCHIVED = "practice_archived"
PRACTICE_ADOPTED = "practice_adopted"
SEARCH_DIGEST = "search_digest"


def _practice_sample(**extra):
    def sample() -> dict:
        return {
            "recipient_name": "Erika Mustermann",
            "practice_title": "Willkommenspaket für Neubürger",
            "practice_url": f"{settings.SITE_URL}/praxisbeispiele/willkommenspaket/",
            "comment": "",
            **{name: str(value) for name, value in extra.items()},
        }

    return sample


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


for name, label, sample in (
    (
        PRACTICE_SUBMITTED,
        _("Good-practice example submitted"),
        _practice_sample(submitted_by="Mara Muster", submitted_for="Werdohl"),
    ),
    (
        PRACTICE_CHANGES_REQUESTED,
        _("Changes to a good-practice example requested"),
        _practice_sample(comment=_("Please add a photo and the costs of the first year.")),
    ),
    (PRACTICE_PUBLISHED, _("Good-practice example published"), _practice_sample()),
    (PRACTICE_ARCHIVED, _("Good-practice example archived"), _practice_sample()),
    (
        PRACTICE_ADOPTED,
        _("Good-practice example adopted"),
        _practice_sample(
            adopting_municipality="Olpe",
            note=_("We hand out the welcome package at the citizens' office since March."),
        ),
    ),
    (SEARCH_DIGEST, _("New examples of a saved search"), _search_digest_sample),
):
    kinds.register(MessageKind(name=name, label=label, sample_context=sample))
