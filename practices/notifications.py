"""Mail about good-practice examples, recorded in the notification outbox (notifications).

Called by practices.services inside the transaction of the change, so a change and its mails
are committed together or not at all. Each mail's idempotency key names the business fact
("the review step 12, to this address"), so calling a function twice sends nothing twice.

Who is told what:
- submitted: the agency's staff, who review it;
- sent back for changes (with the reviewer's comment), published, archived: the author and
  the main contact of the author's municipality;
- adopted: the main contact of every municipality behind the example.
The person who made the change is never told of their own action.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from members.models import Representative
from members.permissions import current_municipality
from members.selectors import agency_staff_users
from notifications.services import message_queue
from practices import messages


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    user: object = None
    representative: Representative | None = None

    @property
    def label(self) -> str:
        return self.name


def _from_user(user) -> Recipient:
    return Recipient(email=user.email, name=user.get_full_name(), language=user.language, user=user)


def _from_representative(representative: Representative) -> Recipient:
    user = representative.user
    return Recipient(
        email=representative.email,
        name=representative.full_name,
        language=user.language if user is not None else settings.LANGUAGE_CODE,
        user=user,
        representative=representative,
    )


def _distinct(recipients, *, actor) -> list[Recipient]:
    """One mail per address; none to the person who acted, nor to an empty address."""
    actor_email = (getattr(actor, "email", "") or "").lower()
    seen = set()
    chosen = []
    for recipient in recipients:
        address = recipient.email.lower()
        if not address or address == actor_email or address in seen:
            continue
        seen.add(address)
        chosen.append(recipient)
    return chosen


def _practice_url(practice) -> str:
    return f"{settings.SITE_URL}{reverse('practices:detail', args=[practice.slug])}"


def _author_side(practice) -> list[Recipient]:
    """The author and the main contact of the author's municipality.

    An example that staff entered for a municipality has no representative as author (and an
    author may have moved on to another municipality); then the main contacts of all the
    example's municipalities stand for the author's side.
    """
    recipients = []
    author = practice.created_by
    if author is not None and author.is_active:
        recipients.append(_from_user(author))
    practice_municipality_ids = list(practice.municipalities.values_list("pk", flat=True))
    municipality = current_municipality(author) if author is not None else None
    municipality_ids = (
        [municipality.pk]
        if municipality is not None and municipality.pk in practice_municipality_ids
        else practice_municipality_ids
    )
    recipients.extend(_from_representative(contact) for contact in _main_contacts(municipality_ids))
    return recipients


def _main_contacts(municipality_ids) -> list[Representative]:
    return Representative.objects.select_related("user", "municipality").main_contacts(
        municipality_ids=municipality_ids
    )


def _queue(*, kind: str, key: str, recipient: Recipient, context: dict, about) -> None:
    message_queue(
        kind=kind,
        recipient_email=recipient.email,
        idempotency_key=f"{key}:{recipient.email.lower()}",
        template_base=kind,
        context={"recipient_name": recipient.name, **context},
        language=recipient.language,
        recipient_user=recipient.user,
        recipient_label=recipient.label,
        about=about,
    )


# Which mail a status change sends; a change to "submitted" goes to the reviewers.
_KIND_FOR_NEW_STATUS = {
    "submitted": messages.PRACTICE_SUBMITTED,
    "draft": messages.PRACTICE_CHANGES_REQUESTED,
    "published": messages.PRACTICE_PUBLISHED,
    "archived": messages.PRACTICE_ARCHIVED,
}


def practice_status_changed(*, practice, review, actor=None) -> None:
    """Tell the reviewers of a submission, or the author's side of a review decision."""
    kind = _KIND_FOR_NEW_STATUS[review.new_status]
    if kind == messages.PRACTICE_SUBMITTED:
        recipients = [_from_user(user) for user in agency_staff_users()]
        municipality = current_municipality(actor) if actor is not None else None
    else:
        recipients = _author_side(practice)
        municipality = None
    context = {
        "practice_title": practice.title,
        "practice_url": _practice_url(practice),
        "comment": review.comment,
        "submitted_by": actor.get_full_name() if actor is not None else "",
        "submitted_for": municipality.name if municipality is not None else "",
    }
    for recipient in _distinct(recipients, actor=actor):
        _queue(
            kind=kind,
            key=f"practice_review:{review.pk}",
            recipient=recipient,
            context=context,
            about=practice,
        )


def practice_adopted(*, adoption) -> None:
    """The main contacts of the municipalities behind an example learn that another took it up."""
    practice = adoption.practice
    municipality_ids = list(practice.municipalities.values_list("pk", flat=True))
    context = {
        "practice_title": practice.title,
        "practice_url": _practice_url(practice),
        "adopting_municipality": adoption.municipality.name,
        "note": adoption.note,
    }
    recipients = [_from_representative(contact) for contact in _main_contacts(municipality_ids)]
    for recipient in _distinct(recipients, actor=adoption.created_by):
        _queue(
            kind=messages.PRACTICE_ADOPTED,
            key=f"practice_adoption:{adoption.pk}",
            recipient=recipient,
            context=context,
            about=practice,
        )
