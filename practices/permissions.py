"""Who may see and change good-practice examples."""

from members import permissions as member_permissions


def can_review_practices(user) -> bool:
    return member_permissions.is_agency_staff(user)
