from django.db.models import Prefetch

from members import permissions as member_permissions
from members.models import Municipality
from practices.models import Practice


def practices_visible_to_user(*, user):
    """Published examples for members; public ones for visitors; everything for staff."""
    queryset = Practice.objects.all()
    if member_permissions.is_agency_staff(user):
        return queryset
    if member_permissions.is_member(user):
        return queryset.filter(status=Practice.Status.PUBLISHED)
    return queryset.filter(status=Practice.Status.PUBLISHED, is_public=True)


def practices_newest_for_user(*, user, limit: int = 5):
    return list(
        practices_visible_to_user(user=user)
        .filter(status=Practice.Status.PUBLISHED)
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.only("id", "name", "slug"))
        )
        .order_by("-published_at")[:limit]
    )
