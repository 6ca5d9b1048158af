from django.db.models import Count, Q
from django.utils import timezone

from meetings.models import Invitation, Meeting
from members import permissions as member_permissions


def meetings_visible_to_user(*, user):
    queryset = Meeting.objects.select_related("series", "host")
    if member_permissions.is_agency_staff(user):
        return queryset
    if member_permissions.is_member(user):
        return queryset.exclude(status=Meeting.Status.DRAFT)
    return queryset.none()


def meetings_upcoming_for_user(*, user, limit: int = 5):
    return list(
        meetings_visible_to_user(user=user)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(
            accepted_count=Count(
                "invitations", filter=Q(invitations__response=Invitation.Response.ACCEPTED)
            )
        )
        .order_by("starts_at")[:limit]
    )
