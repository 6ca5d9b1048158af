"""Deleting an account leaves nothing that names the person; the data export holds all of it."""

import json
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import CalendarFeed, Invitation, Meeting
from members import services
from members.models import Representative
from members.selectors import user_sessions
from notifications.models import OutgoingMessage
from practices import services as practice_services
from practices.models import Practice
from tests.factories import (
    InvitationFactory,
    MeetingFactory,
    PracticeFactory,
    RepresentativeFactory,
    RepresentativeUserFactory,
)
from tests.members.factories import PortalInvitationFactory

pytestmark = pytest.mark.django_db

EMAIL = "petronella.privatissima@werdohl.example"
# Parts of the name and address as they may appear anywhere, stemmed search terms included.
TRACES = ("petronell", "privatiss", "petronella.privatissima")


@pytest.fixture
def person(municipality, other_municipality, staff_user, client_for):
    """A representative who did a bit of everything the portal records."""
    user = RepresentativeUserFactory(
        email=EMAIL, first_name="Petronella", last_name="Privatissima", representative=municipality
    )
    representative = Representative.objects.get(user=user)
    Representative.objects.filter(pk=representative.pk).update(
        first_name="Petronella", last_name="Privatissima", job_title="Büro Privatissima"
    )
    representative.refresh_from_db()
    TOTP.activate(user, generate_totp_secret())
    client_for(user).get(reverse("members:profile"))  # a session in the database
    meeting_services.calendar_feed_create(user=user)
    PortalInvitationFactory(representative=representative, email=EMAIL)

    held = MeetingFactory(status="scheduled", starts_at=timezone.now() - timedelta(days=30))
    InvitationFactory(
        meeting=held, representative=representative, attended=True, note="Petronella kommt"
    )
    colleague = RepresentativeFactory(municipality=municipality)
    upcoming = MeetingFactory(title="Nächstes Treffen")
    colleagues_invitation = InvitationFactory(meeting=upcoming, representative=colleague)
    meeting_services.invitation_substitute(
        invitation=colleagues_invitation, substitute=representative
    )

    practice = practice_services.practice_create(
        user=user,
        fields={"title": "Willkommenstasche", "summary": "Kurz.", "contact": representative},
        municipalities=[],
    )
    practice_services.practice_submit(practice=practice, user=user)
    olpe_practice = PracticeFactory(title="Neubürgerfrühstück", municipalities=[other_municipality])
    practice_services.adoption_create(practice=olpe_practice, user=user, note="Machen wir auch.")
    LogEntry.objects.create(
        user=staff_user,
        content_type=ContentType.objects.get_for_model(Representative),
        object_id=str(representative.pk),
        object_repr=str(representative),
        action_flag=CHANGE,
        change_message="[]",
    )
    return user


def _columns_naming_the_person() -> list[tuple[str, str, str]]:
    """(table, column, trace) for every row of every table that still names the person."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            for field in model._meta.concrete_fields:
                column = connection.ops.quote_name(field.column)
                for trace in TRACES:
                    # Every column as text: names, addresses, JSON and the search vectors.
                    cursor.execute(
                        f"SELECT count(*) FROM {table} WHERE {column}::text ILIKE %s",  # noqa: S608
                        [f"%{trace}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append((model._meta.db_table, field.column, trace))
    return found


def test_the_walk_over_the_tables_finds_the_person_before_the_deletion(person):
    # Guards the check itself: it sees the name in the places the deletion must clean.
    found = {(table, column) for table, column, _trace in _columns_naming_the_person()}

    assert {
        ("members_user", "email"),
        ("members_representative", "last_name"),
        ("meetings_invitation", "note"),
        ("django_admin_log", "object_repr"),
        ("account_emailaddress", "email"),
    } <= found


def test_deleting_an_account_leaves_the_name_and_address_in_no_table(person):
    sessions_before = user_sessions(user=person)

    services.account_delete(user=person)

    assert sessions_before
    remaining = _columns_naming_the_person()
    assert remaining == [], remaining
    # Only the person's second factor goes (meetings' organisers, staff, keep theirs).
    assert not Authenticator.objects.filter(user_id=person.pk).exists()
    assert not CalendarFeed.objects.exists()
    assert user_sessions(user=person) == []
    # The example stays with its municipality; only the author's name has gone.
    practice = Practice.objects.get(title="Willkommenstasche")
    assert practice.created_by is None
    assert practice.contact.full_name == "Ehemalige Vertretung von Werdohl"


def test_a_deleted_substitutes_invitation_is_withdrawn_and_the_colleague_asked_again(person):
    representative = Representative.objects.get(user=person)
    substitute_invitation = Invitation.objects.get(
        representative=representative, meeting__title="Nächstes Treffen"
    )
    colleagues_invitation = substitute_invitation.substitute_for

    services.account_delete(user=person)

    assert not Invitation.objects.filter(pk=substitute_invitation.pk).exists()
    colleagues_invitation.refresh_from_db()
    assert colleagues_invitation.response == Invitation.Response.OPEN
    assert colleagues_invitation.note == ""
    # The meeting already held keeps its history, anonymised.
    past = Invitation.objects.get(representative=representative, meeting__in=Meeting.objects.held())
    assert past.attended is True and past.note == ""


def test_the_data_export_holds_everything_the_portal_stores_about_the_person(person, client_for):
    OutgoingMessage.objects.create(
        kind="portal_invitation",
        recipient_email=EMAIL,
        recipient_user=person,
        subject="Ihre Einladung",
        body_text="Guten Tag Petronella Privatissima,",
        idempotency_key="test:export",
    )

    response = client_for(person).get(reverse("members:data_export"))
    data = json.loads(response.content)

    assert response["Content-Type"] == "application/json"
    assert data["account"]["last_name"] == "Privatissima"
    assert data["representatives"][0]["job_title"] == "Büro Privatissima"
    assert [factor["type"] for factor in data["sign_in"]["second_factors"]] == ["totp"]
    assert data["sign_in"]["email_addresses"][0]["email"] == EMAIL
    assert len(data["sign_in"]["sessions_valid_until"]) >= 1
    assert len(data["portal_invitations"]) == 1
    assert [mail["subject"] for mail in data["mails"]] == ["Ihre Einladung"]
    invitations = {item["meeting"]: item for item in data["meetings"]["invitations"]}
    assert any(item["note"] == "Petronella kommt" for item in invitations.values())
    assert any(item["substitute_for"] for item in invitations.values())
    assert data["meetings"]["calendar_feed"]["created_at"]
    assert [item["title"] for item in data["practices"]["practices"]] == ["Willkommenstasche"]
    assert data["practices"]["practices"][0]["contact_person"] is True
    assert data["practices"]["adoptions_recorded"] == [
        {
            "practice": "Neubürgerfrühstück",
            "municipality": "Werdohl",
            "note": "Machen wir auch.",
            "recorded_at": data["practices"]["adoptions_recorded"][0]["recorded_at"],
        }
    ]
    assert "token" not in json.dumps(data["meetings"]["calendar_feed"])
