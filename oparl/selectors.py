"""Reads for the OParl interface: what is public, when it last changed, and what left.

Public means what an anonymous visitor may learn: meetings staff made part of the public
record (once announced) with their agenda, documents and published minutes; published
examples that staff made public; representatives who chose to be listed; and the
organisations of the region. Every object carries `oparl_created` and `oparl_modified`;
`modified` of an object includes everything embedded in it, as OParl asks.

Lists are read by keyset over primary keys (`pk > after`), so a page never repeats or skips
an object while others insert rows. With `modified_since` a list also returns the objects
that left the public record (tombstones, see models.Tombstone), merged into the same order.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from meetings.models import AgendaItem, Document, Invitation, Meeting, Minutes, Series
from members.models import District, Municipality, Network, Representative
from oparl.models import Tombstone
from practices.models import Practice, PracticeAttachment

# When the interface went live: `created` and `modified` of the objects that have no row of
# their own (System, Body, the round table as an organisation).
LAUNCHED = datetime(2026, 12, 1, tzinfo=UTC)


# What is public


def meetings_public() -> QuerySet:
    return Meeting.objects.filter(is_public=True).exclude(status=Meeting.Status.DRAFT)


def _meeting_public(prefix: str) -> Q:
    return Q(**{f"{prefix}is_public": True}) & ~Q(**{f"{prefix}status": Meeting.Status.DRAFT})


def _practice_public(prefix: str) -> Q:
    return Q(**{f"{prefix}status": Practice.Status.PUBLISHED, f"{prefix}is_public": True})


def _person_public(prefix: str) -> Q:
    return Q(**{f"{prefix}listed_in_open_data": True, f"{prefix}anonymised_at__isnull": True})


def agenda_items_public() -> QuerySet:
    return AgendaItem.objects.filter(_meeting_public("meeting__"))


def consultations_public() -> QuerySet:
    return AgendaItem.objects.filter(_meeting_public("meeting__") & _practice_public("practice__"))


def documents_public() -> QuerySet:
    return Document.objects.filter(_meeting_public("meeting__"))


def minutes_public() -> QuerySet:
    return Minutes.objects.filter(_meeting_public("meeting__"), status=Minutes.Status.PUBLISHED)


def practices_public() -> QuerySet:
    return Practice.objects.filter(_practice_public(""))


def attachments_public() -> QuerySet:
    return PracticeAttachment.objects.filter(_practice_public("practice__"))


def persons_public() -> QuerySet:
    return Representative.objects.filter(_person_public(""))


def locations_public() -> QuerySet:
    return meetings_public().exclude(venue="")


# When things changed


def _newest(base, *candidates):
    """The latest of a row's own time and the times of what is embedded in it."""
    if not candidates:
        return F(base)
    return Greatest(F(base), *(Coalesce(candidate, F(base)) for candidate in candidates))


def _max_of(queryset, link: str, value: str, outer: str = "pk"):
    """Subquery: the newest `value` among the rows of `queryset` whose `link` is the outer row."""
    return Subquery(
        queryset.filter(**{link: OuterRef(outer)})
        .order_by()
        .values(link)
        .annotate(newest=Max(value))
        .values("newest")[:1]
    )


def _tombstones_of(object_types, outer: str = "pk"):
    return _max_of(
        Tombstone.objects.filter(object_type__in=object_types), "parent_id", "deleted", outer
    )


def _attended_persons():
    return Invitation.objects.filter(_person_public("representative__"), attended=True)


def _annotate_meetings(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        oparl_created=F("created_at"),
        oparl_modified=_newest(
            "updated_at",
            _max_of(AgendaItem.objects.all(), "meeting", "updated_at"),
            _max_of(AgendaItem.objects.all(), "meeting", "practice__updated_at"),
            _max_of(Document.objects.all(), "meeting", "updated_at"),
            Subquery(Minutes.objects.filter(meeting=OuterRef("pk")).values("updated_at")[:1]),
            _tombstones_of(["agendaitem", "file.document", "file.minutes"]),
            # A participant who stops being listed leaves the meeting's participants.
            _max_of(
                Invitation.objects.filter(attended=True), "meeting", "representative__updated_at"
            ),
        ),
    )


def _annotate_agenda_items(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        oparl_created=F("created_at"),
        oparl_modified=_newest(
            "updated_at",
            F("practice__updated_at"),
            _max_of(Document.objects.all(), "agenda_item", "updated_at"),
            # Removed documents are known per meeting; every item of it counts as changed.
            _tombstones_of(["file.document"], outer="meeting_id"),
        ),
    )


def _annotate_consultations(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        oparl_created=F("created_at"),
        oparl_modified=_newest("updated_at", F("meeting__updated_at")),
    )


def _annotate_practices(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        oparl_created=F("created_at"),
        oparl_modified=_newest(
            "updated_at",
            _max_of(PracticeAttachment.objects.all(), "practice", "updated_at"),
            _max_of(AgendaItem.objects.all(), "practice", "updated_at"),
            _max_of(AgendaItem.objects.all(), "practice", "meeting__updated_at"),
            _tombstones_of(["file.attachment", "consultation"]),
        ),
    )


