import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from notifications import kinds
from notifications.models import OutgoingMessage
from tests.factories import MeetingFactory
from tests.notifications.factories import OutgoingMessageFactory
from tests.security.hostile import SCRIPT, hostile_text

pytestmark = pytest.mark.django_db

State = OutgoingMessage.State

EXPECTED_STATUS = {
    "anonymous": 302,
    "other_representative": 403,
    "representative": 403,
    "staff": 200,
    "admin": 200,
}


def _staff_urls(message, meeting):
    return [
        reverse("notifications:outbox"),
        reverse("notifications:scope_messages", args=[f"meetings.meeting:{meeting.pk}"]),
        reverse("notifications:message_detail", args=[message.pk]),
        reverse("notifications:message_html", args=[message.pk]),
        reverse("notifications:preview_list"),
        reverse("notifications:preview", args=["invitation", "de"]),
        reverse("notifications:preview_html", args=["reminder", "en"]),
    ]


@pytest.mark.parametrize("role", EXPECTED_STATUS)
def test_staff_pages_are_for_agency_staff_only(role, role_users, client_for):
    meeting = MeetingFactory()
    message = OutgoingMessageFactory(meeting=meeting)
    client = client_for(role_users[role])

    for url in _staff_urls(message, meeting):
        response = client.get(url)
        assert response.status_code == EXPECTED_STATUS[role], url
        if role == "anonymous":
            assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", EXPECTED_STATUS)
def test_message_resend_is_for_agency_staff_only(role, role_users, client_for, published):
    meeting = MeetingFactory()
    message = OutgoingMessageFactory(meeting=meeting, state=State.FAILED, attempts=1)

    response = client_for(role_users[role]).post(
        reverse("notifications:message_resend", args=[message.pk])
    )

    message.refresh_from_db()
    if role in {"staff", "admin"}:
        assert response.status_code == 302
        assert message.state == State.QUEUED
    else:
        assert response.status_code == EXPECTED_STATUS[role]
        assert message.state == State.FAILED


def test_message_resend_puts_a_failed_message_back_in_the_queue(
    client_for, staff_user, published, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    message = OutgoingMessageFactory(meeting=meeting, state=State.FAILED, attempts=5)

    scope_page = reverse("notifications:scope_messages", args=[message.scope])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_user).post(
            reverse("notifications:message_resend", args=[message.pk]),
            {"next": scope_page},
            follow=True,
        )

    assert response.redirect_chain[-1][0] == scope_page
    assert "wird erneut gesendet" in response.content.decode()
    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert published == [(message.pk, None)]


def test_message_resend_of_a_sent_message_changes_nothing(client_for, staff_user, published):
    message = OutgoingMessageFactory(state=State.SENT)

    response = client_for(staff_user).post(
        reverse("notifications:message_resend", args=[message.pk]), follow=True
    )

    assert "Nur fehlgeschlagene Nachrichten" in response.content.decode()
    message.refresh_from_db()
    assert message.state == State.SENT
    assert published == []


def test_message_resend_refuses_get(client_for, staff_user):
    message = OutgoingMessageFactory(state=State.FAILED)

    response = client_for(staff_user).get(
        reverse("notifications:message_resend", args=[message.pk])
    )

    assert response.status_code == 405


def test_message_resend_to_another_site_returns_to_the_message_instead(
    client_for, staff_user, published
):
    message = OutgoingMessageFactory(state=State.FAILED, attempts=5)

    response = client_for(staff_user).post(
        reverse("notifications:message_resend", args=[message.pk]),
        {"next": "https://elsewhere.example/"},
    )

    assert response["Location"] == reverse("notifications:message_detail", args=[message.pk])


def test_meeting_messages_lists_recipients_states_and_errors(client_for, staff_user):
    meeting = MeetingFactory()
    OutgoingMessageFactory(
        meeting=meeting,
        recipient_label="Erika Mustermann (Werdohl)",
        recipient_email="erika@example.org",
        state=State.FAILED,
        last_error="550 5.1.1 Mailbox unavailable (erika@example.org)",
    )
    OutgoingMessageFactory(meeting=meeting, recipient_email="max@example.org", state=State.SENT)
    OutgoingMessageFactory(recipient_email="anderes-treffen@example.org")

    response = client_for(staff_user).get(
        reverse("notifications:scope_messages", args=[f"meetings.meeting:{meeting.pk}"])
    )

    content = response.content.decode()
    assert str(meeting) in content
    assert "Erika Mustermann (Werdohl)" in content
    assert "550 5.1.1 Mailbox unavailable" in content
    assert "Fehlgeschlagen" in content
    assert "Gesendet" in content
    assert "anderes-treffen@example.org" not in content
    assert content.count("Erneut senden") == 1


def _meeting_page_queries(client, meeting):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("notifications:scope_messages", args=[f"meetings.meeting:{meeting.pk}"])
        )
    assert response.status_code == 200
    return len(queries)


