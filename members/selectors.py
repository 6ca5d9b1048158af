import functools
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from members import permissions
from members.models import (
    District,
    Municipality,
    Network,
    NetworkMembership,
    PortalInvitation,
    Representative,
    User,
)
from members.privacy import personal_data_export
from members.sections import MUNICIPALITY, NETWORK, PageSection, sections_for
from notifications.models import OutgoingMessage


def agency_staff_users():
    """Active accounts in the agency's staff group, e.g. the reviewers of practices."""
    return User.objects.filter(is_active=True, groups__name=permissions.STAFF_GROUP_NAME).order_by(
        "email"
    )


def _current_representatives():
    return Representative.objects.current().order_by("-is_main_contact", "last_name", "first_name")


def _current_memberships():
    return NetworkMembership.objects.current().select_related("network").order_by("network__name")


class DirectoryListing:
    """The directory's members in district order, as the paginator counts and slices them.

    Members with a district come first, by district name and name, then those without
    (organisations), by name: the order of one outer-joined ORDER BY, which PostgreSQL can
    only serve by sorting every member for each page (about 8 ms at 11,000). With the
    district inner-joined, it walks the districts by their name index and each district's
    members by the (district, name) index, and stops after the page.
    """

    def __init__(self, queryset):
        self.queryset = queryset
        self._counts = None

    def _split(self) -> tuple[int, int]:
        """(all, with a district), in one query."""
        if self._counts is None:
            counts = self.queryset.order_by().aggregate(
                total=Count("pk"), with_district=Count("pk", filter=Q(district__isnull=False))
            )
            self._counts = (counts["total"], counts["with_district"])
        return self._counts

    def count(self) -> int:
        return self._split()[0]

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("DirectoryListing takes a slice without a step")
        total, with_district = self._split()
        start, stop, _step = index.indices(total)
        rows = []
        if start < with_district:
            rows += self.queryset.filter(district__isnull=False).order_by("district__name", "name")[
                start : min(stop, with_district)
            ]
        if stop > with_district:
            rows += self.queryset.filter(district__isnull=True).order_by("name")[
                max(0, start - with_district) : stop - with_district
            ]
        return rows


def municipalities_for_directory(
    *, district=None, network=None, search: str = ""
) -> DirectoryListing:
    """Active members for the directory, ordered for grouping by district; only the columns
    the directory shows (name, kind, link, district, network names) are read."""
    memberships = _current_memberships().only("municipality", "network__name")
    queryset = (
        Municipality.objects.filter(is_active=True)
        .select_related("district")
        .only("name", "slug", "kind", "district__name")
        .prefetch_related(
            Prefetch("network_memberships", queryset=memberships, to_attr="memberships")
        )
    )
    if district is not None:
        queryset = queryset.filter(district=district)
    if network is not None:
        queryset = queryset.filter(
            Exists(NetworkMembership.objects.filter(network=network, municipality=OuterRef("pk")))
        )
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(ags__startswith=search))
    return DirectoryListing(queryset)


@dataclass
class Contact:
    representative: Representative
    email: str = ""
    phone: str = ""
    invitation: PortalInvitation | None = None


@dataclass
class MunicipalityPage:
    municipality: Municipality
    contacts: list[Contact] = field(default_factory=list)
    # What meetings and practices show of the municipality (members.sections).
    sections: list[PageSection] = field(default_factory=list)


def municipality_page_get(*, slug: str, viewer) -> MunicipalityPage:
    """A municipality with its networks, the contacts the viewer may see and the sections
    other apps contribute (meetings hosted or attended, good-practice examples)."""
    municipality = get_object_or_404(
        Municipality.objects.select_related("district").prefetch_related(
            Prefetch("network_memberships", queryset=_current_memberships(), to_attr="memberships")
        ),
        slug=slug,
    )
    representatives = _current_representatives().filter(municipality=municipality)
    # Only staff see the state of a person's invitation to the portal.
    shows_invitations = permissions.is_agency_staff(viewer)
    if shows_invitations:
        representatives = representatives.prefetch_related(
            Prefetch(
                "portal_invitations",
                queryset=PortalInvitation.objects.order_by("-created_at"),
                to_attr="newest_invitations",
            )
        )
    contacts = []
    for representative in representatives:
        representative.municipality = municipality
        visible = permissions.visible_contact_fields(viewer, representative)
        newest = representative.newest_invitations if shows_invitations else []
        contacts.append(
            Contact(
                representative=representative,
                email=representative.email if "email" in visible else "",
                phone=representative.phone if "phone" in visible else "",
                invitation=newest[0] if newest else None,
            )
        )
    return MunicipalityPage(
        municipality=municipality,
        contacts=contacts,
        sections=sections_for(page=MUNICIPALITY, municipality=municipality, viewer=viewer),
    )


