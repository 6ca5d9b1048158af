"""A client that knows only the spec mirrors the public record, then updates it incrementally."""

import json

import pytest
from django.utils import timezone

from meetings import services as meeting_services
from members import services as member_services
from tests import factories
from tests.oparl.conftest import SECRETS, api

pytestmark = pytest.mark.django_db

# The properties that hold the address of an external list, per type (from the schemas).
LISTS_OF_TYPE = {
    "System": {"body"},
    # The schema's external lists of Body; the crawl follows only what the Body names.
    "Body": {
        "organization",
        "person",
        "meeting",
        "paper",
        "agendaItem",
        "consultation",
        "file",
        "locationList",
        "legislativeTermList",
        "membership",
    },
    "Organization": {"meeting", "consultation"},
}


def _list_properties(obj):
    return LISTS_OF_TYPE.get(obj["type"].rsplit("/", 1)[-1], set())


def crawl(oparl, schemas, *, limit=2, query=None):
    """Follows every list (page by page) and every link from the System object.

    Returns the objects by id, how often each list showed each id, and the raw answers.
    """
    query = dict(query or {})
    objects, seen_in_lists, answers = {}, {}, []
    system = oparl.get(api(""))
    schemas.validate(system, "System")
    objects[system["id"]] = system
    queue = [system]
    visited_links = set()

    def remember(obj):
        known = objects.get(obj["id"])
        if known is None:
            objects[obj["id"]] = obj
            queue.append(obj)

    def walk_list(url):
        page_url, pages = url, 0
        counts = seen_in_lists.setdefault(url, {})
        page = oparl.get(page_url, limit=str(limit), **query)
        while True:
            pages += 1
            answers.append(json.dumps(page))
            schemas.validate_list(page)
            for obj in page["data"]:
                counts[obj["id"]] = counts.get(obj["id"], 0) + 1
                remember(obj)
            assert page["links"]["self"].startswith(url)
            if "next" not in page["links"]:
                break
            assert len(page["data"]) <= limit
            page = oparl.get(page["links"]["next"])
            assert pages < 500
        return counts

    while queue:
        obj = queue.pop()
        for prop in _list_properties(obj):
            value = obj.get(prop)
            if isinstance(value, str) and value not in visited_links:
                visited_links.add(value)
                walk_list(value)
        for embedded in _embedded(obj):
            remember(embedded)
    return objects, seen_in_lists, answers


def _embedded(obj):
    for value in obj.values():
        candidates = value if isinstance(value, list) else [value]
        for candidate in candidates:
            if isinstance(candidate, dict) and "id" in candidate and "type" in candidate:
                yield candidate
                yield from _embedded(candidate)


def _links(obj):
    """Every object address the object points to (not lists, not files)."""
    for prop, value in obj.items():
        if prop in _list_properties(obj) | {"id", "web", "accessUrl", "downloadUrl", "website"}:
            continue
        for candidate in value if isinstance(value, list) else [value]:
            if isinstance(candidate, str) and candidate.startswith(api("")):
                yield candidate
            elif isinstance(candidate, dict):
                yield from _links(candidate)


def test_crawl_from_system_reaches_every_public_object_once_per_list_and_nothing_private(
    oparl, oparl_schemas, public_record
):
    objects, seen_in_lists, answers = crawl(oparl, oparl_schemas)

    for url, counts in seen_in_lists.items():
        assert all(count == 1 for count in counts.values()), url
    body_lists = {
        url.rsplit("/", 1)[-1]: set(counts)
        for url, counts in seen_in_lists.items()
        if url.startswith(api("body/1/"))
    }
    record = public_record
    assert body_lists["meeting"] == {api(f"meeting/{record.meeting.pk}")}
    assert body_lists["agendaitem"] == {
        api(f"agendaitem/{record.first.pk}"),
        api(f"agendaitem/{record.presented.pk}"),
    }
    assert body_lists["consultation"] == {api(f"consultation/{record.presented.pk}")}
    assert body_lists["paper"] == {api(f"paper/{record.practice.pk}")}
    assert body_lists["person"] == {api(f"person/{record.listed.pk}")}
    assert body_lists["membership"] == {api(f"membership/{record.listed.pk}")}
    assert body_lists["location"] == {api(f"location/{record.meeting.pk}")}
    assert body_lists["legislativeterm"] == set()
    assert len(body_lists["file"]) == 4  # two documents, the minutes, the flyer
    assert api(f"organization/municipality/{record.olpe.pk}") in body_lists["organization"]
    assert api(f"organization/district/{record.district.pk}") in body_lists["organization"]
    assert api(f"organization/series/{record.series.pk}") in body_lists["organization"]
    meeting = objects[api(f"meeting/{record.meeting.pk}")]
    # Of the two who attended, only the one who agreed to be listed is named.
    assert meeting["participant"] == [api(f"person/{record.listed.pk}")]
    assert meeting["resultsProtocol"]["text"] == "## Ergebnis\n\nAlle stimmten zu."
    assert [item["name"] for item in meeting["agendaItem"]] == ["Begrüßung", "Werdohl stellt vor"]
    everything = "\n".join(answers)
    for secret in SECRETS:
        assert secret not in everything, secret


