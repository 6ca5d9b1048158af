"""The mail benchmarks of `make bench`, run at a small size: they measure and clean up."""

from types import SimpleNamespace

import pytest
import redis
from django.conf import settings

from bench.notifications import invitation_request_1000, invitations_to_1000, reminder_sweep_2000
from meetings.models import Invitation, Meeting
from members.models import Representative
from notifications.models import Mailing, OutgoingMessage
from realparts import database_url_for_workers
from tests.factories import (
    InvitationFactory,
    MeetingFactory,
    RepresentativeFactory,
    StaffUserFactory,
)


@pytest.mark.django_db
def test_reminder_sweep_benchmark_queues_reminders_and_rolls_everything_back():
    meetings = MeetingFactory.create_batch(3, status=Meeting.Status.CANCELLED)
    for meeting in meetings:
        InvitationFactory(meeting=meeting, response=Invitation.Response.ACCEPTED)
        InvitationFactory(meeting=meeting, response=Invitation.Response.OPEN)
        InvitationFactory(meeting=meeting, response=Invitation.Response.DECLINED)
    before = list(Meeting.objects.order_by("pk").values_list("starts_at", "status"))

    result = reminder_sweep_2000(SimpleNamespace())

    assert result["meetings"] == 3
    assert result["messages"] == result["rows"] == 6
    assert result["repeat_messages"] == 0
    assert not OutgoingMessage.objects.exists()
    assert list(Meeting.objects.order_by("pk").values_list("starts_at", "status")) == before


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_invitation_benchmark_delivers_through_a_worker_and_smtplib():
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    RepresentativeFactory.create_batch(3)
    context = SimpleNamespace(staff=StaffUserFactory())

    result = invitations_to_1000(
        context,
        count=5,
        database_url=database_url_for_workers(),
        redis_url=settings.CELERY_BROKER_URL,
        timeout=60,
    )

    assert result["messages"] == 5
    assert result["outbox_per_second"] > 0
    assert result["smtplib_per_second"] > 0
    # The two missing recipients were created; the benchmark's meeting and mails are gone.
    assert Representative.objects.count() == 5
    assert not Meeting.objects.exists()
    assert not OutgoingMessage.objects.exists()


@pytest.mark.django_db
def test_invitation_request_benchmark_invites_through_the_audience_form_and_cleans_up(outbox):
    RepresentativeFactory.create_batch(4)
    result = invitation_request_1000(SimpleNamespace(staff=StaffUserFactory()), count=4)

    assert result["recipients"] == 4
    assert result["request_seconds"] >= 0
    assert not Meeting.objects.exists()
    assert not Mailing.objects.exists()
