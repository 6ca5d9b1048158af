"""OParl 1.1 JSON for each object type: one function per type, fed by oparl/selectors.py.

Only public fields: no contact data, no online link, no invitations, no presenters, nothing
that the HTML pages show to members only. Texts are German, the language of the content.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from members.models import Municipality, Representative
from oparl import selectors
from oparl.selectors import Deleted

SCHEMA = "https://schema.oparl.org/1.1/"
VENDOR = "rundertisch"  # prefix of the portal's own properties (spec 3.0, vendor extensions)
BODY_ID = 1
ROUND_TABLE_ID = 1
CHECKSUM_SECONDS = 60 * 60 * 24 * 30

# From the derived state (a meeting sent out is "held" once it has started).
MEETING_STATES = {
    Meeting.State.INVITED: "terminiert",
    Meeting.State.HELD: "durchgeführt",
    Meeting.State.CANCELLED: "abgesagt",
}
MUNICIPALITY_CLASSIFICATIONS = {
    Municipality.Kind.CITY: "Stadt",
    Municipality.Kind.MUNICIPALITY: "Gemeinde",
    Municipality.Kind.DISTRICT_ADMINISTRATION: "Kreisverwaltung",
    Municipality.Kind.AGENCY: "Agentur",
}
FORMS_OF_ADDRESS = {Representative.Salutation.MS: "Frau", Representative.Salutation.MR: "Herr"}


@functools.cache
def _path_template(name: str, kinds: tuple[type, ...]) -> str:
    """The path of a route with placeholders, reversed once instead of for every object.

    A page of 100 meetings holds thousands of addresses; reversing each costs more than the
    queries of the page.
    """
    samples = [
        f"oparlsample{index}" if kind is str else 987654300 + index
        for index, kind in enumerate(kinds)
    ]
    path = reverse(name, args=samples)
    for index, sample in enumerate(samples):
        path = path.replace(str(sample), f"{{{index}}}")
    return path


def web_url(name: str, *args) -> str:
    return settings.SITE_URL + _path_template(name, tuple(map(type, args))).format(*args)


def api_url(name: str, *args) -> str:
    return web_url(f"oparl:{name}", *args)


def timestamp(value) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _compact(data: dict) -> dict:
    """OParl asks to leave out empty values instead of sending null, "" or []."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _object(type_name: str, object_id: str, obj, fields: dict) -> dict:
    if isinstance(obj, Deleted):
        return tombstone(type_name, object_id, obj)
    return {
        "id": object_id,
        "type": SCHEMA + type_name,
        **_compact(fields),
        "created": timestamp(obj.oparl_created),
        "modified": timestamp(obj.oparl_modified),
    }


def tombstone(type_name: str, object_id: str, deleted: Deleted) -> dict:
    return {
        "id": object_id,
        "type": SCHEMA + type_name,
        "created": timestamp(deleted.oparl_created),
        "modified": timestamp(deleted.oparl_modified),
        "deleted": True,
    }


# Addresses


def organization_url(kind: str, pk: int) -> str:
    return api_url("organization", kind, pk)


def round_table_url() -> str:
    return organization_url("roundtable", ROUND_TABLE_ID)


def body_url() -> str:
    return api_url("body", BODY_ID)


def meeting_organizations(meeting) -> list[str]:
    organizations = [round_table_url()]
    if meeting.series_id:
        organizations.append(organization_url("series", meeting.series_id))
    return organizations


# System and Body


def system() -> dict:
    return {
        "id": api_url("system"),
        "type": SCHEMA + "System",
        "oparlVersion": SCHEMA,
        "body": api_url("body_list"),
        "name": "Runder Tisch – Willkommen in Südwestfalen",
        "contactEmail": settings.PORTAL_CONTACT_EMAIL,
        "contactName": settings.PORTAL_OPERATOR,
        "website": web_url("home"),
        "license": settings.OPARL_LICENSE,
        "web": web_url("home"),
        "created": timestamp(selectors.LAUNCHED),
        "modified": timestamp(selectors.LAUNCHED),
    }


BODY_LISTS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaItem": "agendaitem",
    "consultation": "consultation",
    "file": "file",
    "locationList": "location",
    "legislativeTermList": "legislativeterm",
    "membership": "membership",
}


