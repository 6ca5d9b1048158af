"""Who may see and change good-practice examples. Views, templates and admin use these checks.

- Visitors see published examples that staff made public; members see every published one.
- Drafts, submitted and archived examples are seen only by staff and by the representatives
  of the example's own municipalities.
- Representatives create examples for their own municipality, edit them while they are
  drafts and submit them; staff review (send back, publish, archive) and may edit everything.
"""

from members import permissions as member_permissions


def _municipality_ids(practice) -> set[int]:
    # Uses the prefetched municipalities when the selector loaded them.
    return {municipality.pk for municipality in practice.municipalities.all()}


def can_review_practices(user) -> bool:
    return member_permissions.is_agency_staff(user)


def is_own_practice(user, practice) -> bool:
    municipality = member_permissions.current_municipality(user)
    return municipality is not None and municipality.pk in _municipality_ids(practice)


def can_view_practice(user, practice) -> bool:
    if can_review_practices(user):
        return True
    if practice.status == practice.Status.PUBLISHED:
        return practice.is_public or member_permissions.is_member(user)
    return is_own_practice(user, practice)


def can_create_practice(user) -> bool:
    return can_review_practices(user) or member_permissions.is_representative(user)


def can_edit_practice(user, practice) -> bool:
    if can_review_practices(user):
        return True
    return practice.status == practice.Status.DRAFT and is_own_practice(user, practice)


def can_submit_practice(user, practice) -> bool:
    return practice.status == practice.Status.DRAFT and (
        can_review_practices(user) or is_own_practice(user, practice)
    )


def can_adopt_practice(user, practice) -> bool:
    """A representative whose municipality is not behind the example may record an adoption."""
    municipality = member_permissions.current_municipality(user)
    return (
        municipality is not None
        and practice.status == practice.Status.PUBLISHED
        and municipality.pk not in _municipality_ids(practice)
    )


def can_see_contact_details(user) -> bool:
    """Anonymous visitors never see contact people; members see what each person allows."""
    return member_permissions.is_member(user)


def can_see_meetings(user) -> bool:
    return member_permissions.is_member(user)


def can_create_from_agenda_item(user) -> bool:
    return can_review_practices(user)
