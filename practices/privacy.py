"""What the library keeps about a person, for members' data export and account deletion
(registered with members.privacy in PracticesConfig.ready).

An example belongs to its municipalities, so it stays when its author leaves: the author's
account link goes with the account (``created_by``, and the ``created_by`` of reviews and
adoptions, become NULL) and the contact person shows as "former representative of …".
Nothing else names the person (the search index holds no people's names), so there is no
eraser.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from practices.models import Adoption, Practice, PracticeReview


def _moment(value):
    return value.isoformat() if value else None


def practices_personal_data(*, user, representative_ids) -> dict:
    practices = (
        Practice.objects.filter(Q(created_by=user) | Q(contact_id__in=representative_ids))
        .distinct()
        .order_by("created_at", "pk")
    )
    return {
        "practices": [
            {
                "title": practice.title,
                "status": practice.status,
                "author": practice.created_by_id == user.pk,
                "contact_person": practice.contact_id in representative_ids,
                "created_at": _moment(practice.created_at),
                "published_at": _moment(practice.published_at),
                "address": settings.SITE_URL + reverse("practices:detail", args=[practice.slug]),
            }
            for practice in practices
        ],
        "adoptions_recorded": [
            {
                "practice": adoption.practice.title,
                "municipality": adoption.municipality.name,
                "note": adoption.note,
                "recorded_at": _moment(adoption.created_at),
            }
            for adoption in Adoption.objects.filter(created_by=user)
            .select_related("practice", "municipality")
            .order_by("created_at")
        ],
        "review_steps": [
            {
                "practice": review.practice.title,
                "old_status": review.old_status,
                "new_status": review.new_status,
                "comment": review.comment,
                "at": _moment(review.created_at),
            }
            for review in PracticeReview.objects.filter(created_by=user)
            .select_related("practice")
            .order_by("created_at")
        ],
    }
