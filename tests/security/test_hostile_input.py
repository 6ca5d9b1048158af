"""Random and hostile data posted to forms: never a server error, never foreign data changed."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import AgendaItem, Invitation, Meeting, Minutes
from members.models import Municipality, Representative, User
from practices.models import Practice
from tests.security.hostile import SCRIPT, hostile_value

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=15,
    deadline=None,
    # Forms with many text fields draw several 5-20 KB texts per example on purpose.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@dataclass(frozen=True)
class HostileForm:
    name: str
    role: str
    url_name: str
    fields: dict
    args: Callable = lambda world: []
    # Tables the role may legitimately change through this form.
    may_change: frozenset = field(default_factory=frozenset)
    # Ids of other municipalities' objects that a forged post might try to reach.
    forged_ids: Callable = lambda world: []


# Every form of the portal; features add theirs here.
FORMS = [
    HostileForm("log in", "anonymous", "account_login", {"login": "text", "password": "text"}),
    HostileForm("password reset", "anonymous", "account_reset_password", {"email": "text"}),
    HostileForm(
        "sign-up",
        "anonymous",
        "account_signup",
        {"email": "text", "password1": "text", "password2": "text"},
    ),
    HostileForm("language", "representative", "set_language", {"language": "text", "next": "text"}),
    HostileForm(
        "profile",
        "representative",
        "members:profile",
        {
            "contact-first_name": "text",
            "contact-last_name": "text",
            "contact-email": "text",
            "contact-phone": "text",
            "contact-title": "text",
            "account-language": "text",
            "account-meeting_reminders": "text",
        },
        may_change=frozenset({"representatives", "users"}),
    ),
    HostileForm(
        "respond to another person's invitation",
        "other_representative",
        "meetings:respond",
        {"response": "text", "note": "text"},
        args=lambda world: [world.invitation.pk],
    ),
    HostileForm(
        "respond",
        "representative",
        "meetings:respond",
        {"response": "text", "note": "text"},
        args=lambda world: [world.invitation.pk],
        may_change=frozenset({"invitations"}),
    ),
    HostileForm(
        "send a substitute from another municipality",
        "representative",
        "meetings:substitute",
        {"substitute": "id", "note": "text"},
        args=lambda world: [world.invitation.pk],
        forged_ids=lambda world: [world.other_representative.pk],
    ),
    HostileForm(
        "meeting by a representative",
        "representative",
        "meetings:edit",
        {"title": "text", "host": "id", "starts_at": "date", "ends_at": "date"},
        args=lambda world: [world.meeting.pk],
    ),
    HostileForm(
        "new meeting",
        "staff",
        "meetings:create",
        {
            "title": "text",
            "description": "text",
            "host": "id",
            "format": "text",
            "number": "number",
            "starts_at": "date",
            "ends_at": "date",
            "online_url": "text",
        },
        may_change=frozenset({"meetings"}),
        forged_ids=lambda world: [world.other_municipality.pk, 999999],
    ),
    HostileForm(
        "agenda item",
        "staff",
        "meetings:agenda",
        {
            "title": "text",
            "description": "text",
            "duration_minutes": "number",
            "presenting_municipality": "id",
            "practice": "id",
        },
        args=lambda world: [world.meeting.pk],
        may_change=frozenset({"agenda_items", "meetings"}),
    ),
    HostileForm(
        "new practice for another municipality",
        "representative",
        "practices:create",
        {
            "title": "text",
            "summary": "text",
            "municipalities": "id",
            "topics": "id",
            "keywords": "text",
            "implementation": "text",
            "started_on": "date",
            "links": "text",
        },
        may_change=frozenset({"practices"}),
        forged_ids=lambda world: [world.other_municipality.pk],
    ),
    HostileForm(
        "review by a representative",
        "representative",
        "practices:review",
        {"action": "text", "comment": "text"},
        args=lambda world: [world.submitted_practice.slug],
    ),
    HostileForm(
        "review",
        "staff",
        "practices:review",
        {"action": "text", "comment": "text", "is_public": "text"},
        args=lambda world: [world.submitted_practice.slug],
        may_change=frozenset({"practices"}),
    ),
    HostileForm(
        "adoption",
        "other_representative",
        "practices:adopt",
        {"note": "text"},
        args=lambda world: [world.practice.slug],
    ),
    HostileForm(
        "resend a mail",
        "staff",
        "notifications:message_resend",
        {"next": "text"},
        args=lambda world: [world.message.pk],
    ),
    HostileForm(
        "audience",
        "staff",
        "meetings:audience",
        {
            "all_active": "text",
            "districts": "id",
            "networks": "id",
            "network_tiers": "text",
            "municipalities": "id",
            "representatives": "id",
            "confirm": "text",
        },
        args=lambda world: [world.meeting.pk],
        may_change=frozenset({"invitations", "meetings"}),
        forged_ids=lambda world: [world.network.pk, world.other_municipality.pk],
    ),
    HostileForm(
        "meeting edit",
        "staff",
        "meetings:edit",
        {
            "title": "text",
            "host": "id",
            "format": "text",
            "starts_at": "date",
            "ends_at": "date",
            "online_url": "text",
            "notify": "text",
        },
        args=lambda world: [world.meeting.pk],
        may_change=frozenset({"meetings"}),
    ),
    HostileForm(
        "action item",
        "staff",
        "meetings:action_items",
        {
            "what": "text",
            "owner_municipality": "id",
            "owner_representative": "id",
            "due_on": "date",
        },
        args=lambda world: [world.meeting.pk],
        forged_ids=lambda world: [world.other_representative.pk, world.other_municipality.pk],
    ),
    HostileForm(
        "action item edit",
        "staff",
        "meetings:action_item_edit",
        {
            "what": "text",
            "owner_municipality": "id",
            "owner_representative": "id",
            "due_on": "date",
            "next": "text",
        },
        args=lambda world: [world.meeting.pk, world.action_item.pk],
        forged_ids=lambda world: [world.other_representative.pk, world.other_municipality.pk],
    ),
    HostileForm(
        "action item status",
        "staff",
        "meetings:action_item_status",
        {"status": "text", "next": "text"},
        args=lambda world: [world.meeting.pk, world.action_item.pk],
    ),
    HostileForm(
        "attendance",
        "staff",
        "meetings:attendance",
        {"attended": "id"},
        args=lambda world: [world.meeting.pk],
        may_change=frozenset({"invitations"}),
        forged_ids=lambda world: [world.invitation.pk, 999999],
    ),
    HostileForm(
        "series",
        "staff",
        "meetings:series_create",
        {
            "name": "text",
            "slug": "text",
            "description": "text",
            "reminder_offsets": "text",
            "host_rotation": "text",
            "default_duration_minutes": "number",
        },
    ),
    HostileForm(
        "remind now",
        "staff",
        "meetings:remind_open",
        {"confirm": "text"},
        args=lambda world: [world.meeting.pk],
    ),
    HostileForm(
        "minutes",
        "staff",
        "meetings:minutes",
        {"text": "text"},
        args=lambda world: [world.meeting.pk],
        may_change=frozenset({"minutes", "meetings"}),
    ),
    # Creates, renews or switches off the person's own feed: tables above stay untouched.
    HostileForm(
        "calendar feed settings",
        "representative",
        "meetings:calendar_feed",
        {"action": "text", "with_alarms": "text"},
    ),
]


def snapshot(exclude):
    """Everything a hostile form post must leave alone, less what the form may change."""
    tables = {
        "users": User.objects.values_list("pk", "email", "is_staff", "is_superuser", "language"),
        "municipalities": Municipality.objects.values(),
        "representatives": Representative.objects.values(),
        "meetings": Meeting.objects.values(),
        "agenda_items": AgendaItem.objects.values(),
        "invitations": Invitation.objects.values(),
        "minutes": Minutes.objects.values(),
        "practices": Practice.objects.values(),
    }
    return {
        name: list(queryset.order_by("pk"))
        for name, queryset in tables.items()
        if name not in exclude
    }


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_hostile_form_posts_never_fail_and_change_nothing_foreign(
    form, role_users, client_for, world
):
    client = client_for(role_users[form.role])
    url = reverse(form.url_name, args=form.args(world))
    forged = form.forged_ids(world)
    before = snapshot(form.may_change)

    @HYPOTHESIS
    @given(
        payload=st.fixed_dictionaries(
            {name: hostile_value(kind, forged) for name, kind in form.fields.items()}
        )
    )
    def post(payload):
        response = client.post(url, payload)
        assert response.status_code < 500
        assert SCRIPT.encode() not in response.content

    post()

    assert snapshot(form.may_change) == before