def body() -> dict:
    lists = {prop: api_url("list", BODY_ID, name) for prop, name in BODY_LISTS.items()}
    return {
        "id": body_url(),
        "type": SCHEMA + "Body",
        "system": api_url("system"),
        "name": settings.PORTAL_OPERATOR,
        "shortName": "Südwestfalen Agentur",
        "website": web_url("home"),
        "license": settings.OPARL_LICENSE,
        "contactEmail": settings.PORTAL_CONTACT_EMAIL,
        "contactName": settings.PORTAL_OPERATOR,
        "classification": "Regionalagentur",
        **lists,
        # The round table has no legislative terms; the list exists and stays empty.
        "legislativeTerm": [],
        "mainOrganization": round_table_url(),
        "web": web_url("home"),
        "created": timestamp(selectors.LAUNCHED),
        "modified": timestamp(selectors.LAUNCHED),
    }


# Organizations


def round_table() -> dict:
    return {
        "id": round_table_url(),
        "type": SCHEMA + "Organization",
        "body": body_url(),
        "name": "Runder Tisch – Willkommen in Südwestfalen",
        "shortName": "Runder Tisch",
        "organizationType": "Gremium",
        "classification": "Runder Tisch",
        "meeting": api_url("organization_meetings", "roundtable", ROUND_TABLE_ID),
        "web": web_url("home"),
        "created": timestamp(selectors.LAUNCHED),
        "modified": timestamp(selectors.LAUNCHED),
    }


def series(obj) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Organization", organization_url("series", obj.pk), obj)
    return _object(
        "Organization",
        organization_url("series", obj.pk),
        obj,
        {
            "body": body_url(),
            "name": obj.name,
            "organizationType": "Gremium",
            "classification": "Sitzungsreihe",
            "subOrganizationOf": round_table_url(),
            "meeting": api_url("organization_meetings", "series", obj.pk),
        },
    )


def network(obj) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Organization", organization_url("network", obj.pk), obj)
    return _object(
        "Organization",
        organization_url("network", obj.pk),
        obj,
        {
            "body": body_url(),
            "name": obj.name,
            "organizationType": "Sonstiges",
            "classification": "Netzwerk oder Projekt",
            "startDate": obj.starts_on.isoformat() if obj.starts_on else None,
            "endDate": obj.ends_on.isoformat() if obj.ends_on else None,
        },
    )


def district(obj) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Organization", organization_url("district", obj.pk), obj)
    return _object(
        "Organization",
        organization_url("district", obj.pk),
        obj,
        {
            "body": body_url(),
            "name": obj.name,
            "organizationType": "Institution",
            "classification": "Kreis",
            # The first five digits of the AGS of every municipality in the district.
            f"{VENDOR}:ags": obj.ags_prefix,
        },
    )


def municipality(obj) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Organization", organization_url("municipality", obj.pk), obj)
    return _object(
        "Organization",
        organization_url("municipality", obj.pk),
        obj,
        {
            "body": body_url(),
            "name": obj.name,
            "organizationType": "Institution",
            "classification": MUNICIPALITY_CLASSIFICATIONS.get(obj.kind),
            "subOrganizationOf": (
                organization_url("district", obj.district_id) if obj.district_id else None
            ),
            "website": obj.website,
            "web": web_url("members:municipality_detail", obj.slug),
            f"{VENDOR}:ags": obj.ags,
            f"{VENDOR}:activeMember": obj.is_active,
        },
    )


ORGANIZATION_SERIALIZERS = {
    "series": series,
    "network": network,
    "district": district,
    "municipality": municipality,
}


# Persons and memberships


def _membership_fields(obj) -> dict:
    return {
        "organization": round_table_url(),
        "role": obj.get_function_display(),
        "onBehalfOf": organization_url("municipality", obj.municipality_id),
        "startDate": obj.starts_on.isoformat(),
        "endDate": obj.ends_on.isoformat() if obj.ends_on else None,
    }


def membership(obj, *, embedded: bool = False) -> dict:
    fields = _membership_fields(obj) if not isinstance(obj, Deleted) else {}
    if not embedded:
        fields["person"] = api_url("person", obj.pk)
    return _object("Membership", api_url("membership", obj.pk), obj, fields)


