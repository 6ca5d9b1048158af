from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Document,
    Invitation,
    Meeting,
    Minutes,
    Series,
)
from members import permissions as member_permissions
from members.models import Municipality, NetworkMembership, Representative
from members.sections import PageSection
from notifications.models import Mailing, OutgoingMessage, scope_for


def meetings_visible_to_user(*, user):
    queryset = Meeting.objects.select_related("series", "host")
    if member_permissions.is_agency_staff(user):
        return queryset
    if member_permissions.is_member(user):
        return queryset.exclude(status=Meeting.Status.DRAFT)
    return queryset.none()


# A meeting as a row of a list (meeting list, start page, the sections of the municipality
# and network pages): its name (Meeting.__str__), time, format, host and state; the other
# columns are not read.
MEETING_ROW_FIELDS = (
    *("series__name", "number", "title", "starts_at", "ends_at", "format", "status"),
    "host__name",
)


def meetings_upcoming_for_user(*, user, limit: int = 5):
    return list(
        meetings_visible_to_user(user=user)
        .only(*MEETING_ROW_FIELDS)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(accepted_count=_invitation_count(response=Invitation.Response.ACCEPTED))
        .order_by("starts_at")[:limit]
    )


def meetings_work_list(*, limit: int = 5) -> list[Meeting]:
    """Upcoming meetings staff are working on, with answer counts and who has not answered."""
    Response = Invitation.Response
    return list(
        Meeting.objects.filter(ends_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("series", "host")
        .annotate(
            invitation_count=_invitation_count(),
            accepted_count=_invitation_count(response=Response.ACCEPTED),
            declined_count=_invitation_count(response=Response.DECLINED),
            tentative_count=_invitation_count(response=Response.TENTATIVE),
            open_count=_invitation_count(response=Response.OPEN),
        )
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(response=Response.OPEN)
                # An anonymised person is named after their municipality (full_name).
                .select_related("representative__municipality", "on_behalf_of")
                .order_by("on_behalf_of__name", "representative__last_name", "pk"),
                to_attr="open_invitations",
            )
        )
        .order_by("starts_at", "pk")[:limit]
    )


def _invitation_count(**filters):
    """Invitations per meeting as a correlated subquery: counted for the shown rows only."""
    invitations = (
        Invitation.objects.filter(meeting=OuterRef("pk"), **filters)
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(invitations, output_field=IntegerField()), 0)


MEETINGS_PER_PAGE = 20
# Meetings of no series are reminded this many days before (meetings.messages uses the same).
DEFAULT_REMINDER_OFFSETS = (7, 1)


def meeting_list_for_user(*, user, upcoming_page=1, past_page=1) -> tuple[Page, Page]:
    """Upcoming (soonest first) and past (newest first) meetings, a page of each, with
    response counts."""
    now = timezone.now()
    queryset = (
        meetings_visible_to_user(user=user)
        .only(*MEETING_ROW_FIELDS)
        .annotate(
            invitation_count=_invitation_count(),
            accepted_count=_invitation_count(response=Invitation.Response.ACCEPTED),
        )
    )
    representative = member_permissions.current_representative(user)
    if representative is not None:
        queryset = queryset.annotate(
            my_invitation_count=_invitation_count(representative__user=user)
        )
    upcoming = Paginator(
        queryset.filter(ends_at__gte=now).order_by("starts_at", "pk"), MEETINGS_PER_PAGE
    ).get_page(upcoming_page)
    past = Paginator(
        queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk"), MEETINGS_PER_PAGE
    ).get_page(past_page)
    return upcoming, past


def series_list() -> list[Series]:
    return list(Series.objects.annotate(meeting_count=Count("meetings")).order_by("name"))


def reminder_offsets(meeting: Meeting) -> list[int]:
    """The series' offsets in days (largest first); bad entries are ignored."""
    offsets = meeting.series.reminder_offsets if meeting.series_id else DEFAULT_REMINDER_OFFSETS
    valid = set()
    for offset in offsets or ():
        try:
            days = int(offset)
        except (TypeError, ValueError):
            continue
        if days > 0:
            valid.add(days)
    return sorted(valid, reverse=True)