def _annotate_plain(queryset: QuerySet, created: str = "created_at") -> QuerySet:
    return queryset.annotate(oparl_created=F(created), oparl_modified=F("updated_at"))


# What the serialisers need, loaded in a constant number of queries per page


def _documents_loaded() -> QuerySet:
    return _annotate_plain(
        Document.objects.order_by("agenda_item__position", "title", "pk"), "uploaded_at"
    )


def _agenda_items_loaded(queryset: QuerySet) -> QuerySet:
    return _annotate_agenda_items(
        queryset.select_related("meeting", "practice").prefetch_related(
            Prefetch("documents", queryset=_documents_loaded(), to_attr="oparl_documents")
        )
    )


def meetings_loaded(queryset: QuerySet) -> QuerySet:
    return _annotate_meetings(
        queryset.select_related("series", "minutes").prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=_agenda_items_loaded(AgendaItem.objects.order_by("position", "pk")),
                to_attr="oparl_agenda_items",
            ),
            Prefetch(
                "documents",
                queryset=_documents_loaded().filter(agenda_item__isnull=True),
                to_attr="oparl_documents",
            ),
            Prefetch(
                "invitations",
                queryset=_attended_persons().only("pk", "meeting_id", "representative_id"),
                to_attr="oparl_participants",
            ),
        )
    )


def _consultations_loaded(queryset: QuerySet) -> QuerySet:
    return _annotate_consultations(queryset.select_related("meeting__series"))


def practices_loaded(queryset: QuerySet) -> QuerySet:
    return _annotate_practices(
        queryset.prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.only("pk", "name")),
            Prefetch("topics"),
            Prefetch(
                "attachments",
                queryset=_annotate_plain(PracticeAttachment.objects.order_by("kind", "pk")),
                to_attr="oparl_attachments",
            ),
            Prefetch(
                "agenda_items",
                queryset=_consultations_loaded(
                    AgendaItem.objects.filter(_meeting_public("meeting__")).order_by("pk")
                ),
                to_attr="oparl_consultations",
            ),
        )
    )


def persons_loaded(queryset: QuerySet) -> QuerySet:
    return _annotate_plain(queryset.select_related("municipality"))


# The object types behind each list and address


@dataclass(frozen=True)
class Parent:
    """An object whose withdrawal withdraws this one: its tombstone type and the link to it."""

    object_type: str
    link: str  # the field holding the parent's id, e.g. "meeting_id"
    public: callable  # the parent's public queryset


@dataclass(frozen=True)
class Source:
    """One table behind an OParl type (Organization and File have several)."""

    object_type: str  # the tombstone type, e.g. "meeting" or "file.document"
    public: callable  # public rows, annotated and loaded for serialising
    model: type
    created_field: str = "created_at"
    parents: tuple[Parent, ...] = field(default=())


MEETING_PARENT = Parent("meeting", "meeting_id", meetings_public)
PAPER_PARENT = Parent("paper", "practice_id", practices_public)

SOURCES = {
    "meeting": Source("meeting", lambda: meetings_loaded(meetings_public()), Meeting),
    "agendaitem": Source(
        "agendaitem",
        lambda: _agenda_items_loaded(agenda_items_public()),
        AgendaItem,
        parents=(MEETING_PARENT,),
    ),
    "consultation": Source(
        "consultation",
        lambda: _consultations_loaded(consultations_public()),
        AgendaItem,
        parents=(PAPER_PARENT, MEETING_PARENT),
    ),
    "paper": Source("paper", lambda: practices_loaded(practices_public()), Practice),
    "person": Source("person", lambda: persons_loaded(persons_public()), Representative),
    # A membership is the representative's term; it shares the person's id and fate.
    "membership": Source(
        "membership",
        lambda: persons_loaded(persons_public()),
        Representative,
        parents=(Parent("person", "id", persons_public),),
    ),
    "location": Source(
        "location",
        lambda: _annotate_plain(locations_public()),
        Meeting,
        parents=(Parent("meeting", "id", meetings_public),),
    ),
    "file.document": Source(
        "file.document",
        lambda: _documents_loaded().filter(_meeting_public("meeting__")),
        Document,
        created_field="uploaded_at",
        parents=(MEETING_PARENT,),
    ),
    "file.minutes": Source(
        "file.minutes",
        lambda: _annotate_plain(minutes_public().select_related("meeting__series")),
        Minutes,
        parents=(MEETING_PARENT,),
    ),
    "file.attachment": Source(
        "file.attachment",
        lambda: _annotate_plain(attachments_public()),
        PracticeAttachment,
        parents=(PAPER_PARENT,),
    ),
    "organization.series": Source(
        "organization.series", lambda: _annotate_plain(Series.objects.all()), Series
    ),
    "organization.network": Source(
        "organization.network", lambda: _annotate_plain(Network.objects.all()), Network
    ),
    "organization.district": Source(
        "organization.district", lambda: _annotate_plain(District.objects.all()), District
    ),
    "organization.municipality": Source(
        "organization.municipality",
        lambda: _annotate_plain(Municipality.objects.select_related("district")),
        Municipality,
    ),
}


