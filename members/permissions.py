"""Who may do what with members' data. Views, templates and admin use these checks.

Roles:
- admin: a superuser; everything, including Django admin.
- agency staff: member of the group STAFF_GROUP_NAME; manages meetings, members and practices.
- representative: a user linked to a current Representative of a municipality.
"""

from allauth.mfa.models import Authenticator

STAFF_GROUP_NAME = "Agency staff"


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_agency_staff(user) -> bool:
    """True for agency staff and admins."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return _in_staff_group(user)


def current_representative(user):
    """The user's current Representative row (with municipality), or None."""
    if not user.is_authenticated:
        return None
    return _representative(user)


def _viewer_facts(user):
    """Group membership and current representative row: asked on nearly every request.

    Kept on the user object, which lives for one request, so a page asks the database once
    however many checks it makes; nothing is kept between requests. Both facts come in one
    query, when either is first asked.
    """
    facts = getattr(user, "_viewer_facts", None)
    if facts is None:
        from members.selectors import viewer_facts_get  # noqa: PLC0415 - selectors use us

        facts = user._viewer_facts = viewer_facts_get(user=user, staff_group_name=STAFF_GROUP_NAME)
    return facts


def _in_staff_group(user) -> bool:
    return _viewer_facts(user).in_staff_group


def _representative(user):
    return _viewer_facts(user).representative


def current_municipality(user):
    representative = current_representative(user)
    return representative.municipality if representative else None


def is_representative(user) -> bool:
    return current_representative(user) is not None


def is_member(user) -> bool:
    """Signed-in people who may see members-only content."""
    return is_agency_staff(user) or is_representative(user)


def role_of(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if is_admin(user):
        return "admin"
    if is_agency_staff(user):
        return "staff"
    if is_representative(user):
        return "representative"
    return "user"


def can_manage_members(user) -> bool:
    return is_agency_staff(user)


def can_view_member_directory(user) -> bool:
    return is_member(user)


def can_invite_representative(user) -> bool:
    return is_agency_staff(user)


def can_edit_profile(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def visible_contact_fields(viewer, representative) -> set[str]:
    """Which contact fields of a representative the viewer may see.

    Staff and the person themself see everything; other members see what the person
    chose to show; anybody else sees nothing.
    """
    if is_agency_staff(viewer):
        return {"email", "phone"}
    if not is_member(viewer):
        return set()
    if representative.user_id is not None and representative.user_id == viewer.pk:
        return {"email", "phone"}
    fields = set()
    if representative.show_email:
        fields.add("email")
    if representative.show_phone:
        fields.add("phone")
    return fields


def must_use_mfa(user) -> bool:
    """Staff and admins reach other people's data: they log in with a second factor."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or is_agency_staff(user))
    )


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
