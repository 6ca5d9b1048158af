"""Who may see and do what with meetings. Views, templates and admin use these checks."""

from members import permissions as member_permissions


def can_manage_meetings(user) -> bool:
    return member_permissions.is_agency_staff(user)


def can_view_meeting(user, meeting) -> bool:
    """Staff see every meeting; members see all but drafts."""
    if can_manage_meetings(user):
        return True
    return member_permissions.is_member(user) and meeting.status != meeting.Status.DRAFT