def test_meeting_messages_query_count_does_not_grow_with_messages(client_for, staff_user):
    meeting = MeetingFactory()
    client = client_for(staff_user)
    OutgoingMessageFactory(meeting=meeting)
    small = _meeting_page_queries(client, meeting)

    for state in [State.SENT, State.FAILED, State.QUEUED] * 5:
        OutgoingMessageFactory(meeting=meeting, state=state)
    large = _meeting_page_queries(client, meeting)

    assert small == large


def test_preview_renders_the_sample_without_sending(client_for, staff_user):
    client = client_for(staff_user)

    german = client.get(reverse("notifications:preview", args=["invitation", "de"]))
    english_html = client.get(reverse("notifications:preview_html", args=["invitation", "en"]))

    assert "Wir laden Sie herzlich" in german.content.decode()
    assert '<html lang="en">' in english_html.content.decode()
    assert OutgoingMessage.objects.count() == 0


@pytest.mark.parametrize("kind", [kind.name for kind in kinds.all_kinds()])
def test_preview_exists_for_every_kind(kind, client_for, staff_user):
    response = client_for(staff_user).get(reverse("notifications:preview", args=[kind, "de"]))

    assert response.status_code == 200


def test_preview_of_an_unknown_kind_or_language_is_not_found(client_for, staff_user):
    client = client_for(staff_user)

    assert (
        client.get(reverse("notifications:preview", args=["newsletter", "de"])).status_code == 404
    )
    assert (
        client.get(reverse("notifications:preview", args=["invitation", "fr"])).status_code == 404
    )


def test_message_detail_shows_the_text_and_links_the_html(client_for, staff_user):
    message = OutgoingMessageFactory(body_text="Guten Tag, <Frau> Muster", body_html="<p>Hallo</p>")
    client = client_for(staff_user)

    detail = client.get(reverse("notifications:message_detail", args=[message.pk]))
    html = client.get(reverse("notifications:message_html", args=[message.pk]))

    assert "Guten Tag, &lt;Frau&gt; Muster" in detail.content.decode()
    assert reverse("notifications:message_html", args=[message.pk]) in detail.content.decode()
    assert html.content.decode() == "<p>Hallo</p>"


def test_scope_page_of_a_missing_object_is_not_found(client_for, staff_user):
    client = client_for(staff_user)

    for scope in ("meetings.meeting:999999", "nothing.here:1", "meetings.meeting:1x"):
        url = f"/benachrichtigungen/zu/{scope}/"
        assert client.get(url).status_code == 404, scope


def test_outbox_works_in_production_and_lists_every_kind(client_for, staff_user, settings):
    settings.DEBUG = False
    OutgoingMessageFactory(subject="Einladung zum 15. Runden Tisch")
    OutgoingMessageFactory(kind="portal_invitation", subject="Ihr Zugang zum Portal")

    response = client_for(staff_user).get(reverse("notifications:outbox"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Einladung zum 15. Runden Tisch" in content
    assert "Ihr Zugang zum Portal" in content


def test_outbox_filters_by_kind_state_recipient_and_scope(client_for, staff_user):
    meeting = MeetingFactory()
    wanted = OutgoingMessageFactory(
        meeting=meeting, state=State.FAILED, recipient_email="erika@example.org"
    )
    OutgoingMessageFactory(meeting=meeting, state=State.SENT, recipient_email="erika@example.org")
    OutgoingMessageFactory(state=State.FAILED, recipient_email="erika@example.org")
    OutgoingMessageFactory(
        meeting=meeting, kind="reminder", state=State.FAILED, recipient_email="erika@example.org"
    )
    OutgoingMessageFactory(meeting=meeting, state=State.FAILED, recipient_email="max@example.org")

    response = client_for(staff_user).get(
        reverse("notifications:outbox"),
        {"kind": "invitation", "state": "failed", "recipient": "ERIKA", "scope": wanted.scope},
    )

    assert list(response.context["page"].object_list) == [wanted]


def test_outbox_with_invalid_filters_lists_everything(client_for, staff_user):
    OutgoingMessageFactory()

    response = client_for(staff_user).get(
        reverse("notifications:outbox"),
        {"kind": "newsletter", "state": "x", "recipient": "\x00", "scope": "'; drop"},
    )

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def _outbox_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:outbox"), {"seite": "2"})
    assert response.status_code == 200
    return len(queries)


def test_outbox_query_count_does_not_grow_with_messages(client_for, staff_user):
    client = client_for(staff_user)
    OutgoingMessageFactory.create_batch(55)
    small = _outbox_queries(client)

    OutgoingMessageFactory.create_batch(120, state=State.FAILED)
    large = _outbox_queries(client)

    assert small == large


def test_outbox_is_for_agency_staff_only(client_for, representative_user):
    response = client_for(representative_user).get(reverse("notifications:outbox"))

    assert response.status_code == 403


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.fixed_dictionaries(
        dict.fromkeys(("kind", "state", "recipient", "scope", "seite"), hostile_text)
    )
)
def test_outbox_filters_with_hostile_input_never_fail(client_for, staff_user, query):
    response = client_for(staff_user).get(reverse("notifications:outbox"), query)

    assert response.status_code == 200
    assert SCRIPT.encode() not in response.content