def test_every_id_answers_the_object_listed_and_every_link_resolves(
    oparl, oparl_schemas, public_record
):
    objects, _seen, _answers = crawl(oparl, oparl_schemas, limit=100)

    for object_id, listed in objects.items():
        answered = oparl.get(object_id)
        oparl_schemas.validate(answered)
        assert answered["id"] == object_id
        # Embedded objects leave out the link back to their parent; all else is equal.
        shared = set(listed) & set(answered)
        assert {key: listed[key] for key in shared} == {key: answered[key] for key in shared}
        for link in _links(answered):
            assert oparl.response(link).status_code == 200, (object_id, link)


def test_pagination_visits_every_object_exactly_once_while_others_insert(
    oparl, oparl_schemas, public_record
):
    url = api("body/1/organization")
    page = oparl.get(url, limit="3")
    seen = [obj["id"] for obj in page["data"]]
    inserted = []
    while "next" in page["links"]:
        # Somebody adds a municipality between two pages: it appears once, at the end.
        inserted.append(factories.MunicipalityFactory())
        page = oparl.get(page["links"]["next"])
        seen += [obj["id"] for obj in page["data"]]

    assert len(seen) == len(set(seen))
    for municipality in inserted:
        assert seen.count(api(f"organization/municipality/{municipality.pk}")) == 1


def test_modified_since_returns_exactly_the_changed_and_the_withdrawn_objects(
    oparl, oparl_schemas, public_record
):
    record = public_record
    objects, _seen, _answers = crawl(oparl, oparl_schemas, limit=100)
    body = objects[api("body/1")]
    since = timezone.now()
    removed_item = record.first.pk

    member_services.profile_update(
        user=_user_for(record.listed),
        representative=record.listed,
        contact={"listed_in_open_data": False},
        language="de",
    )
    record.werdohl.website = "https://www.werdohl.de"
    record.werdohl.save()
    meeting_services.agenda_item_delete(item=record.first)

    # The client asks each list of the body it knows for what changed since its last visit.
    changed = {}
    for prop in sorted(LISTS_OF_TYPE["Body"]):
        page = oparl.get(body[prop], modified_since=since.isoformat(), limit="2")
        while True:
            oparl_schemas.validate_list(page)
            for obj in page["data"]:
                assert obj["id"] not in changed
                changed[obj["id"]] = obj
            if "next" not in page["links"]:
                break
            page = oparl.get(page["links"]["next"])

    assert set(changed) == {
        # Withdrawn: the person no longer wants to be listed, and the removed agenda item.
        api(f"person/{record.listed.pk}"),
        api(f"membership/{record.listed.pk}"),
        api(f"agendaitem/{removed_item}"),
        # Changed: the website, and the agenda item that moved up with its consultation, the
        # example presented there, and the meeting that embeds all of it and lost a
        # participant.
        api(f"organization/municipality/{record.werdohl.pk}"),
        api(f"agendaitem/{record.presented.pk}"),
        api(f"consultation/{record.presented.pk}"),
        api(f"paper/{record.practice.pk}"),
        api(f"meeting/{record.meeting.pk}"),
    }
    for withdrawn in ("person", "membership"):
        assert changed[api(f"{withdrawn}/{record.listed.pk}")]["deleted"] is True
    assert changed[api(f"agendaitem/{removed_item}")]["deleted"] is True
    assert "deleted" not in changed[api(f"meeting/{record.meeting.pk}")]
    assert "participant" not in changed[api(f"meeting/{record.meeting.pk}")]
    # Deleted objects keep answering at their address, and only with modified_since in lists.
    assert oparl.get(api(f"person/{record.listed.pk}"))["deleted"] is True
    assert oparl.get(api(f"agendaitem/{removed_item}"))["deleted"] is True
    assert oparl.get(api("body/1/person"))["data"] == []


def _user_for(representative):
    user = factories.UserFactory(email=representative.email)
    representative.user = user
    representative.save()
    return user