def person(obj, *, omit_internal: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Person", api_url("person", obj.pk), obj)
    return _object(
        "Person",
        api_url("person", obj.pk),
        obj,
        {
            "body": body_url(),
            "name": obj.full_name,
            "familyName": obj.last_name,
            "givenName": obj.first_name,
            "formOfAddress": FORMS_OF_ADDRESS.get(obj.salutation),
            "title": [obj.title] if obj.title else None,
            "membership": None if omit_internal else [membership(obj, embedded=True)],
        },
    )


# Files


def _checksums(files: list) -> dict:
    """SHA-512 of stored files, computed once per stored version and kept in the shared cache."""
    keys = {f"oparl-sha512:{f.name}:{f.size}": f for f in files}
    known = cache.get_many(list(keys))
    for key, stored in keys.items():
        if key not in known:
            digest = hashlib.sha512()
            try:
                with stored.open("rb") as handle:
                    for chunk in iter(lambda h=handle: h.read(1024 * 1024), b""):
                        digest.update(chunk)
            except OSError:
                continue
            known[key] = digest.hexdigest()
            cache.set(key, known[key], CHECKSUM_SECONDS)
    return {keys[key].name: value for key, value in known.items()}


class FileContext:
    """Checksums of the stored files on one page, looked up together."""

    def __init__(self, stored_files=()):
        self.checksums = _checksums([f for f in stored_files if f])

    def sha512(self, stored) -> str | None:
        return self.checksums.get(stored.name)


def _stored_file(kind: str, obj, stored, *, context, name, mime_type, date, links) -> dict:
    return _object(
        "File",
        api_url("file", kind, obj.pk),
        obj,
        {
            "name": name,
            "fileName": stored.name.rsplit("/", 1)[-1],
            "mimeType": mime_type or "application/octet-stream",
            "date": date.isoformat(),
            "size": obj.size,
            "sha512Checksum": context.sha512(stored),
            "accessUrl": api_url("file_access", kind, obj.pk),
            "downloadUrl": api_url("file_download", kind, obj.pk),
            **links,
        },
    )


def document_file(obj, *, context, embedded: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("File", api_url("file", "document", obj.pk), obj)
    links = {}
    if not embedded:
        links["meeting"] = [api_url("meeting", obj.meeting_id)]
        if obj.agenda_item_id:
            links["agendaItem"] = [api_url("agendaitem", obj.agenda_item_id)]
    data = _stored_file(
        "document",
        obj,
        obj.file,
        context=context,
        name=obj.title,
        mime_type=obj.content_type,
        date=timezone.localdate(obj.uploaded_at),
        links=links,
    )
    return data


def attachment_file(obj, *, context, embedded: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("File", api_url("file", "attachment", obj.pk), obj)
    links = {} if embedded else {"paper": [api_url("paper", obj.practice_id)]}
    data = _stored_file(
        "attachment",
        obj,
        obj.file,
        context=context,
        name=obj.title,
        mime_type=obj.content_type,
        date=timezone.localdate(obj.created_at),
        links=links,
    )
    return data


def minutes_content(obj) -> bytes:
    return obj.text.encode("utf-8")


def minutes_file(obj, *, context=None, embedded: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("File", api_url("file", "minutes", obj.pk), obj)
    content = minutes_content(obj)
    published = obj.published_at or obj.updated_at
    fields = {
        "name": f"Protokoll: {obj.meeting}",
        "fileName": f"protokoll-{obj.meeting_id}.md",
        "mimeType": "text/markdown",
        "date": timezone.localdate(published).isoformat(),
        "size": len(content),
        "sha512Checksum": hashlib.sha512(content).hexdigest(),
        "text": obj.text,
        "accessUrl": api_url("file_access", "minutes", obj.pk),
        "downloadUrl": api_url("file_download", "minutes", obj.pk),
        "web": web_url("meetings:detail", obj.meeting_id),
    }
    if not embedded:
        fields["meeting"] = [api_url("meeting", obj.meeting_id)]
    return _object("File", api_url("file", "minutes", obj.pk), obj, fields)


FILE_SERIALIZERS = {
    "document": document_file,
    "minutes": minutes_file,
    "attachment": attachment_file,
}


def stored_files_of(objects) -> list:
    """The stored files whose checksums a page of objects needs."""
    files = []
    for obj in objects:
        if isinstance(obj, Deleted):
            continue
        if hasattr(obj, "oparl_documents"):
            files += [document.file for document in obj.oparl_documents]
        if hasattr(obj, "oparl_agenda_items"):
            for item in obj.oparl_agenda_items:
                files += [document.file for document in item.oparl_documents]
        if hasattr(obj, "oparl_attachments"):
            files += [attachment.file for attachment in obj.oparl_attachments]
        if hasattr(obj, "file") and not hasattr(obj, "text"):
            files.append(obj.file)
    return files


# Meetings, agenda items, locations


def location(obj, *, embedded: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Location", api_url("location", obj.pk), obj)
    fields = {"description": obj.venue}
    if not embedded:
        fields["meetings"] = [api_url("meeting", obj.pk)]
    return _object("Location", api_url("location", obj.pk), obj, fields)


def _meeting_location(meeting) -> dict | None:
    if not meeting.venue:
        return None
    meeting_location = location(meeting, embedded=True)
    # The location's own times: its row is the meeting's, changed with it.
    meeting_location["created"] = timestamp(meeting.created_at)
    meeting_location["modified"] = timestamp(meeting.updated_at)
    return meeting_location


def agenda_item(obj, *, context, embedded: bool = False, omit_internal: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("AgendaItem", api_url("agendaitem", obj.pk), obj)
    practice = obj.practice
    consultation = None
    if practice is not None and practice.status == practice.Status.PUBLISHED and practice.is_public:
        consultation = api_url("consultation", obj.pk)
    fields = {
        "number": str(obj.position + 1),
        "order": obj.position,
        "name": obj.title,
        "public": True,
        "consultation": consultation,
        "auxiliaryFile": None
        if omit_internal
        else [document_file(d, context=context, embedded=True) for d in obj.oparl_documents],
        "web": web_url("meetings:detail", obj.meeting_id),
        f"{VENDOR}:description": obj.description,
        f"{VENDOR}:durationMinutes": obj.duration_minutes,
    }
    if not embedded:
        fields = {"meeting": api_url("meeting", obj.meeting_id), **fields}
    data = _object("AgendaItem", api_url("agendaitem", obj.pk), obj, fields)
    # "order" is required and 0 is a real value.
    data["order"] = obj.position
    return data


def meeting(obj, *, context, omit_internal: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Meeting", api_url("meeting", obj.pk), obj)
    minutes = _minutes_of(obj)
    published_minutes = minutes if minutes and minutes.is_published else None
    participants = []
    if obj.ends_at <= timezone.now():
        participants = [api_url("person", i.representative_id) for i in obj.oparl_participants]
    if published_minutes is not None:
        published_minutes.oparl_created = published_minutes.created_at
        published_minutes.oparl_modified = published_minutes.updated_at
    return _object(
        "Meeting",
        api_url("meeting", obj.pk),
        obj,
        {
            "name": str(obj),
            "meetingState": MEETING_STATES.get(obj.state),
            "cancelled": True if obj.status == Meeting.Status.CANCELLED else None,
            "start": timestamp(obj.starts_at),
            "end": timestamp(obj.ends_at),
            "location": _meeting_location(obj),
            "organization": meeting_organizations(obj),
            "participant": participants,
            "resultsProtocol": minutes_file(published_minutes, embedded=True)
            if published_minutes
            else None,
            "auxiliaryFile": None
            if omit_internal
            else [document_file(d, context=context, embedded=True) for d in obj.oparl_documents],
            "agendaItem": None
            if omit_internal
            else [
                agenda_item(item, context=context, embedded=True) for item in obj.oparl_agenda_items
            ],
            "web": web_url("meetings:detail", obj.pk),
            f"{VENDOR}:format": obj.format,
            f"{VENDOR}:description": obj.description,
        },
    )


def _minutes_of(meeting):
    """The meeting's minutes (loaded by select_related), or None."""
    try:
        return meeting.minutes
    except Meeting.minutes.RelatedObjectDoesNotExist:
        return None


# Papers and consultations


def consultation(obj, *, embedded: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Consultation", api_url("consultation", obj.pk), obj)
    fields = {
        "agendaItem": api_url("agendaitem", obj.pk),
        "meeting": api_url("meeting", obj.meeting_id),
        "organization": meeting_organizations(obj.meeting),
        "role": "Vorstellung",
        "web": web_url("meetings:detail", obj.meeting_id),
    }
    if not embedded:
        fields = {"paper": api_url("paper", obj.practice_id), **fields}
    return _object("Consultation", api_url("consultation", obj.pk), obj, fields)


def paper(obj, *, context, omit_internal: bool = False) -> dict:
    if isinstance(obj, Deleted):
        return tombstone("Paper", api_url("paper", obj.pk), obj)
    keywords = [topic.name for topic in obj.topics.all()]
    keywords += [word.strip() for word in obj.keywords.split(",") if word.strip()]
    published = obj.published_at or obj.updated_at
    return _object(
        "Paper",
        api_url("paper", obj.pk),
        obj,
        {
            "body": body_url(),
            "name": obj.title,
            "reference": f"PB-{obj.pk}",
            "date": timezone.localdate(published).isoformat(),
            "paperType": "Praxisbeispiel",
            "auxiliaryFile": None
            if omit_internal
            else [
                attachment_file(a, context=context, embedded=True) for a in obj.oparl_attachments
            ],
            "originatorOrganization": [
                organization_url("municipality", m.pk) for m in obj.municipalities.all()
            ],
            "consultation": [consultation(c, embedded=True) for c in obj.oparl_consultations],
            "keyword": keywords,
            "web": web_url("practices:detail", obj.slug),
            f"{VENDOR}:summary": obj.summary,
        },
    )