@dataclass
class NetworkPage:
    network: Network
    # Current memberships, pioneers first, each with its municipality.
    memberships: list[NetworkMembership] = field(default_factory=list)
    # What meetings and practices show of the network (members.sections).
    sections: list[PageSection] = field(default_factory=list)


# Tiers in the order a network page lists them.
ROLE_ORDER = [
    NetworkMembership.Role.PIONEER,
    NetworkMembership.Role.MEMBER,
    NetworkMembership.Role.PARTNER,
]


def network_page_get(*, slug: str, viewer) -> NetworkPage:
    """A network with its current members and their tier, plus the other apps' sections."""
    network = get_object_or_404(Network, slug=slug)
    memberships = list(
        NetworkMembership.objects.current()
        .filter(network=network)
        .select_related("municipality", "municipality__district")
    )
    memberships.sort(key=lambda m: (ROLE_ORDER.index(m.role), m.municipality.name))
    return NetworkPage(
        network=network,
        memberships=memberships,
        sections=sections_for(page=NETWORK, network=network, viewer=viewer),
    )


@dataclass(frozen=True)
class ViewerFacts:
    in_staff_group: bool
    representative: Representative | None


def _columns(model, alias: str) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@functools.cache
def _loaders(model) -> list[tuple]:
    """Per concrete field: its column expression and the converters the ORM applies to it
    (the backend's, e.g. SQLite's for dates and booleans, and the field's own)."""
    loaders = []
    for model_field in model._meta.concrete_fields:
        column = model_field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        loaders.append((column, converters))
    return loaders


