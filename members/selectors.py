from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from members import permissions
from members.models import (
    Municipality,
    NetworkMembership,
    PortalInvitation,
    Representative,
    User,
)


def _current_representatives():
    return Representative.objects.current().order_by("-is_main_contact", "last_name", "first_name")


def _current_memberships():
    today = timezone.localdate()
    return (
        NetworkMembership.objects.exclude(ends_on__lt=today)
        .select_related("network")
        .order_by("network__name")
    )


def municipalities_for_directory(*, district=None, network=None, search: str = ""):
    """Active members for the directory, ordered for grouping by district."""
    queryset = (
        Municipality.objects.filter(is_active=True)
        .select_related("district")
        .prefetch_related(
            Prefetch("network_memberships", queryset=_current_memberships(), to_attr="memberships")
        )
        .order_by("district__name", "name")
    )
    if district is not None:
        queryset = queryset.filter(district=district)
    if network is not None:
        queryset = queryset.filter(network_memberships__network=network).distinct()
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(ags__startswith=search))
    return queryset


@dataclass
class Contact:
    representative: Representative
    email: str = ""
    phone: str = ""
    invitation: PortalInvitation | None = None


@dataclass
class MunicipalityPage:
    municipality: Municipality
    contacts: list[Contact] = field(default_factory=list)
    meetings: list = field(default_factory=list)
    practices: list = field(default_factory=list)


def municipality_page_get(*, slug: str, viewer) -> MunicipalityPage:
    """A municipality with its networks, the contacts the viewer may see, meetings and practices."""
    from meetings.models import Meeting
    from meetings.selectors import meetings_visible_to_user
    from practices.models import Practice
    from practices.selectors import practices_visible_to_user

    municipality = get_object_or_404(
        Municipality.objects.select_related("district").prefetch_related(
            Prefetch("network_memberships", queryset=_current_memberships(), to_attr="memberships")
        ),
        slug=slug,
    )
    representatives = list(
        _current_representatives()
        .filter(municipality=municipality)
        .prefetch_related(
            Prefetch(
                "portal_invitations",
                queryset=PortalInvitation.objects.order_by("-created_at"),
                to_attr="newest_invitations",
            )
        )
    )
    contacts = []
    for representative in representatives:
        representative.municipality = municipality
        visible = permissions.visible_contact_fields(viewer, representative)
        contacts.append(
            Contact(
                representative=representative,
                email=representative.email if "email" in visible else "",
                phone=representative.phone if "phone" in visible else "",
                invitation=(
                    representative.newest_invitations[0]
                    if representative.newest_invitations and permissions.is_agency_staff(viewer)
                    else None
                ),
            )
        )
    meetings = list(
        meetings_visible_to_user(user=viewer)
        .filter(
            Q(host=municipality)
            | Q(invitations__on_behalf_of=municipality, invitations__attended=True)
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .distinct()
        .order_by("-starts_at")[:20]
    )
    practices = list(
        practices_visible_to_user(user=viewer)
        .filter(municipalities=municipality, status=Practice.Status.PUBLISHED)
        .order_by("-published_at")
    )
    return MunicipalityPage(
        municipality=municipality, contacts=contacts, meetings=meetings, practices=practices
    )


def representative_for_invitation_get(*, pk: int) -> Representative:
    return get_object_or_404(Representative.objects.select_related("municipality"), pk=pk)


@dataclass
class Participation:
    municipality: Municipality
    last_attended: list = field(default_factory=list)
    missed_in_a_row: int = 0
    invited_count: int = 0


def participation_overview(*, last: int = 3) -> list[Participation]:
    """Per active member: the last meetings attended and how many in a row it missed.

    "Missed in a row" counts the most recent held meetings the member was invited to,
    back to the last one it attended. Three queries, however many members and meetings.
    """
    from meetings.models import Invitation, Meeting

    municipalities = list(
        Municipality.objects.filter(is_active=True)
        .select_related("district")
        .order_by("district__name", "name")
    )
    held = {
        meeting.pk: meeting
        for meeting in Meeting.objects.held().select_related("series").order_by("-starts_at")
    }
    invited: dict[int, dict[int, bool]] = {}
    for municipality_id, meeting_id, attended in Invitation.objects.filter(
        meeting__in=Meeting.objects.held()
    ).values_list("on_behalf_of_id", "meeting_id", "attended"):
        per_meeting = invited.setdefault(municipality_id, {})
        # Several people may be invited on behalf of one member: one attending is enough.
        per_meeting[meeting_id] = per_meeting.get(meeting_id, False) or bool(attended)
    rows = []
    for municipality in municipalities:
        per_meeting = invited.get(municipality.pk, {})
        row = Participation(municipality=municipality, invited_count=len(per_meeting))
        counting = True
        for meeting_id, meeting in held.items():
            if meeting_id not in per_meeting:
                continue
            if per_meeting[meeting_id]:
                counting = False
                if len(row.last_attended) < last:
                    row.last_attended.append(meeting)
            elif counting:
                row.missed_in_a_row += 1
        rows.append(row)
    return rows


@dataclass
class Profile:
    user: User
    representative: Representative | None
    history: list = field(default_factory=list)


def profile_get(*, user: User) -> Profile:
    history = list(
        user.representatives.select_related("municipality", "municipality__district")
        .prefetch_related(
            Prefetch(
                "municipality__network_memberships",
                queryset=_current_memberships(),
                to_attr="memberships",
            )
        )
        .order_by("-starts_on")
    )
    return Profile(
        user=user, representative=permissions.current_representative(user), history=history
    )


def user_data_export(*, user: User) -> dict:
    """Everything the portal stores about a person, for a data-protection request."""
    from allauth.account.models import EmailAddress

    from meetings.models import Invitation

    def day(value):
        return value.isoformat() if value else None

    representatives = list(user.representatives.select_related("municipality"))
    ids = [representative.pk for representative in representatives]
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": day(user.date_joined),
            "last_login": day(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
        },
        "representatives": [
            {
                "municipality": representative.municipality.name,
                "salutation": representative.salutation,
                "title": representative.title,
                "first_name": representative.first_name,
                "last_name": representative.last_name,
                "function": representative.function,
                "job_title": representative.job_title,
                "email": representative.email,
                "phone": representative.phone,
                "is_main_contact": representative.is_main_contact,
                "starts_on": day(representative.starts_on),
                "ends_on": day(representative.ends_on),
                "show_email": representative.show_email,
                "show_phone": representative.show_phone,
            }
            for representative in representatives
        ],
        "portal_invitations": [
            {
                "email": invitation.email,
                "created_at": day(invitation.created_at),
                "sent_at": day(invitation.sent_at),
                "used_at": day(invitation.used_at),
            }
            for invitation in PortalInvitation.objects.filter(representative_id__in=ids)
        ],
        "meeting_invitations": [
            {
                "meeting": str(invitation.meeting),
                "starts_at": day(invitation.meeting.starts_at),
                "on_behalf_of": invitation.on_behalf_of.name,
                "response": invitation.response,
                "responded_at": day(invitation.responded_at),
                "note": invitation.note,
                "attended": invitation.attended,
            }
            for invitation in Invitation.objects.filter(representative_id__in=ids).select_related(
                "meeting__series", "on_behalf_of"
            )
        ],
    }
