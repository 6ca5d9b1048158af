"""Writes for good-practice examples. Every function runs in one transaction."""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from common.slugs import unique_slug
from members import permissions as member_permissions
from notifications.services import message_queue
from practices import notifications, permissions
from practices.cache import library_changed
from practices.messages import SEARCH_DIGEST
from practices.models import (
    Adoption,
    Practice,
    PracticeAttachment,
    PracticeLink,
    PracticeReview,
    SearchSubscription,
)
from practices.search import search_index_update
from practices.selectors import clean_parameters, practice_search

# Fields a form may set directly on Practice.
EDITABLE_FIELDS = {
    "title",
    "summary",
    "keywords",
    *Practice.SECTION_FIELDS,
    "started_on",
    "ended_on",
    "is_ongoing",
    "contact",
    "network",
    "is_public",
}
# Path segments of practices/urls.py that a practice's slug must not take.
RESERVED_SLUGS = {"neu", "feed", "abo", "aus-tagesordnungspunkt"}
# Characters that mark search highlights (see practices.search) never belong in a text.
_MARKERS = str.maketrans("", "", "\x02\x03")


@dataclass(frozen=True)
class NewAttachment:
    """An upload already checked by practices.uploads, waiting to be stored."""

    kind: str
    file: object
    title: str
    content_type: str


def _clean(value):
    return value.translate(_MARKERS) if isinstance(value, str) else value


def _new_slug(title: str) -> str:
    slug = unique_slug(Practice, title, max_length=220)
    if slug in RESERVED_SLUGS:
        slug = unique_slug(Practice, f"{title} beispiel", max_length=220)
    return slug


def _reindex(practice: Practice) -> None:
    search_index_update(practice_ids=[practice.pk])
    # A later full save() of this instance must not write back a stale vector.
    practice.refresh_from_db(fields=["search_vector"])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@contextmanager