def _instance(model, values):
    """A model instance from its concrete columns' values, as the ORM would load it."""
    converted = []
    for (column, converters), value in zip(_loaders(model), values, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    attnames = [model_field.attname for model_field in model._meta.concrete_fields]
    return model.from_db(connection.alias, attnames, converted)


@functools.cache
def _viewer_facts_sql() -> str:
    # Built from the models' metadata, so new columns are read without touching this; names
    # come from the metadata and values are parameters (S608, B608).
    groups = User.groups.through._meta
    return (  # noqa: S608  # nosec B608
        "SELECT EXISTS (SELECT 1 FROM {user_groups} AS ug JOIN {group} AS g "
        "ON g.id = ug.{group_fk} WHERE ug.{user_fk} = %(user)s AND g.name = %(staff)s), "
        "{representative_columns}, {municipality_columns}, {district_columns} "
        # A correlated subquery rather than a LATERAL join: the embedded default (SQLite)
        # runs it too.
        "FROM (SELECT 1) AS one "
        "LEFT JOIN {representative} AS r ON r.id = (SELECT c.id FROM {representative} AS c "
        "WHERE c.user_id = %(user)s AND c.starts_on <= %(today)s AND c.anonymised_at IS NULL "
        "AND (c.ends_on IS NULL OR c.ends_on >= %(today)s) "
        "ORDER BY c.is_main_contact DESC, c.starts_on DESC, c.id LIMIT 1) "
        "LEFT JOIN {municipality} AS m ON m.id = r.municipality_id "
        "LEFT JOIN {district} AS d ON d.id = m.district_id"
    ).format(
        user_groups=connection.ops.quote_name(groups.db_table),
        group=connection.ops.quote_name(Group._meta.db_table),
        group_fk=connection.ops.quote_name(groups.get_field("group").column),
        user_fk=connection.ops.quote_name(groups.get_field("user").column),
        representative=connection.ops.quote_name(Representative._meta.db_table),
        municipality=connection.ops.quote_name(Municipality._meta.db_table),
        district=connection.ops.quote_name(District._meta.db_table),
        representative_columns=_columns(Representative, "r"),
        municipality_columns=_columns(Municipality, "m"),
        district_columns=_columns(District, "d"),
    )


def viewer_facts_get(*, user: User, staff_group_name: str) -> ViewerFacts:
    """Whether the user is in the staff group, and their current representative row with its
    municipality and district (``Representative.objects.current()``, main contact first, then
    the latest start), in one query.

    Nearly every request asks both. Through the ORM they were two queries whose building cost
    about 2 ms of CPU per request, more than half of the whole logged-in bare view; this is one
    statement of fixed text (issue #12). tests/members/test_viewer_facts.py holds it to the
    ORM's answer.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _viewer_facts_sql(),
            {"user": user.pk, "staff": staff_group_name, "today": timezone.localdate()},
        )
        row = cursor.fetchone()
    in_staff_group, values = bool(row[0]), row[1:]
    sizes = [len(model._meta.concrete_fields) for model in (Representative, Municipality)]
    representative_values = values[: sizes[0]]
    municipality_values = values[sizes[0] : sizes[0] + sizes[1]]
    district_values = values[sizes[0] + sizes[1] :]
    if representative_values[0] is None:
        return ViewerFacts(in_staff_group=in_staff_group, representative=None)
    representative = _instance(Representative, representative_values)
    municipality = _instance(Municipality, municipality_values)
    municipality.district = (
        _instance(District, district_values) if district_values[0] is not None else None
    )
    representative.municipality = municipality
    return ViewerFacts(in_staff_group=in_staff_group, representative=representative)


def representative_for_invitation_get(*, pk: int) -> Representative:
    return get_object_or_404(Representative.objects.select_related("municipality"), pk=pk)


@dataclass
class Profile:
    user: User
    representative: Representative | None
    history: list = field(default_factory=list)


def profile_get(*, user: User) -> Profile:
    history = list(
        user.representatives.select_related("municipality", "municipality__district")
        .prefetch_related(
            Prefetch(
                "municipality__network_memberships",
                queryset=_current_memberships(),
                to_attr="memberships",
            )
        )
        .order_by("-starts_on")
    )
    return Profile(
        user=user, representative=permissions.current_representative(user), history=history
    )


def _moment(value):
    return value.isoformat() if value else None


def user_sessions(*, user: User) -> list[Session]:
    """The person's valid sessions (signed in on some device); they name the account by id."""
    return [
        session
        for session in Session.objects.filter(expire_date__gt=timezone.now()).order_by(
            "expire_date"
        )
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]


def _sign_in_data(user: User) -> dict:
    """What allauth and Django keep about signing in: addresses, second factors, sessions."""
    return {
        "date_joined": _moment(user.date_joined),
        "last_login": _moment(user.last_login),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "second_factors": [
            {
                "type": authenticator.type,
                "created_at": _moment(authenticator.created_at),
                "last_used_at": _moment(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions_valid_until": [
            _moment(session.expire_date) for session in user_sessions(user=user)
        ],
    }


def _mails_to(user: User, representatives) -> list[dict]:
    addresses = {user.email} | {rep.email for rep in representatives if rep.email}
    messages = OutgoingMessage.objects.filter(
        Q(recipient_user=user) | Q(recipient_email__in=addresses)
    ).order_by("created_at", "pk")
    return [
        {
            "kind": message.kind,
            "to": message.recipient_email,
            "subject": message.subject,
            "text": message.body_text,
            "state": message.state,
            "queued_at": _moment(message.created_at),
            "sent_at": _moment(message.sent_at),
        }
        for message in messages
    ]


def user_data_export(*, user: User) -> dict:
    """Everything the portal stores about a person, for a data-protection request.

    Members' own data, the mail sent to the person and sign-in data, plus what the apps
    above members keep (members.privacy: meetings, practices).
    """
    representatives = list(user.representatives.select_related("municipality").order_by("pk"))
    ids = [representative.pk for representative in representatives]
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "sign_in": _sign_in_data(user),
        "representatives": [
            {
                "municipality": representative.municipality.name,
                "salutation": representative.salutation,
                "title": representative.title,
                "first_name": representative.first_name,
                "last_name": representative.last_name,
                "function": representative.function,
                "job_title": representative.job_title,
                "email": representative.email,
                "phone": representative.phone,
                "is_main_contact": representative.is_main_contact,
                "starts_on": _moment(representative.starts_on),
                "ends_on": _moment(representative.ends_on),
                "show_email": representative.show_email,
                "show_phone": representative.show_phone,
                "listed_in_open_data": representative.listed_in_open_data,
            }
            for representative in representatives
        ],
        "portal_invitations": [
            {
                "email": invitation.email,
                "created_at": _moment(invitation.created_at),
                "sent_at": _moment(invitation.sent_at),
                "used_at": _moment(invitation.used_at),
                "expires_at": _moment(invitation.expires_at),
            }
            for invitation in PortalInvitation.objects.filter(representative_id__in=ids)
        ],
        "mails": _mails_to(user, representatives),
        **personal_data_export(user=user, representative_ids=ids),
    }
