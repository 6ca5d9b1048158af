"""What meetings keep about a person, for members' data export and account deletion
(registered with members.privacy in MeetingsConfig.ready).

Meeting history stays true after a deletion: past invitations and attendance remain, under
the anonymised representative ("former representative of …"). What would name the person, or
pretend they still take part, goes.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import ActionItem, AgendaItem, CalendarFeed, Document, Invitation, Meeting


def _moment(value):
    return value.isoformat() if value else None


def meetings_personal_data(*, user, representative_ids) -> dict:
    invitations = (
        Invitation.objects.filter(representative_id__in=representative_ids)
        .select_related("meeting__series", "on_behalf_of", "substitute_for__representative")
        .order_by("meeting__starts_at", "pk")
    )
    feed = CalendarFeed.objects.filter(user=user).first()
    return {
        "invitations": [
            {
                "meeting": str(invitation.meeting),
                "starts_at": _moment(invitation.meeting.starts_at),
                "on_behalf_of": invitation.on_behalf_of.name,
                "response": invitation.response,
                "responded_at": _moment(invitation.responded_at),
                "note": invitation.note,
                "attended": invitation.attended,
                "substitute_for": (
                    invitation.substitute_for.representative.full_name
                    if invitation.substitute_for
                    else None
                ),
            }
            for invitation in invitations
        ],
        "presentations": [
            {"meeting": str(item.meeting), "agenda_item": item.title}
            for item in AgendaItem.objects.filter(presenters__in=representative_ids)
            .select_related("meeting__series")
            .distinct()
            .order_by("meeting__starts_at", "position")
        ],
        "action_items": [
            {
                "meeting": str(item.meeting),
                "what": item.what,
                "due_on": _moment(item.due_on),
                "status": item.status,
            }
            for item in ActionItem.objects.filter(owner_representative_id__in=representative_ids)
            .select_related("meeting__series")
            .order_by("due_on", "pk")
        ],
        "meetings_organised": [
            {"meeting": str(meeting), "starts_at": _moment(meeting.starts_at)}
            for meeting in Meeting.objects.filter(organiser=user)
            .select_related("series")
            .order_by("starts_at")
        ],
        "documents_uploaded": [
            {"meeting": str(document.meeting), "title": document.title}
            for document in Document.objects.filter(uploaded_by=user)
            .select_related("meeting__series")
            .order_by("uploaded_at")
        ],
        "calendar_feed": {"created_at": _moment(feed.created_at)} if feed else None,
    }


@transaction.atomic
def meetings_personal_data_erase(*, user, representative_ids) -> None:
    """Withdraw the person's invitations to meetings still to come; clear their notes."""
    now = timezone.now()
    upcoming = Invitation.objects.filter(
        representative_id__in=representative_ids,
        meeting__status__in=[Meeting.Status.DRAFT, Meeting.Status.SCHEDULED],
        meeting__starts_at__gt=now,
    )
    # A substitute who leaves hands the place back: the colleague they stood in for is asked
    # again instead of staying "declined, sends somebody else".
    Invitation.objects.filter(substitutes__in=upcoming).update(
        response=Invitation.Response.OPEN, responded_at=None, note=""
    )
    upcoming.delete()
    # Notes are free text and may be personal; the response itself stays as history. The
    # colleague's note "Sends <name> instead." names the person, so it names nobody now.
    Invitation.objects.filter(representative_id__in=representative_ids).update(note="")
    Invitation.objects.filter(
        Q(substitutes__representative_id__in=representative_ids) & ~Q(note="")
    ).update(note=_("Sent a substitute instead."))
    CalendarFeed.objects.filter(user=user).delete()
