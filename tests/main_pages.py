"""The portal's main pages, checked by the accessibility and HTML-validity tests.

One entry per page and role: ``MainPage(role, url name, args, status)``. ``args`` is a
callable that receives the users of each role (like the ``role_users`` fixture) and returns
the URL's arguments; it may create the objects the page shows (with the factories).
``status`` is the expected HTTP status. A new feature adds its pages to MAIN_PAGES; every
check then covers them.
"""

import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, NamedTuple

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.tokens import response_token
from members.services import portal_invitation_create, portal_invitation_token
from tests import factories
from tests.meetings.factories import ActionItemFactory, DocumentFactory, MinutesFactory
from tests.notifications.factories import OutgoingMessageFactory

ALL_ROLES = ("anonymous", "other_representative", "representative", "staff", "admin")
ROLE_FIXTURES = {
    "other_representative": "other_representative_user",
    "representative": "representative_user",
    "staff": "staff_user",
    "admin": "admin_user",
}


def no_args(users: Mapping[str, Any]) -> list[Any]:
    return []


def start_page_content(users: Mapping[str, Any]) -> list[Any]:
    """A planned meeting and a published example, so that the start page shows its cards."""
    factories.MeetingFactory(host=factories.MunicipalityFactory(name="Meschede"))
    factories.PracticeFactory(title="Willkommensbüro im Rathaus")
    return []


class MainPage(NamedTuple):
    role: str
    url_name: str
    args: Callable[[Mapping[str, Any]], list[Any]] = no_args
    status: int = 200
    label: str = ""  # tells apart entries with the same role and URL name

    @property
    def id(self) -> str:
        return "-".join(filter(None, [self.role, self.url_name, self.label]))

    def url(self, users: Mapping[str, Any]) -> str:
        return reverse(self.url_name, args=self.args(users))


class RoleUsers(Mapping):
    """The users of each role, created only when asked for (hashing passwords is slow)."""

    def __init__(self, request):
        self._request = request

    def __getitem__(self, role):
        if role == "anonymous":
            return None
        return self._request.getfixturevalue(ROLE_FIXTURES[role])

    def __iter__(self):
        return iter(ALL_ROLES)

    def __len__(self):
        return len(ALL_ROLES)


def signed_in_client(user) -> Client:
    """A client for ``user`` (anonymous for None) that has just entered its password.

    Pages that protect the account (two-factor set-up) ask for a recent password entry;
    this records one the way django-allauth does after its log-in form.
    """
    client = Client(headers={"accept-language": "de"})
    if user is None:
        return client
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


MAIN_PAGES: list[MainPage] = [
    *(MainPage(role, "home") for role in ALL_ROLES),
    MainPage("representative", "home", start_page_content, label="with-content"),
    MainPage("staff", "home", start_page_content, label="with-content"),
    MainPage("anonymous", "account_login"),
    MainPage("anonymous", "account_reset_password"),
    MainPage("anonymous", "account_reset_password_done"),
    MainPage("anonymous", "account_signup"),
    MainPage("anonymous", "account_email_verification_sent"),
    MainPage(
        "anonymous",
        "account_reset_password_from_key",
        lambda users: ["zz", "ungueltig"],
        label="invalid-key",
    ),
    *(
        MainPage("anonymous", "legal_page", lambda users, kind=kind: [kind], label=kind)
        for kind in ("imprint", "privacy", "accessibility")
    ),
    # An unknown legal page answers with the portal's 404 page.
    MainPage("anonymous", "legal_page", lambda users: ["gibt-es-nicht"], 404, "not-found"),
    MainPage("representative", "account_email"),
    MainPage("representative", "account_change_password"),
    MainPage("representative", "mfa_index"),
    MainPage("representative", "mfa_activate_totp"),
    MainPage("representative", "mfa_generate_recovery_codes"),
    MainPage("representative", "account_logout"),
    MainPage("anonymous", "admin:login"),
    MainPage("staff", "admin:index"),
    MainPage("admin", "admin:index"),
]