def _atomic_with_files():
    """A transaction that also removes the files it stored when it fails.

    Yields a list; code inside appends the storage names it saved.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        storage = PracticeAttachment.file.field.storage
        for name in stored:
            storage.delete(name)
        raise


def _set_fields(practice: Practice, fields: dict) -> None:
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} cannot be set on a practice here")
        setattr(practice, name, _clean(value))


def _replace_links(practice: Practice, links: Iterable[tuple[str, str]]) -> None:
    practice.links.all().delete()
    PracticeLink.objects.bulk_create(
        PracticeLink(practice=practice, url=url, title=_clean(title)[:200], position=position)
        for position, (url, title) in enumerate(links)
    )


def _store_attachments(practice, attachments, user, stored: list[str]) -> None:
    for attachment in attachments:
        row = PracticeAttachment(
            practice=practice,
            kind=attachment.kind,
            title=_clean(attachment.title),
            content_type=attachment.content_type,
            size=attachment.file.size,
            uploaded_by=user,
        )
        row.file.save(attachment.file.name, attachment.file, save=False)
        stored.append(row.file.name)
        row.save()


def _record_status(*, practice: Practice, new_status: str, user, comment: str = "") -> None:
    old_status = practice.status
    practice.status = new_status
    update_fields = ["status", "updated_at"]
    if new_status == Practice.Status.PUBLISHED and practice.published_at is None:
        practice.published_at = timezone.now()
        update_fields.append("published_at")
    practice.save(update_fields=update_fields)
    library_changed()
    review = PracticeReview.objects.create(
        practice=practice,
        old_status=old_status,
        new_status=new_status,
        comment=_clean(comment),
        created_by=user,
    )
    # Inside the transaction: the outbox rows are written together with the change or not at all.
    notifications.practice_status_changed(practice=practice, review=review, actor=user)


def practice_search_index_update(*, practice_ids: Iterable[int]) -> None:
    """Recompute the full-text index, e.g. after an edit in the admin or a bulk import."""
    search_index_update(practice_ids=practice_ids)


def practice_create(
    *,
    user,
    fields: dict,
    municipalities: Iterable,
    topics: Iterable = (),
    links: Iterable[tuple[str, str]] = (),
    attachments: Iterable[NewAttachment] = (),
) -> Practice:
    """A new draft. Representatives always include their own municipality."""
    _require(permissions.can_create_practice(user))
    municipalities = list(municipalities)
    own = member_permissions.current_municipality(user)
    if not permissions.can_review_practices(user):
        fields = {**fields, "is_public": False}
        if own not in municipalities:
            municipalities.append(own)
    if not municipalities:
        raise ValidationError(_("Choose at least one municipality."))
    with _atomic_with_files() as stored:
        practice = Practice(status=Practice.Status.DRAFT, created_by=user)
        _set_fields(practice, fields)
        practice.slug = _new_slug(practice.title)
        practice.save()
        practice.municipalities.set(municipalities)
        practice.topics.set(list(topics))
        _replace_links(practice, links)
        _store_attachments(practice, attachments, user, stored)
        _reindex(practice)
    return practice


def practice_update(
    *,
    practice: Practice,
    user,
    fields: dict,
    municipalities: Iterable,
    topics: Iterable = (),
    links: Iterable[tuple[str, str]] = (),
    attachments: Iterable[NewAttachment] = (),
    remove_attachment_ids: Iterable[int] = (),
) -> Practice:
    _require(permissions.can_edit_practice(user, practice))
    municipalities = list(municipalities)
    if not permissions.can_review_practices(user):
        # Only staff decide whether an example is public; representatives keep their own
        # municipality among the authors so that they do not lock themselves out.
        fields = {key: value for key, value in fields.items() if key != "is_public"}
        own = member_permissions.current_municipality(user)
        if own not in municipalities:
            municipalities.append(own)
    if not municipalities:
        raise ValidationError(_("Choose at least one municipality."))
    with _atomic_with_files() as stored:
        _set_fields(practice, fields)
        practice.save()
        practice.municipalities.set(municipalities)
        practice.topics.set(list(topics))
        _replace_links(practice, links)
        removed = list(
            practice.attachments.filter(pk__in=list(remove_attachment_ids)).values_list(
                "file", flat=True
            )
        )
        practice.attachments.filter(pk__in=list(remove_attachment_ids)).delete()
        _store_attachments(practice, attachments, user, stored)
        _reindex(practice)
        storage = PracticeAttachment.file.field.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in removed])
    return practice


def practice_submit(*, practice: Practice, user) -> Practice:
    _require(permissions.can_submit_practice(user, practice))
    with transaction.atomic():
        _record_status(practice=practice, new_status=Practice.Status.SUBMITTED, user=user)
    return practice


def practice_request_changes(*, practice: Practice, user, comment: str) -> Practice:
    """Staff send a submitted (or published) example back to its authors as a draft."""
    _require(permissions.can_review_practices(user))
    if not comment.strip():
        raise ValidationError(_("Please say what should be changed."))
    with transaction.atomic():
        _record_status(
            practice=practice, new_status=Practice.Status.DRAFT, user=user, comment=comment
        )
    return practice


def practice_publish(
    *, practice: Practice, user, comment: str = "", is_public: bool | None = None
) -> Practice:
    _require(permissions.can_review_practices(user))
    with transaction.atomic():
        if is_public is not None and practice.is_public != is_public:
            practice.is_public = is_public
            practice.save(update_fields=["is_public", "updated_at"])
        _record_status(
            practice=practice, new_status=Practice.Status.PUBLISHED, user=user, comment=comment
        )
    return practice


def practice_archive(*, practice: Practice, user, comment: str = "") -> Practice:
    _require(permissions.can_review_practices(user))
    with transaction.atomic():
        _record_status(
            practice=practice, new_status=Practice.Status.ARCHIVED, user=user, comment=comment
        )
    return practice


def adoption_create(*, practice: Practice, user, note: str = "") -> Adoption:
    """The user's municipality records that it took up the example."""
    _require(permissions.can_adopt_practice(user, practice))
    municipality = member_permissions.current_municipality(user)
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                practice=practice, municipality=municipality, note=_clean(note), created_by=user
            )
            notifications.practice_adopted(adoption=adoption)
    except IntegrityError as error:
        raise ValidationError(_("Your municipality has already recorded this adoption.")) from error
    return adoption


def practice_create_from_agenda_item(*, agenda_item, user) -> Practice:
    """A draft from a host's agenda item, linked to it, for the presenters to complete."""
    _require(permissions.can_create_from_agenda_item(user))
    if agenda_item.practice_id is not None:
        raise ValidationError(_("This agenda item already has a good-practice example."))
    meeting = agenda_item.meeting
    municipality = agenda_item.presenting_municipality or meeting.host
    if municipality is None:
        raise ValidationError(
            _("The agenda item names no presenting municipality and the meeting has no host.")
        )
    presenter = agenda_item.presenters.filter(municipality=municipality).first()
    description = (agenda_item.description or "").strip()
    with transaction.atomic():
        practice = Practice.objects.create(
            title=_clean(agenda_item.title)[:200],
            slug=_new_slug(agenda_item.title),
            summary=_clean(description)[:600] or _clean(agenda_item.title)[:600],
            implementation=_clean(description),
            contact=presenter,
            status=Practice.Status.DRAFT,
            created_by=user,
        )
        practice.municipalities.set([municipality])
        agenda_item.practice = practice
        agenda_item.save(update_fields=["practice", "updated_at"])
        _reindex(practice)
    return practice


