"""Changes reach people once and deliberately; invitation and update mail say what matters."""

import base64
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import messages, selectors, services
from meetings.models import Meeting
from members.models import NetworkMembership
from notifications.models import Mailing, OutgoingMessage
from tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
Kind = messages.Kind


@pytest.fixture
def meeting(db):
    starts_at = (timezone.now() + timedelta(days=20)).astimezone(BERLIN)
    starts_at = starts_at.replace(hour=14, minute=0, second=0, microsecond=0)
    return MeetingFactory(
        title="Frühjahrstreffen",
        host=MunicipalityFactory(name="Werdohl"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        online_url="https://konferenz.example.org/fruehjahr",
    )


def _form_data(meeting, **changes):
    data = {
        "series": meeting.series_id,
        "number": meeting.number,
        "title": meeting.title,
        "description": meeting.description,
        "host": meeting.host_id,
        "format": meeting.format,
        "starts_at": timezone.localtime(meeting.starts_at, BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at, BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "venue": meeting.venue,
        "online_url": meeting.online_url,
    }
    data.update(changes)
    return data


def test_agenda_changes_raise_the_sequence(meeting):
    before = meeting.sequence

    item = services.agenda_item_create(meeting=meeting, data={"title": "Begrüßung"})
    services.agenda_item_update(item=item, data={"title": "Begrüßung und Vorstellung"})
    services.agenda_item_delete(item=item)

    meeting.refresh_from_db()
    assert meeting.sequence == before + 3


def test_time_change_asks_with_the_count_before_any_mail(
    meeting, client_for, staff_user, django_capture_on_commit_callbacks
):
    InvitationFactory.create_batch(2, meeting=meeting)
    InvitationFactory(meeting=meeting, response="declined")
    url = reverse("meetings:edit", args=[meeting.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_user).post(url, _form_data(meeting, starts_at=_later(meeting)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "an 2 Personen" in page
    assert "Änderung ohne Benachrichtigung speichern" in page
    unchanged = Meeting.objects.get(pk=meeting.pk)
    assert unchanged.starts_at == meeting.starts_at
    assert not Mailing.objects.exists()
    assert not OutgoingMessage.objects.exists()


def _later(meeting):
    later = timezone.localtime(meeting.starts_at + timedelta(hours=1), BERLIN)
    return later.strftime("%Y-%m-%dT%H:%M")


def test_time_change_saved_without_notification_mails_nobody(
    meeting, client_for, staff_user, django_capture_on_commit_callbacks
):
    InvitationFactory(meeting=meeting)
    url = reverse("meetings:edit", args=[meeting.pk])
    data = _form_data(meeting, starts_at=_later(meeting), notify="0")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff_user).post(url, data)

    changed = Meeting.objects.get(pk=meeting.pk)
    assert changed.starts_at == meeting.starts_at + timedelta(hours=1)
    assert changed.sequence == meeting.sequence + 1
    assert not Mailing.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_time_change_sent_shows_the_old_and_the_new_time(
    meeting, client_for, staff_user, outbox, django_capture_on_commit_callbacks
):
    InvitationFactory(meeting=meeting)
    url = reverse("meetings:edit", args=[meeting.pk])
    data = _form_data(meeting, starts_at=_later(meeting), notify="1")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff_user).post(url, data)

    update = OutgoingMessage.objects.get(kind=Kind.UPDATE)
    assert "vorher" in update.body_text
    assert "14:00" in update.body_text
    assert "15:00" in update.body_text


def test_update_after_agenda_edits_goes_once_per_person(
    meeting, client_for, staff_user, outbox, django_capture_on_commit_callbacks
):
    InvitationFactory.create_batch(2, meeting=meeting)
    services.agenda_item_create(meeting=meeting, data={"title": "Neuer Punkt"})
    services.agenda_item_create(meeting=meeting, data={"title": "Noch ein Punkt"})
    client = client_for(staff_user)
    url = reverse("meetings:update_send", args=[meeting.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    updates = OutgoingMessage.objects.filter(kind=Kind.UPDATE)
    assert updates.count() == 2
    assert all("Tagesordnung" in update.body_text for update in updates)


def test_sending_the_same_update_again_says_that_nothing_went_out(
    meeting, client_for, staff_user, outbox, django_capture_on_commit_callbacks
):
    InvitationFactory.create_batch(2, meeting=meeting)
    services.agenda_item_create(meeting=meeting, data={"title": "Neuer Punkt"})
    client = client_for(staff_user)
    url = reverse("meetings:update_send", args=[meeting.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, follow=True)

    first_text = [str(message) for message in first.context["messages"]]
    second_text = [str(message) for message in second.context["messages"]]
    assert any("2" in text for text in first_text)
    assert second_text == [
        "Die Aktualisierung für den jetzigen Stand des Treffens wurde bereits verschickt; es "
        "ging nichts erneut hinaus. Ändern Sie die Tagesordnung oder das Treffen, um eine neue "
        "Aktualisierung zu verschicken."
    ]
    assert Mailing.objects.filter(kind=Kind.UPDATE).count() == 1


def _invite(meeting, capture):
    with capture(execute=True):
        services.invitations_send(meeting=meeting, representatives=[RepresentativeFactory()])


def test_invitation_mail_carries_time_place_link_host_agenda_and_answers(
    meeting, outbox, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=meeting, title="Willkommenskultur in Werdohl")

    _invite(meeting, django_capture_on_commit_callbacks)

    mail = OutgoingMessage.objects.get(kind=Kind.INVITATION)
    for text in (mail.body_text, mail.body_html):
        assert "14:00" in text
        assert "https://konferenz.example.org/fruehjahr" in text
        assert "Werdohl" in text
        assert "Willkommenskultur in Werdohl" in text
        assert "/treffen/antwort/" in text


def test_invitation_calendar_asks_for_no_replies_to_the_organiser(
    meeting, outbox, django_capture_on_commit_callbacks
):
    _invite(meeting, django_capture_on_commit_callbacks)

    mail = OutgoingMessage.objects.get(kind=Kind.INVITATION)
    (attachment,) = [a for a in mail.attachments if a["content_type"].startswith("text/cal")]
    event = Calendar.from_ical(base64.b64decode(attachment["content"])).walk("VEVENT")[0]
    assert event["attendee"].params["RSVP"] == "FALSE"


def test_audience_by_network_tier_invites_only_that_tier():
    network = NetworkFactory()
    pioneer = RepresentativeFactory(is_main_contact=True)
    member = RepresentativeFactory(is_main_contact=True)
    NetworkMembershipFactory(
        network=network, municipality=pioneer.municipality, role=NetworkMembership.Role.PIONEER
    )
    NetworkMembershipFactory(
        network=network, municipality=member.municipality, role=NetworkMembership.Role.MEMBER
    )

    people = selectors.audience_resolve(network_tiers=[f"{network.pk}:pioneer", "x:<b>"])

    assert people == [pioneer]


def test_substitute_mail_carries_the_note(
    meeting, representative_user, outbox, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        meeting=meeting, representative=representative_user.representatives.get()
    )
    colleague = RepresentativeFactory(municipality=invitation.on_behalf_of)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_substitute(
            invitation=invitation, substitute=colleague, note="Bitte die Folien mitbringen"
        )

    mail = OutgoingMessage.objects.get(kind=Kind.INVITATION, recipient_email=colleague.email)
    assert "Bitte die Folien mitbringen" in mail.body_text


def test_detail_page_explains_why_no_substitute_can_be_named(
    meeting, client_for, representative_user
):
    InvitationFactory(meeting=meeting, representative=representative_user.representatives.get())

    page = client_for(representative_user).get(reverse("meetings:detail", args=[meeting.pk]))

    content = page.content.decode()
    assert "Niemand sonst vertritt Ihre Kommune" in content
    assert "mailto:" in content