def reminder_dates(*, meeting: Meeting) -> list[datetime]:
    """When the reminders of this meeting go out (the sweep runs every 15 minutes)."""
    if meeting.status == Meeting.Status.CANCELLED:
        return []
    return [meeting.starts_at - timedelta(days=days) for days in reminder_offsets(meeting)]


def meeting_get(*, meeting_id: int) -> Meeting:
    return Meeting.objects.select_related("series", "host", "organiser").get(pk=meeting_id)


# What the meeting page and its printable version show of a meeting and its parts. The
# rows are fetched with these columns only: compiling and building every column of the
# joined tables was most of the page's database work (issue #12).
MEETING_DETAIL_FIELDS = (
    *("series", "number", "title", "description", "host", "format", "starts_at", "ends_at"),
    *("venue", "online_url", "status", "organiser"),
    *("series__name", "series__reminder_offsets", "host__name"),
    *("organiser__first_name", "organiser__last_name", "organiser__email"),
    *("minutes__meeting", "minutes__text", "minutes__status"),
)
AGENDA_ITEM_FIELDS = (
    *("meeting", "position", "title", "description", "presenter_text", "duration_minutes"),
    *("presenting_municipality__name", "practice__slug", "practice__title"),
)
# An anonymised presenter is named after their municipality (Representative.full_name).
PRESENTER_FIELDS = ("title", "first_name", "last_name", "anonymised_at", "municipality__name")
DOCUMENT_FIELDS = ("meeting", "agenda_item", "title", "size")
# The viewer's own invitation (response card and forms), whether they are invited (online
# link) and who takes part (municipality names).
INVITATION_FIELDS = (
    *("meeting", "representative", "on_behalf_of", "response", "note", "attended"),
    *("representative__user", "on_behalf_of__name"),
)
# The action table (_action_table.html); the meeting's own items need no meeting columns.
ACTION_ITEM_TABLE_FIELDS = (
    *("meeting", "what", "owner_municipality", "owner_representative", "due_on", "status"),
    "owner_municipality__name",
    *(f"owner_representative__{name}" for name in PRESENTER_FIELDS),
)


def meeting_detail_get(*, meeting_id: int) -> Meeting:
    """A meeting with everything its page shows, in a fixed number of queries."""
    meeting = (
        Meeting.objects.select_related("series", "host", "organiser", "minutes")
        .only(*MEETING_DETAIL_FIELDS)
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("presenting_municipality", "practice")
                .only(*AGENDA_ITEM_FIELDS)
                .prefetch_related(
                    Prefetch(
                        "presenters",
                        queryset=Representative.objects.select_related("municipality").only(
                            *PRESENTER_FIELDS
                        ),
                    )
                ),
            ),
            # Documents of the meeting and of its items in one query, handed out below.
            Prefetch(
                "documents",
                queryset=Document.objects.only(*DOCUMENT_FIELDS),
                to_attr="all_documents",
            ),
        )
        .get(pk=meeting_id)
    )
    by_item = {}
    for document in meeting.all_documents:
        by_item.setdefault(document.agenda_item_id, []).append(document)
    meeting.meeting_documents = by_item.get(None, [])
    for item in meeting.agenda_items.all():
        item.item_documents = by_item.get(item.pk, [])
    # The action items are shown with the minutes only: no query for a meeting without.
    if minutes_of(meeting=meeting) is not None:
        prefetch_related_objects(
            [meeting],
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related(
                    "owner_municipality", "owner_representative__municipality"
                ).only(*ACTION_ITEM_TABLE_FIELDS),
            ),
        )
    return meeting


@dataclass(frozen=True)
class TimedAgendaItem:
    item: AgendaItem
    starts_at: datetime
    ends_at: datetime


