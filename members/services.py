import csv
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.slugs import german_slugify
from members.messages import PORTAL_INVITATION
from members.models import District, Municipality, PortalInvitation, Representative, User
from members.permissions import STAFF_GROUP_NAME
from members.privacy import personal_data_erase
from members.selectors import user_sessions
from notifications.services import (
    RenderedMessage,
    message_queue,
    message_render,
    messages_anonymise_for_user,
    messages_purge_naming,
)

# What agency staff may do in the admin: manage the members, meetings and practices apps.
STAFF_APPS = ("members", "meetings", "practices", "roundtable", "notifications")
STAFF_EXCLUDED_MODELS = ("user",)

BUNDLED_REGION_DIR = Path(__file__).resolve().parent / "data"


def staff_group_sync() -> Group:
    """Create the staff group and give it every permission of the portal's own apps."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    permissions = Permission.objects.filter(content_type__app_label__in=STAFF_APPS).exclude(
        content_type__model__in=STAFF_EXCLUDED_MODELS
    )
    group.permissions.set(permissions)
    return group


@dataclass
class RegionLoadResult:
    districts_created: int = 0
    districts_updated: int = 0
    municipalities_created: int = 0
    municipalities_updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


_KINDS = {"Stadt": Municipality.Kind.CITY, "Gemeinde": Municipality.Kind.MUNICIPALITY}


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _update_or_create(model, lookup: dict, values: dict):
    """Like update_or_create, but saves only when something changed (so a rerun writes nothing)."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=[*changed, "updated_at"])
    return instance, "updated"


@transaction.atomic
def region_load(*, data_dir: Path = BUNDLED_REGION_DIR) -> RegionLoadResult:
    """Load the region's districts and municipalities; updates rows in place, never duplicates.

    Keys are the AGS: a refreshed file with a new population or website updates the row.
    """
    result = RegionLoadResult()
    districts_by_name = {}
    for row in _read_csv(Path(data_dir) / "districts.csv"):
        district, outcome = _update_or_create(
            District,
            {"ags_prefix": row["ags_prefix"].strip()},
            {"name": row["name"].strip(), "seat": row["seat"].strip()},
        )
        districts_by_name[district.name] = district
        if outcome == "created":
            result.districts_created += 1
        elif outcome == "updated":
            result.districts_updated += 1
        else:
            result.unchanged += 1

    for line, row in enumerate(_read_csv(Path(data_dir) / "municipalities.csv"), start=2):
        ags = row["ags"].strip()
        district = districts_by_name.get(row["district"].strip())
        kind = _KINDS.get(row["kind"].strip())
        if district is None or kind is None or len(ags) != 8 or not ags.isdigit():
            result.errors.append(f"municipalities.csv line {line}: invalid row {row!r}")
            continue
        population = row.get("population", "").strip()
        population_date = row.get("population_date", "").strip()
        _municipality, outcome = _update_or_create(
            Municipality,
            {"ags": ags},
            {
                "name": row["name"].strip(),
                "slug": german_slugify(row["name"]),
                "kind": kind,
                "district": district,
                "population": int(population) if population else None,
                "population_date": date.fromisoformat(population_date) if population_date else None,
                "website": row.get("website", "").strip(),
            },
        )
        if outcome == "created":
            result.municipalities_created += 1
        elif outcome == "updated":
            result.municipalities_updated += 1
        else:
            result.unchanged += 1
    if result.errors:
        # Nothing is half-loaded: a bad file changes nothing.
        transaction.set_rollback(True)
    return result


# --- Invitations to the portal -------------------------------------------------------

PORTAL_INVITATION_VALIDITY = timedelta(days=14)
_INVITATION_SALT = "members.portal_invitation"


