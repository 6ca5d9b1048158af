"""Who may see and do what with meetings. Views, templates and admin use these checks."""

from django.utils import timezone

from members import permissions as member_permissions


def can_manage_meetings(user) -> bool:
    return member_permissions.is_agency_staff(user)


def can_view_meeting(user, meeting) -> bool:
    """Staff see every meeting; members see all but drafts."""
    if can_manage_meetings(user):
        return True
    return member_permissions.is_member(user) and meeting.status != meeting.Status.DRAFT


def is_invited(user, meeting, invitations=None) -> bool:
    """``invitations``: invitations of the meeting with their representatives that include
    any of the user's, when the page has them anyway (the meeting page: the viewer's own);
    otherwise one query asks (never one per invitation)."""
    if not user.is_authenticated:
        return False
    if invitations is None:
        return meeting.invitations.filter(representative__user=user).exists()
    return any(invitation.representative.user_id == user.pk for invitation in invitations)


def can_see_online_link(user, meeting, invitations=None) -> bool:
    """The online link is for invited people and staff only."""
    if can_manage_meetings(user):
        return True
    return can_view_meeting(user, meeting) and is_invited(user, meeting, invitations)


def can_view_minutes(user, meeting, minutes) -> bool:
    if minutes is None:
        return False
    if can_manage_meetings(user):
        return True
    return can_view_meeting(user, meeting) and minutes.is_published


def can_respond(user, invitation) -> bool:
    """Only the invited person answers, and only before the meeting ends."""
    meeting = invitation.meeting
    return (
        user.is_authenticated
        and invitation.representative.user_id == user.pk
        and meeting.status == meeting.Status.SCHEDULED
        and meeting.ends_at > timezone.now()
    )


def can_subscribe_calendar(user) -> bool:
    return member_permissions.is_member(user)