def agenda_items_for_editing(*, meeting: Meeting):
    """The staff agenda page's items with their presenters (an anonymised presenter is named
    after their municipality, so it is joined: one query for all, not one per person)."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenting_municipality", "practice")
        .prefetch_related(
            Prefetch("presenters", queryset=Representative.objects.select_related("municipality"))
        )
    )


def agenda_with_times(*, meeting: Meeting, items=None) -> list[TimedAgendaItem]:
    """Start and end of each item, derived from the meeting start and the durations."""
    items = list(meeting.agenda_items.all() if items is None else items)
    items.sort(key=lambda item: (item.position, item.pk or 0))
    result = []
    current = meeting.starts_at
    for item in items:
        end = current + timedelta(minutes=item.duration_minutes)
        result.append(TimedAgendaItem(item=item, starts_at=current, ends_at=end))
        current = end
    return result


@dataclass(frozen=True)
class Participant:
    """A municipality taking part in a meeting, as its page names it."""

    municipality_id: int
    name: str


def participating_municipalities(*, meeting: Meeting) -> list[Participant]:
    """Municipalities with at least one acceptance (held meetings: attendance).

    Read as rows of the accepted or attended invitations only: the page names the
    municipalities, and building every invitation with its person and municipality as model
    instances (150 for 50 invitations) was a third of the meeting page's query time.
    """
    rows = list(
        meeting.invitations.filter(Q(response=Invitation.Response.ACCEPTED) | Q(attended=True))
        .order_by()
        .values_list("on_behalf_of_id", "on_behalf_of__name", "response", "attended")
    )
    if meeting.state == Meeting.State.HELD and any(attended for *_rest, attended in rows):
        chosen = [row for row in rows if row[3]]
    else:
        chosen = [row for row in rows if row[2] == Invitation.Response.ACCEPTED]
    names = {municipality_id: name for municipality_id, name, _response, _attended in chosen}
    return sorted(
        (Participant(municipality_id, name) for municipality_id, name in names.items()),
        key=lambda participant: participant.name,
    )


def invitation_of_user(*, meeting: Meeting, user) -> Invitation | None:
    """The user's invitation to the meeting, with its person and municipality (one query).

    A user can hold several person records (an ended one for a former municipality, say);
    when more than one is invited, the current record's invitation is the one they answer,
    then the first in the page's order (municipality, surname).
    """
    if not user.is_authenticated:
        return None
    current = Representative.objects.current().filter(pk=OuterRef("representative_id"))
    invitation = (
        meeting.invitations.filter(representative__user=user)
        .select_related("representative", "on_behalf_of")
        .only(*INVITATION_FIELDS)
        .alias(is_current=Exists(current))
        .order_by("-is_current", "on_behalf_of__name", "representative__last_name", "pk")
        .first()
    )
    if invitation is not None:
        invitation.meeting = meeting  # the caller's, already loaded
    return invitation


ACTION_ITEM_RELATED = ("owner_municipality", "owner_representative", "meeting", "meeting__series")
# Carried items, and the action items of the start page, name the meeting they were agreed
# at (Meeting.__str__).
CARRIED_MEETING_FIELDS = ("meeting__number", "meeting__title", "meeting__series__name")


def action_items_carried_to(*, meeting: Meeting) -> list[ActionItem]:
    """Items of earlier meetings of the series that were still open when this one began.

    An item stays on every following meeting until it is closed; a meeting that took place
    keeps showing what was open at its time.
    """
    if not meeting.series_id:
        return []
    return list(
        ActionItem.objects.filter(
            meeting__series_id=meeting.series_id, meeting__starts_at__lt=meeting.starts_at
        )
        .filter(Q(status=ActionItem.Status.OPEN) | Q(closed_at__gte=meeting.starts_at))
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related(
            "owner_municipality", "owner_representative__municipality", "meeting__series"
        )
        .only(*ACTION_ITEM_TABLE_FIELDS, *CARRIED_MEETING_FIELDS)
        .order_by("due_on", "pk")
    )


def action_items_of_meeting(*, meeting: Meeting) -> list[ActionItem]:
    return list(meeting.action_items.select_related(*ACTION_ITEM_RELATED).order_by("due_on", "pk"))


# Filter values of the action item list beyond the stored statuses.
ACTION_ITEM_OVERDUE = "overdue"


def action_items_list(*, municipality_id: int | None = None, status: str = "") -> list[ActionItem]:
    """Action items across meetings, soonest due first; ``status`` may also be "overdue"."""
    queryset = ActionItem.objects.select_related(*ACTION_ITEM_RELATED)
    if municipality_id:
        queryset = queryset.filter(owner_municipality_id=municipality_id)
    if status == ACTION_ITEM_OVERDUE:
        queryset = queryset.filter(status=ActionItem.Status.OPEN, due_on__lt=timezone.localdate())
    elif status:
        queryset = queryset.filter(status=status)
    return list(queryset.order_by("due_on", "pk"))


def action_items_open_of_municipality(*, municipality_id: int, limit: int = 10) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(
            owner_municipality_id=municipality_id, status=ActionItem.Status.OPEN
        )
        .select_related(*ACTION_ITEM_RELATED)
        .only(*ACTION_ITEM_TABLE_FIELDS, *CARRIED_MEETING_FIELDS)
        .order_by("due_on", "pk")[:limit]
    )


def action_items_due_until(*, day) -> list[ActionItem]:
    """Open items due on or before ``day`` (the overdue ones included)."""
    return list(
        ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_on__lte=day)
        .select_related(*ACTION_ITEM_RELATED)
        .only(*ACTION_ITEM_TABLE_FIELDS, *CARRIED_MEETING_FIELDS)
        .order_by("due_on", "pk")
    )


def audience_resolve(
    *,
    all_active: bool = False,
    districts=(),
    networks=(),
    network_tiers=(),
    municipalities=(),
    representatives=(),
) -> list[Representative]:
    """The people to invite: one representative per chosen municipality plus chosen people.

    Districts include their district administration; a network counts its current members.
    Everybody appears once, sorted by municipality and name.
    """
    municipality_ids = {int(pk) for pk in municipalities}
    active = Municipality.objects.filter(is_active=True)
    if all_active:
        municipality_ids |= set(active.values_list("pk", flat=True))
    if districts:
        municipality_ids |= set(active.filter(district__in=districts).values_list("pk", flat=True))
    current_memberships = NetworkMembership.objects.current().filter(municipality__is_active=True)
    if networks:
        municipality_ids |= set(
            current_memberships.filter(network__in=networks).values_list(
                "municipality_id", flat=True
            )
        )
    tiers = Q(pk__in=[])
    for tier in network_tiers:
        network_id, _sep, role = str(tier).partition(":")
        if network_id.isdigit() and role in NetworkMembership.Role.values:
            tiers |= Q(network_id=int(network_id), role=role)
    if network_tiers:
        municipality_ids |= set(
            current_memberships.filter(tiers).values_list("municipality_id", flat=True)
        )
    people = {
        representative.pk: representative
        for representative in Representative.objects.select_related("municipality").main_contacts(
            municipality_ids=municipality_ids
        )
    }
    if representatives:
        for representative in Representative.objects.filter(pk__in=representatives).select_related(
            "municipality"
        ):
            people.setdefault(representative.pk, representative)
    return sorted(
        people.values(),
        key=lambda r: (r.municipality.name, r.last_name, r.first_name, r.pk),
    )


@dataclass
class ResponseOverview:
    counts: dict
    by_status: dict
    by_municipality: dict
    not_answered: list
    total: int


_PERSON_FIELDS = ("title", "first_name", "last_name", "anonymised_at", "municipality__name")
# What the overview and its CSV/XLSX export show (a person's name needs their municipality
# only once anonymised). Every column of six tables made up about a third of the selector's
# time for 50 invitations.
RESPONSE_OVERVIEW_FIELDS = (
    "meeting_id",
    "response",
    "responded_at",
    "note",
    "attended",
    "on_behalf_of__name",
    "representative__email",
    *(f"representative__{name}" for name in _PERSON_FIELDS),
    *(f"substitute_for__representative__{name}" for name in _PERSON_FIELDS),
)


def response_overview(*, meeting: Meeting) -> ResponseOverview:
    invitations = list(
        meeting.invitations.select_related(
            "representative",
            "representative__municipality",
            "on_behalf_of",
            "substitute_for__representative__municipality",
        )
        .only(*RESPONSE_OVERVIEW_FIELDS)
        .order_by("on_behalf_of__name", "representative__last_name", "pk")
    )
    by_status = OrderedDict((value, []) for value in Invitation.Response.values)
    by_municipality = OrderedDict()
    for invitation in invitations:
        by_status[invitation.response].append(invitation)
        by_municipality.setdefault(invitation.on_behalf_of, []).append(invitation)
    return ResponseOverview(
        counts={
            value: (label, len(by_status[value])) for value, label in Invitation.Response.choices
        },
        by_status=by_status,
        by_municipality=by_municipality,
        not_answered=by_status[Invitation.Response.OPEN],
        total=len(invitations),
    )


# The kind of staff's "remind now" (meetings.messages.Kind.RESPONSE_NUDGE; messages reads
# this module, so the name is repeated here).
NUDGE_NOW_KIND = "response_nudge"


def nudge_now_key(invitation_id: int, day) -> str:
    """The outbox key of staff's "remind now" nudge: one per invitation and day.

    It carries no offset, so the reminder sweep's bookkeeping (keys with "<n>d") ignores it.
    """
    return f"response_nudge:{invitation_id}:now:{day.isoformat()}"


def invitations_to_remind_now(*, meeting: Meeting, day) -> list[Invitation]:
    """Invitations without an answer (and with an address) not yet nudged by staff on ``day``.

    "Nudged" counts both the mail already written and a "remind now" recorded today whose
    mailing is not expanded yet, so that pressing the button twice is counted once.
    """
    invitations = list(
        Invitation.objects.filter(meeting_id=meeting.pk, response=Invitation.Response.OPEN)
        .exclude(representative__email="")
        .exclude(representative__user__meeting_reminders=False)
        .select_related("representative__user", "representative__municipality", "on_behalf_of")
        .order_by("pk")
    )
    if not invitations:
        return []
    keys = {nudge_now_key(invitation.pk, day): invitation for invitation in invitations}
    sent = set(
        OutgoingMessage.objects.filter(idempotency_key__in=list(keys)).values_list(
            "idempotency_key", flat=True
        )
    )
    recorded = {
        invitation_id
        for invitation_ids in Mailing.objects.filter(
            kind=NUDGE_NOW_KIND, scope=scope_for(meeting), params__day=day.isoformat()
        ).values_list("params__invitation_ids", flat=True)
        for invitation_id in invitation_ids or ()
    }
    return [
        invitation
        for key, invitation in keys.items()
        if key not in sent and invitation.pk not in recorded
    ]


def update_recipient_count(*, meeting: Meeting) -> int:
    """How many people an update mail reaches: everybody invited who has not declined."""
    if meeting.status != Meeting.Status.SCHEDULED:
        return 0
    return (
        meeting.invitations.exclude(response=Invitation.Response.DECLINED)
        .exclude(representative__email="")
        .count()
    )


def minutes_of(*, meeting: Meeting) -> Minutes | None:
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def calendar_feed_of(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The feed whose secret is ``token``; only hashes are stored, so the token is hashed."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash_token(token))
        .first()
    )


def meetings_for_feed(*, feed: CalendarFeed):
    """Meetings for a personal feed: the user's invitations, or all for staff."""
    user = feed.user
    # The series gives the alarm offsets.
    queryset = meetings_visible_to_user(user=user).select_related("organiser", "series")
    if not member_permissions.is_agency_staff(user):
        queryset = queryset.filter(invitations__representative__user=user).distinct()
    return list(queryset.order_by("starts_at"))