class InvitationInvalid(Exception):
    """The link is unknown, forged, expired, replaced or already used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def portal_invitation_token(*, invitation: PortalInvitation) -> str:
    return signing.Signer(salt=_INVITATION_SALT).sign(invitation.key)


def portal_invitation_from_token(*, token: str) -> PortalInvitation:
    """The invitation behind a link, or InvitationInvalid with the reason for the page."""
    try:
        key = signing.Signer(salt=_INVITATION_SALT).unsign(token)
    except signing.BadSignature:
        raise InvitationInvalid("unknown") from None
    invitation = (
        PortalInvitation.objects.select_related("representative__municipality")
        .filter(key=key)
        .first()
    )
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.used_at is not None:
        raise InvitationInvalid("used")
    if invitation.revoked_at is not None:
        raise InvitationInvalid("replaced")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")
    return invitation


@transaction.atomic
def portal_invitation_create(*, representative: Representative, invited_by) -> PortalInvitation:
    """Invite a representative (again); older open links stop working at once.

    The e-mail goes out from a Celery task once the transaction has committed.
    """
    if representative.user_id is not None:
        raise ValidationError(_("%(name)s already has an account.") % {"name": representative})
    if not representative.is_current:
        raise ValidationError(
            _("%(name)s no longer represents a member.") % {"name": representative}
        )
    if not representative.email:
        raise ValidationError(_("%(name)s has no email address.") % {"name": representative})
    now = timezone.now()
    PortalInvitation.objects.filter(
        representative=representative, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = PortalInvitation.objects.create(
        representative=representative,
        email=representative.email.lower(),
        key=secrets.token_urlsafe(32),
        expires_at=now + PORTAL_INVITATION_VALIDITY,
        invited_by=invited_by,
    )
    # The outbox row is written in this transaction and sent by Celery after the commit.
    portal_invitation_send(invitation_id=invitation.pk)
    return invitation


def _portal_invitation_language(invitation: PortalInvitation) -> str:
    user = invitation.representative.user
    return user.language if user else settings.LANGUAGE_CODE


def portal_invitation_context(*, invitation: PortalInvitation) -> dict:
    """What the portal_invitation templates (templates/notifications/) receive."""
    representative = invitation.representative
    return {
        "recipient_name": representative.full_name,
        "municipality_name": representative.municipality.name,
        "invite_url": settings.SITE_URL
        + reverse(
            "members:invitation_accept", args=[portal_invitation_token(invitation=invitation)]
        ),
        "expires_at": invitation.expires_at,
    }


def portal_invitation_message(*, invitation: PortalInvitation) -> RenderedMessage:
    """Render the invitation e-mail (subject, text and HTML) in the recipient's language."""
    return message_render(
        template_base=PORTAL_INVITATION,
        context=portal_invitation_context(invitation=invitation),
        language=_portal_invitation_language(invitation),
    )


@transaction.atomic
def portal_invitation_send(*, invitation_id: int) -> bool:
    """Hand one invitation e-mail to the outbox; skips what is already sent or no longer valid.

    ``sent_at`` is the moment the outbox took the mail over: from there it is delivered (with
    retries) or shown to staff as failed in the outbox.
    """
    invitation = (
        PortalInvitation.objects.select_for_update(of=("self",))
        .select_related("representative__municipality", "representative__user")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.sent_at is not None or not invitation.is_usable:
        return False
    representative = invitation.representative
    message_queue(
        kind=PORTAL_INVITATION,
        recipient_email=invitation.email,
        idempotency_key=f"portal_invitation:{invitation.pk}",
        context=portal_invitation_context(invitation=invitation),
        language=_portal_invitation_language(invitation),
        recipient_user=representative.user,
        recipient_label=f"{representative.full_name} ({representative.municipality})",
        about=invitation,
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return True


@transaction.atomic
def portal_invitation_accept(*, invitation: PortalInvitation, password: str, language: str) -> User:
    """Create the invited person's account for the invited address and link it.

    Raises InvitationInvalid if the link was used or replaced in the meantime.
    """
    invitation = (
        PortalInvitation.objects.select_for_update(of=("self",))
        .select_related("representative")
        .get(pk=invitation.pk)
    )
    if not invitation.is_usable:
        raise InvitationInvalid("used" if invitation.used_at else "expired")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationInvalid("account_exists")
    representative = invitation.representative
    user = User.objects.create_user(
        invitation.email,
        password,
        first_name=representative.first_name,
        last_name=representative.last_name,
        language=language,
    )
    # The address is proven: the person followed the link sent to it.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    _invitation_link(invitation=invitation, user=user)
    return user


@transaction.atomic
def portal_invitation_accept_existing(*, invitation: PortalInvitation, user: User) -> None:
    """Link an existing account (logged in, same address) to the invited representative."""
    invitation = PortalInvitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationInvalid("used")
    if user.email.lower() != invitation.email.lower():
        raise InvitationInvalid("wrong_email")
    _invitation_link(invitation=invitation, user=user)


def _invitation_link(*, invitation: PortalInvitation, user: User) -> None:
    Representative.objects.filter(pk=invitation.representative_id).update(user=user)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])


