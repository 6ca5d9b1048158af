from django.conf import settings

from members import permissions


def portal(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "portal_role": permissions.role_of(user),
        "portal_is_staff": permissions.is_agency_staff(user),
        "portal_is_member": permissions.is_member(user),
        "portal_operator": settings.PORTAL_OPERATOR,
        "portal_contact_email": settings.PORTAL_CONTACT_EMAIL,
        "portal_open_data": settings.OPARL_ENABLED,
    }