def meetings_with_online_link_for(*, user, meetings) -> set[int]:
    """Ids of those meetings whose online link the user may see (invited, or staff)."""
    if member_permissions.is_agency_staff(user):
        return {meeting.pk for meeting in meetings}
    return set(
        Invitation.objects.filter(
            representative__user=user, meeting__in=[meeting.pk for meeting in meetings]
        ).values_list("meeting_id", flat=True)
    )


def municipality_meetings_section(*, municipality, viewer) -> PageSection:
    """For the municipality page: the meetings it hosted or attended that the viewer may see."""
    # EXISTS rather than a join to every invitation and DISTINCT over whole meeting rows:
    # the join read all 80,000 invitations of the bench data to keep one meeting (19 ms).
    attended = Invitation.objects.filter(
        meeting=OuterRef("pk"), on_behalf_of=municipality, attended=True
    )
    meetings = list(
        meetings_visible_to_user(user=viewer)
        .only(*MEETING_ROW_FIELDS)
        .filter(Q(host=municipality) | Q(Exists(attended)))
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")[:20]
    )
    return PageSection(
        template="meetings/_municipality_section.html",
        context={"meetings": meetings, "municipality": municipality},
        order=10,
    )


NETWORK_MEETINGS_SHOWN = 20


def _audience_names_network(meeting: Meeting, network_id: int) -> bool:
    audience = meeting.audience or {}
    tiers = {str(tier).split(":", 1)[0] for tier in audience.get("network_tiers") or []}
    return network_id in (audience.get("networks") or []) or str(network_id) in tiers


