"""Who may see outgoing mail: agency staff (and admins) only; mails hold personal data."""

from members import permissions as member_permissions


def can_manage_messages(user) -> bool:
    return member_permissions.is_agency_staff(user)