# --- saved searches ----------------------------------------------------------------------

SUBSCRIPTION_SALT = "practices.search-subscription"
DIGEST_LENGTH = 20


def search_subscription_token(*, subscription: SearchSubscription) -> str:
    """The signed key of the one-click unsubscribe link (valid as long as the subscription)."""
    return signing.dumps(subscription.pk, salt=SUBSCRIPTION_SALT)


def search_subscription_for_token(*, token: str) -> SearchSubscription | None:
    try:
        pk = signing.loads(token, salt=SUBSCRIPTION_SALT)
    except signing.BadSignature:
        return None
    return SearchSubscription.objects.filter(pk=pk).select_related("user").first()


def search_query_string(params) -> str:
    """The saved form of a search: the list's own parameters, without the page."""
    cleaned = clean_parameters(params)
    cleaned.pop("seite", None)
    return urlencode(sorted(cleaned.items()))


def search_subscription_create(*, user, query_string: str) -> SearchSubscription:
    """Subscribe the user to the search; subscribing twice keeps the first subscription."""
    if not user.is_authenticated:
        raise PermissionDenied
    normalised = search_query_string(QueryDict(query_string))
    with transaction.atomic():
        subscription, _created = SearchSubscription.objects.get_or_create(
            user=user, query_string=normalised, defaults={"covered_until": timezone.now()}
        )
    return subscription


def search_subscription_delete(*, subscription: SearchSubscription) -> None:
    with transaction.atomic():
        subscription.delete()


def _digest_week(now) -> str:
    year, week, _weekday = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


def search_digest_send(*, subscription: SearchSubscription, now=None) -> bool:
    """Queue this week's digest of the subscription's search when it has new examples.

    The outbox row and the new `covered_until` are written in one transaction; the
    idempotency key (subscription and ISO week) keeps a second run in the same week from
    sending it again.
    """
    now = now or timezone.now()
    user = subscription.user
    if not user.is_active:
        return False
    params = {**QueryDict(subscription.query_string).dict(), "sortierung": "neueste"}
    result = practice_search(user=user, params=params, with_facets=False)
    new = list(
        result.queryset.filter(
            published_at__gt=subscription.covered_until, published_at__lte=now
        ).prefetch_related("municipalities")[:DIGEST_LENGTH]
    )
    if not new:
        return False
    site = settings.SITE_URL
    list_url = reverse("practices:list")
    token = search_subscription_token(subscription=subscription)
    unsubscribe_url = f"{site}{reverse('practices:unsubscribe', args=[token])}"
    with transaction.atomic():
        message_queue(
            kind=SEARCH_DIGEST,
            recipient_email=user.email,
            idempotency_key=f"search_digest:{subscription.pk}:{_digest_week(now)}",
            context={
                "recipient_name": user.get_full_name() or user.email,
                "search_label": search_label(query_string=subscription.query_string),
                "search_url": f"{site}{list_url}?{subscription.query_string}".rstrip("?"),
                "practices": [
                    {
                        "title": practice.title,
                        "municipalities": ", ".join(m.name for m in practice.municipalities.all()),
                        "url": f"{site}{reverse('practices:detail', args=[practice.slug])}",
                    }
                    for practice in new
                ],
                "unsubscribe_url": unsubscribe_url,
            },
            language=getattr(user, "language", None),
            recipient_user=user,
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        subscription.covered_until = max(practice.published_at for practice in new)
        subscription.save(update_fields=["covered_until"])
    return True


def search_digests_send(*, now=None) -> int:
    """The weekly run: one digest per subscription that has something new."""
    sent = 0
    for subscription in SearchSubscription.objects.select_related("user").order_by("pk"):
        sent += search_digest_send(subscription=subscription, now=now)
    return sent


def search_label(*, query_string: str) -> str:
    """A readable name of a saved search, e.g. "Fachkräfte · kreis: 05962"."""
    params = QueryDict(query_string)
    parts = [params["q"]] if params.get("q") else []
    parts += [f"{name}: {value}" for name, value in params.items() if name != "q"]
    return " · ".join(parts) or _("all examples")