@dataclass(frozen=True)
class Deleted:
    """A tombstone as the serialisers see it."""

    pk: int
    oparl_created: datetime
    oparl_modified: datetime


@dataclass(frozen=True)
class Window:
    """The filters of a list request (all optional)."""

    created_since: datetime | None = None
    created_until: datetime | None = None
    modified_since: datetime | None = None
    modified_until: datetime | None = None

    def admits(self, created: datetime, modified: datetime) -> bool:
        """For objects without a row: whether their times fall inside the filters."""
        return all(
            (
                self.created_since is None or created >= self.created_since,
                self.created_until is None or created <= self.created_until,
                self.modified_since is None or modified >= self.modified_since,
                self.modified_until is None or modified <= self.modified_until,
            )
        )

    def q(self, created: str, modified: str) -> Q:
        q = Q()
        if self.created_since:
            q &= Q(**{f"{created}__gte": self.created_since})
        if self.created_until:
            q &= Q(**{f"{created}__lte": self.created_until})
        if self.modified_since:
            q &= Q(**{f"{modified}__gte": self.modified_since})
        if self.modified_until:
            q &= Q(**{f"{modified}__lte": self.modified_until})
        return q


def _own_tombstones(source: Source) -> QuerySet:
    """Tombstones of the type whose object is not public now (and whose parent was public)."""
    rows = Tombstone.objects.filter(object_type=source.object_type).exclude(
        object_id__in=source.public().values("pk")
    )
    # The trigger records the first parent (see oparl/triggers.py).
    for parent in source.parents[:1]:
        if parent.link == "id":
            continue
        rows = rows.filter(
            Q(parent_id__isnull=True)
            | Q(parent_id__in=parent.public().values("pk"))
            | Q(
                parent_id__in=Tombstone.objects.filter(object_type=parent.object_type).values(
                    "object_id"
                )
            )
        )
    return rows.annotate(oparl_created=F("created"), oparl_modified=F("deleted"))


def _orphans(source: Source, parent: Parent) -> QuerySet:
    """Rows that still exist but left with their withdrawn parent."""
    gone = Tombstone.objects.filter(object_type=parent.object_type).exclude(
        object_id__in=parent.public().values("pk")
    )
    return (
        source.model.objects.filter(**{f"{parent.link}__in": gone.values("object_id")})
        .exclude(pk__in=source.public().values("pk"))
        .annotate(
            oparl_created=F(source.created_field),
            oparl_modified=Subquery(
                gone.filter(object_id=OuterRef(parent.link)).values("deleted")[:1]
            ),
        )
    )


def source_page(
    source: Source, *, after: int, limit: int, window: Window, extra: Q | None = None
) -> list:
    """Up to limit + 1 objects with pk > after in pk order: public ones, and with
    `modified_since` also the withdrawn ones (as Deleted)."""
    window_q = window.q("oparl_created", "oparl_modified")
    public = source.public().filter(window_q, pk__gt=after)
    if extra is not None:
        public = public.filter(extra)
    entries = {obj.pk: obj for obj in public.order_by("pk")[: limit + 1]}
    if window.modified_since is not None:
        own = _own_tombstones(source).filter(window_q, object_id__gt=after)
        orphans = [
            _orphans(source, parent).filter(window_q, pk__gt=after) for parent in source.parents
        ]
        if extra is not None:
            # Only rows that still exist can tell which organisation they belonged to.
            own = own.filter(object_id__in=source.model.objects.filter(extra).values("pk"))
            orphans = [orphan.filter(extra) for orphan in orphans]
        streams = [own, *orphans]
        for stream in streams:
            key = "object_id" if stream.model is Tombstone else "pk"
            for row in stream.order_by(key).values(key, "oparl_created", "oparl_modified")[
                : limit + 1
            ]:
                entries.setdefault(
                    row[key], Deleted(row[key], row["oparl_created"], row["oparl_modified"])
                )
    return [entries[pk] for pk in sorted(entries)][: limit + 1]


def source_object(source: Source, pk: int):
    """The public object, a Deleted for an object that left the public record, or None."""
    obj = source.public().filter(pk=pk).first()
    if obj is not None:
        return obj
    own = _own_tombstones(source).filter(object_id=pk).values("oparl_created", "oparl_modified")
    for row in own[:1]:
        return Deleted(pk, row["oparl_created"], row["oparl_modified"])
    for parent in source.parents:
        orphan = _orphans(source, parent).filter(pk=pk).values("oparl_created", "oparl_modified")
        for row in orphan[:1]:
            return Deleted(pk, row["oparl_created"], row["oparl_modified"])
    return None