def _meeting_with_content(users):
    """A scheduled meeting with agenda, invitation of the representative and a document."""
    representative = users["representative"].representatives.get()
    meeting = factories.MeetingFactory(host=representative.municipality)
    for position in range(3):
        factories.AgendaItemFactory(meeting=meeting, position=position)
    factories.InvitationFactory(meeting=meeting, representative=representative)
    factories.InvitationFactory(meeting=meeting)
    DocumentFactory(meeting=meeting)
    ActionItemFactory(meeting=meeting)
    MinutesFactory(meeting=meeting)
    return meeting


def meeting_args(users):
    return [_meeting_with_content(users).pk]


def outbox_content(users):
    meeting = _meeting_with_content(users)
    OutgoingMessageFactory(meeting=meeting, recipient_label="Erika Muster (Werdohl)")
    OutgoingMessageFactory(meeting=meeting, state="failed", last_error="550 Mailbox unavailable")
    return []


def meeting_mail_args(users):
    meeting = _meeting_with_content(users)
    OutgoingMessageFactory(meeting=meeting, state="failed", last_error="550 Mailbox unavailable")
    return [f"meetings.meeting:{meeting.pk}"]


def practice_args(users):
    representative = users["representative"].representatives.get()
    practice = factories.PracticeFactory(
        title="Willkommenstasche",
        municipalities=[representative.municipality],
        implementation="Eine **Tasche** mit Gutscheinen.",
    )
    return [practice.slug]


def municipality_args(users):
    return [users["representative"].representatives.get().municipality.slug]


def listing_content(users):
    representative = users["representative"].representatives.get()
    factories.PracticeFactory(title="Dorfladen", municipalities=[representative.municipality])
    _meeting_with_content(users)
    return []


MEMBER_ROLES = ("representative", "staff")

MAIN_PAGES += [
    *(MainPage(role, "meetings:list", listing_content) for role in MEMBER_ROLES),
    *(MainPage(role, "meetings:detail", meeting_args) for role in MEMBER_ROLES),
    MainPage("representative", "meetings:print", meeting_args),
    MainPage("representative", "meetings:calendar_feed"),
    MainPage("staff", "meetings:create"),
    MainPage("staff", "meetings:edit", meeting_args),
    MainPage("staff", "meetings:agenda", meeting_args),
    MainPage("staff", "meetings:audience", meeting_args),
    MainPage("staff", "meetings:responses", meeting_args),
    MainPage("staff", "meetings:attendance", meeting_args),
    MainPage("staff", "meetings:minutes", meeting_args),
    MainPage("staff", "meetings:documents", meeting_args),
    MainPage("staff", "meetings:action_items", meeting_args),
    *(MainPage(role, "practices:list", listing_content) for role in ("anonymous", *MEMBER_ROLES)),
    *(MainPage(role, "practices:detail", practice_args) for role in MEMBER_ROLES),
    MainPage("representative", "practices:create"),
    *(MainPage(role, "members:directory", listing_content) for role in MEMBER_ROLES),
    *(MainPage(role, "members:municipality_detail", municipality_args) for role in MEMBER_ROLES),
    MainPage("representative", "members:profile"),
    MainPage("representative", "members:account_delete"),
    MainPage("staff", "meetings:participation"),
    MainPage("staff", "notifications:preview_list"),
    MainPage("staff", "notifications:outbox", outbox_content),
    MainPage("staff", "notifications:scope_messages", meeting_mail_args),
]


def held_meeting_args(users):
    """A meeting that has started, with accepted invitations: attendance and minutes open."""
    meeting = factories.HeldMeetingFactory()
    factories.InvitationFactory(meeting=meeting, response="accepted")
    factories.InvitationFactory(meeting=meeting)
    return [meeting.pk]


def action_item_args(users):
    item = ActionItemFactory(what="Flyer drucken")
    return [item.meeting_id, item.pk]