def network_meetings_section(*, network, viewer) -> PageSection:
    """For the network page: the meetings whose audience named the network (or a tier of it)."""
    visible = (
        meetings_visible_to_user(user=viewer)
        # The audience is read here on SQLite, where JSON containment is not available.
        .only(*MEETING_ROW_FIELDS, "audience")
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
    )
    if connection.features.supports_json_field_contains:
        meetings = list(
            visible.filter(
                Q(audience__networks__contains=[network.pk])
                | Q(audience__network_tiers__contains=[f"{network.pk}:pioneer"])
                | Q(audience__network_tiers__contains=[f"{network.pk}:member"])
                | Q(audience__network_tiers__contains=[f"{network.pk}:partner"])
            )[:NETWORK_MEETINGS_SHOWN]
        )
    else:
        # SQLite (development): look through the newest meetings.
        meetings = [
            meeting
            for meeting in visible[: NETWORK_MEETINGS_SHOWN * 10]
            if _audience_names_network(meeting, network.pk)
        ][:NETWORK_MEETINGS_SHOWN]
    return PageSection(
        template="meetings/_network_section.html", context={"meetings": meetings}, order=10
    )


@dataclass
class Participation:
    municipality: Municipality
    last_attended: list = field(default_factory=list)
    missed_in_a_row: int = 0
    invited_count: int = 0


