"""Sample contexts for the staff preview of each message kind (rendered, never sent).

The templates of a kind receive exactly these names from the business services; keep the
samples in step when a template starts using a new name.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from meetings.models import AgendaItem, Meeting
from notifications.models import OutgoingMessage

Kind = OutgoingMessage.Kind


def _sample_meeting() -> Meeting:
    starts_at = datetime(2026, 12, 3, 14, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return Meeting(
        title="15. Runder Tisch – Willkommen in Südwestfalen",
        format=Meeting.Format.HYBRID,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue="Rathaus Werdohl, Goethestraße 51, 58791 Werdohl",
        online_url="https://konferenz.example.org/runder-tisch",
    )


def _meeting_context() -> dict:
    site = settings.SITE_URL
    return {
        "recipient_name": "Erika Mustermann",
        "meeting": _sample_meeting(),
        "meeting_url": f"{site}/treffen/15/",
        "agenda_items": [
            AgendaItem(title="Begrüßung durch die Gastgeberkommune"),
            AgendaItem(title="Neubürger-Gewinnung: Erfahrungen aus Olpe"),
            AgendaItem(title="Verschiedenes"),
        ],
        "response_urls": {
            answer: f"{site}/treffen/antwort/beispiel/{answer}/"
            for answer in ("accept", "decline", "tentative")
        },
    }


def sample_context(kind: str) -> dict:
    """A realistic context for ``kind``; strings in the active language where they vary."""
    site = settings.SITE_URL
    context = {"recipient_name": "Erika Mustermann"}
    if kind in {
        Kind.INVITATION,
        Kind.UPDATE,
        Kind.CANCELLATION,
        Kind.REMINDER,
        Kind.RESPONSE_NUDGE,
        Kind.MINUTES_PUBLISHED,
    }:
        context = _meeting_context()
    if kind == Kind.UPDATE:
        context["changes"] = [_("The start time has changed.")]
    if kind == Kind.REMINDER:
        context["unsubscribe_url"] = f"{site}/mitglieder/profil/"
    if kind == Kind.MINUTES_PUBLISHED:
        context["minutes_url"] = f"{site}/treffen/15/protokoll/"
    if kind == Kind.ACTION_ITEM_REMINDER:
        context.update(
            meeting=_sample_meeting(),
            action_item_title="Ergebnisse der Umfrage an alle Kommunen schicken",
            due_on=date(2026, 12, 17),
            action_item_url=f"{site}/treffen/15/",
        )
    if kind == Kind.PORTAL_INVITATION:
        context.update(
            municipality_name="Werdohl",
            invite_url=f"{site}/mitglieder/einladung/beispiel/",
            expires_at=datetime(2026, 12, 17, 18, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)),
        )
    if kind == Kind.PRACTICE_STATUS:
        context.update(
            practice_title="Willkommenspaket für Neubürger",
            status_label=_("Published"),
            practice_url=f"{site}/praxisbeispiele/willkommenspaket/",
        )
    if kind == Kind.SEARCH_DIGEST:
        context.update(
            search_label="Fachkräfte · Märkischer Kreis",
            search_url=f"{site}/praxisbeispiele/?q=Fachkr%C3%A4fte&kreis=05962",
            practices=[
                {
                    "title": "Willkommenspaket für Neubürger",
                    "municipalities": "Werdohl",
                    "url": f"{site}/praxisbeispiele/willkommenspaket/",
                }
            ],
            unsubscribe_url=f"{site}/praxisbeispiele/abo/beispiel/abbestellen/",
        )
    return context