def action_items_content(users):

    ActionItemFactory(what="Offen")
    ActionItemFactory(what="Überfällig", due_on=timezone.localdate() - timedelta(days=2))
    ActionItemFactory(what="Erledigt", status="done")
    return []


def own_action_items_content(users):
    municipality = users["representative"].representatives.get().municipality
    ActionItemFactory(what="Eigene Aufgabe", owner_municipality=municipality)
    return []


def series_args(users):
    return [factories.SeriesFactory().pk]


def network_args(users):
    # Called once per role in some tests: a network of its own each time.
    network = factories.NetworkFactory()
    representative = users["representative"].representatives.get()
    factories.NetworkMembershipFactory(
        network=network, municipality=representative.municipality, role="pioneer"
    )
    factories.MeetingFactory(audience={"networks": [network.pk]})
    factories.PracticeFactory(network=network)
    return [network.slug]


MAIN_PAGES += [
    MainPage("staff", "meetings:attendance", held_meeting_args, label="held"),
    MainPage("staff", "meetings:minutes", held_meeting_args, label="held"),
    MainPage("staff", "meetings:remind_open", meeting_args),
    MainPage("staff", "meetings:action_item_list", action_items_content),
    MainPage("staff", "meetings:action_item_edit", action_item_args),
    MainPage("staff", "meetings:series_list", lambda users: series_args(users) and []),
    MainPage("staff", "meetings:series_create"),
    MainPage("staff", "meetings:series_edit", series_args),
    *(MainPage(role, "members:network_detail", network_args) for role in MEMBER_ROLES),
    MainPage("representative", "home", own_action_items_content, label="with-action-items"),
]


def respond_by_link_args(users):
    """A valid one-click response link of the representative's invitation."""
    representative = users["representative"].representatives.get()
    invitation = factories.InvitationFactory(representative=representative)
    return [response_token(invitation, "accepted")]


def portal_invitation_args(users):
    """An open portal invitation for a representative without an account yet."""
    invitation = portal_invitation_create(
        representative=factories.RepresentativeFactory(email="neu@example.org"),
        invited_by=users["staff"],
    )
    return [portal_invitation_token(invitation=invitation)]


MAIN_PAGES += [
    # The public pages behind a mail's links: one-click response, invalid link, invitation.
    MainPage("anonymous", "meetings:respond_by_link", respond_by_link_args),
    MainPage(
        "anonymous",
        "meetings:respond_by_link",
        lambda users: ["ungueltig"],
        400,
        "invalid",
    ),
    MainPage("anonymous", "members:invitation_accept", portal_invitation_args),
]


def message_args(users):
    """A failed invitation mail of a meeting, as staff open it from the outbox."""
    meeting = _meeting_with_content(users)
    message = OutgoingMessageFactory(
        meeting=meeting, state="failed", last_error="550 Mailbox unavailable"
    )
    return [message.pk]


def admin_municipality_args(users):
    return [users["representative"].representatives.get().municipality.pk]


def admin_representative_args(users):
    return [users["representative"].representatives.get().pk]


def admin_meeting_args(users):
    return [_meeting_with_content(users).pk]


def admin_practice_args(users):
    representative = users["representative"].representatives.get()
    practice = factories.PracticeFactory(
        title="Willkommenstasche", municipalities=[representative.municipality]
    )
    return [practice.pk]


MAIN_PAGES += [
    # A mail preview and one delivered message, as staff check them.
    MainPage("staff", "notifications:preview", lambda users: ["invitation", "de"]),
    MainPage("staff", "notifications:message_detail", message_args),
    # The admin's change forms of the main models.
    MainPage("admin", "admin:members_municipality_change", admin_municipality_args),
    MainPage("admin", "admin:members_representative_change", admin_representative_args),
    MainPage("admin", "admin:meetings_meeting_change", admin_meeting_args),
    MainPage("admin", "admin:practices_practice_change", admin_practice_args),
]

LANGUAGES = ("de", "en")