def participation_overview(*, last: int = 3) -> list[Participation]:
    """Per active member: the last meetings attended and how many in a row it missed.

    "Missed in a row" counts the most recent held meetings the member was invited to,
    back to the last one it attended. Three queries, however many members and meetings.
    """
    municipalities = list(
        Municipality.objects.filter(is_active=True)
        .select_related("district")
        .order_by("district__name", "name")
    )
    held = {
        meeting.pk: meeting
        for meeting in Meeting.objects.held().select_related("series").order_by("-starts_at")
    }
    invited: dict[int, dict[int, bool]] = {}
    for municipality_id, meeting_id, attended in Invitation.objects.filter(
        meeting__in=Meeting.objects.held()
    ).values_list("on_behalf_of_id", "meeting_id", "attended"):
        per_meeting = invited.setdefault(municipality_id, {})
        # Several people may be invited on behalf of one member: one attending is enough.
        per_meeting[meeting_id] = per_meeting.get(meeting_id, False) or bool(attended)
    rows = []
    for municipality in municipalities:
        per_meeting = invited.get(municipality.pk, {})
        row = Participation(municipality=municipality, invited_count=len(per_meeting))
        counting = True
        for meeting_id, meeting in held.items():
            if meeting_id not in per_meeting:
                continue
            if per_meeting[meeting_id]:
                counting = False
                if len(row.last_attended) < last:
                    row.last_attended.append(meeting)
            elif counting:
                row.missed_in_a_row += 1
        rows.append(row)
    return rows