# --- Profile and personal data --------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    user: User,
    representative: Representative | None,
    contact: dict,
    language: str,
    meeting_reminders: bool | None = None,
) -> None:
    """Save a member's own contact data, visibility choices, language and reminder choice."""
    if representative is not None:
        for name, value in contact.items():
            setattr(representative, name, value)
        representative.full_clean()
        representative.save(update_fields=[*contact, "updated_at"])
    user.language = language
    update_fields = ["language"]
    if meeting_reminders is not None:
        user.meeting_reminders = meeting_reminders
        update_fields.append("meeting_reminders")
    user.save(update_fields=update_fields)


def _sessions_end(*, user: User) -> None:
    """Log the person out everywhere: their sessions go from the database and the cache."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in user_sessions(user=user):
        # Through the configured engine, so that a cached copy goes too.
        store(session.session_key).delete()


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account and everything that names the person; meeting history stays.

    The representative rows stay because meeting invitations and attendance refer to
    them; they lose every personal field and show as "former representative of ...".
    The apps above members erase what they keep (members.privacy); the account's e-mail
    addresses, two-factor authenticators and calendar feed go with the user row.
    """
    today = timezone.localdate()
    now = timezone.now()
    representatives = list(Representative.objects.select_for_update().filter(user=user))
    emails = {representative.email for representative in representatives}
    names = {user.get_full_name(), user.email} | {
        value
        for representative in representatives
        for value in (representative.full_name, representative.email)
    }
    for representative in representatives:
        representative.salutation = ""
        representative.title = ""
        representative.first_name = ""
        representative.last_name = ""
        representative.job_title = ""
        representative.email = ""
        representative.phone = ""
        representative.show_email = False
        representative.show_phone = False
        representative.listed_in_open_data = False
        representative.is_main_contact = False
        representative.user = None
        representative.anonymised_at = now
        if representative.ends_on is None or representative.ends_on > today:
            representative.ends_on = max(today, representative.starts_on)
        representative.save()
    ids = [representative.pk for representative in representatives]
    PortalInvitation.objects.filter(representative_id__in=ids).delete()
    personal_data_erase(user=user, representative_ids=ids)
    # The admin's history names the rows it changed; it keeps the change, not the name.
    for model, object_ids in ((Representative, ids), (User, [user.pk])):
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(object_id) for object_id in object_ids],
        ).update(object_repr=_("(deleted account)"))
    # Mail to the person: address, name, bodies and attachments go, the delivery record stays.
    messages_anonymise_for_user(user=user, email=user.email)
    for address in emails - {"", user.email}:
        messages_anonymise_for_user(email=address)
    # Mail to others that names the person ("sent by ...", a submission to the reviewers).
    messages_purge_naming(names=names)
    _sessions_end(user=user)
    user.delete()
