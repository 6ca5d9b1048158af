"""The OParl schemas as validators, a small public record with private parts, and a client."""

import json
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import jsonschema
import pytest
import rfc3339_validator
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from meetings.models import Meeting, Minutes
from practices.models import PracticeAttachment
from tests import factories
from tests.meetings.factories import DocumentFactory, MinutesFactory

# CI checks out the shared standards beside the repository; without them the tests fail.
SCHEMA_DIR = Path(settings.BASE_DIR).parent / "shared" / "standards" / "oparl-1.1" / "schema"
SCHEMA = "https://schema.oparl.org/1.1/"
OPARL_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    checker.checkers = dict(jsonschema.Draft4Validator.FORMAT_CHECKER.checkers)

    @checker.checks("url")
    def is_url(value) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in value

    @checker.checks("date-time", raises=ValueError)
    def is_oparl_date_time(value) -> bool:
        # RFC 3339 as jsonschema checks it, in the one form OParl allows (spec 2.4).
        if not isinstance(value, str):
            return True
        if not OPARL_DATE_TIME.match(value):
            raise ValueError(f"not yyyy-mm-ddThh:mm:ss±hh:mm: {value}")
        return rfc3339_validator.validate_rfc3339(value)

    return checker


class OParlSchemas:
    """Validates objects against the schema of their type, embedded objects included.

    The schema files name the schema of embedded objects in a `schema` annotation
    ("File.json"), which validators ignore; each embedded object is therefore validated
    against its own file as well. `$ref`s between the files resolve through a local
    registry, never over the network.
    """

    def __init__(self, directory: Path):
        if not directory.is_dir():
            raise AssertionError(f"The OParl schemas are missing: {directory}")
        self.schemas = {
            path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(directory.glob("*.json"))
        }
        registry = Registry().with_resources(
            (name, Resource.from_contents(schema, default_specification=DRAFT4))
            for name, schema in self.schemas.items()
        )
        checker = _format_checker()
        self.validators = {
            name: jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
            for name, schema in self.schemas.items()
        }
        # A deleted object keeps id, type, created and modified and may drop everything
        # else (spec 2.8), including properties the schema otherwise requires.
        self.tombstone_validators = {
            name: jsonschema.Draft4Validator(
                {**schema, "required": ["id", "type", "created", "modified", "deleted"]},
                registry=registry,
                format_checker=checker,
            )
            for name, schema in self.schemas.items()
        }

    def validate(self, obj: dict, expected_type: str | None = None) -> int:
        """Validate obj and everything embedded in it; returns how many objects were checked."""
        type_name = obj["type"].removeprefix(SCHEMA)
        if expected_type is not None:
            assert type_name == expected_type, obj["id"]
        name = f"{type_name}.json"
        if obj.get("deleted"):
            self.tombstone_validators[name].validate(obj)
            assert set(obj) == {"id", "type", "created", "modified", "deleted"}, obj
            return 1
        self.validators[name].validate(obj)
        for stamp in ("created", "modified"):
            assert stamp in obj, (obj["id"], stamp)
        assert obj["created"] <= obj["modified"] or obj["type"].endswith("/System"), obj["id"]
        checked = 1
        for prop, definition in self.schemas[name]["properties"].items():
            if prop not in obj:
                continue
            value = obj[prop]
            if definition.get("type") == "object" and "schema" in definition:
                checked += self.validate(value, definition["schema"].removesuffix(".json"))
            items = definition.get("items", {})
            if definition.get("type") == "array" and "schema" in items:
                for item in value:
                    checked += self.validate(item, items["schema"].removesuffix(".json"))
        return checked

    def validate_list(self, page: dict, item_type: str | None = None) -> int:
        assert set(page) >= {"data", "pagination", "links"}
        assert isinstance(page["data"], list)
        assert isinstance(page["pagination"], dict)
        assert isinstance(page["links"], dict)
        return sum(self.validate(obj, item_type) for obj in page["data"])


@pytest.fixture(scope="session")
def oparl_schemas():
    return OParlSchemas(SCHEMA_DIR)


class OParlClient:
    """Reads the interface as a client would: absolute URLs in, parsed JSON out."""

    def __init__(self):
        self.client = Client()

    def response(self, url: str, **query):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.client.get(path, query or None)

    def get(self, url: str, **query) -> dict:
        response = self.response(url, **query)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Access-Control-Allow-Origin"] == "*"
        return json.loads(response.content)


@pytest.fixture
def oparl():
    return OParlClient()


def api(path: str) -> str:
    return f"{settings.SITE_URL}/oparl/v1.1/{path}"


@pytest.fixture
def public_record(db):
    """A public meeting with agenda, documents, minutes and participants, beside private data.

    The private parts (a draft meeting, a meeting not in the public record, a draft and a
    members-only example, a representative who did not opt in) carry marker words that
    must never show up in the interface.
    """
    district = factories.DistrictFactory(name="Märkischer Kreis", ags_prefix="05962")
    werdohl = factories.MunicipalityFactory(
        name="Werdohl", slug="werdohl", ags="05962068", district=district
    )
    olpe = factories.MunicipalityFactory(name="Olpe", slug="olpe", ags="05966024")
    listed = factories.RepresentativeFactory(
        municipality=werdohl,
        first_name="Lena",
        last_name="Offen",
        listed_in_open_data=True,
        email="lena.offen@werdohl.example",
        phone="+49 2392 111111",
        show_phone=True,
    )
    unlisted = factories.RepresentativeFactory(
        municipality=olpe, first_name="Verena", last_name="Verborgen", phone="+49 2761 999999"
    )
    series = factories.SeriesFactory(name="Runder Tisch")
    now = timezone.now()
    meeting = factories.MeetingFactory(
        series=series,
        host=werdohl,
        title="Öffentliches Treffen",
        is_public=True,
        status=Meeting.Status.SCHEDULED,
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=2),
        format=Meeting.Format.HYBRID,
        venue="Rathaus Werdohl, Goethestraße 51",
        online_url="https://konferenz.example.org/geheimer-raum",
    )
    practice = factories.PracticeFactory(
        title="Willkommenstasche", municipalities=[werdohl], is_public=True, contact=listed
    )
    first = factories.AgendaItemFactory(meeting=meeting, position=0, title="Begrüßung")
    presented = factories.AgendaItemFactory(
        meeting=meeting, position=1, title="Werdohl stellt vor", practice=practice
    )
    presented.presenters.add(unlisted)
    DocumentFactory(meeting=meeting, title="Präsentation")
    DocumentFactory(meeting=meeting, agenda_item=presented, title="Folien zum Beispiel")
    MinutesFactory(
        meeting=meeting, text="## Ergebnis\n\nAlle stimmten zu.", status=Minutes.Status.PUBLISHED
    )
    factories.InvitationFactory(meeting=meeting, representative=listed, attended=True)
    factories.InvitationFactory(meeting=meeting, representative=unlisted, attended=True)
    attachment = PracticeAttachment(
        practice=practice, kind="document", title="Flyer", content_type="application/pdf", size=9
    )
    attachment.file.save("flyer.pdf", ContentFile(b"%PDF-flyer"), save=False)
    attachment.size = attachment.file.size
    attachment.save()
    # Private: must never appear.
    draft = factories.MeetingFactory(
        series=series, title="Entwurfstreffen Geheim", status=Meeting.Status.DRAFT, is_public=True
    )
    factories.AgendaItemFactory(meeting=draft, title="Geheimer Tagesordnungspunkt")
    internal = factories.MeetingFactory(series=series, title="Internes Treffen Geheim")
    factories.PracticeFactory(
        title="Entwurfsbeispiel Geheim", status="draft", published_at=None, is_public=True
    )
    factories.PracticeFactory(title="Mitgliederbeispiel Geheim", is_public=False)
    return SimpleNamespace(
        district=district,
        werdohl=werdohl,
        olpe=olpe,
        listed=listed,
        unlisted=unlisted,
        series=series,
        meeting=meeting,
        first=first,
        presented=presented,
        practice=practice,
        attachment=attachment,
        draft=draft,
        internal=internal,
    )


SECRETS = (
    "Geheim",
    "Verborgen",
    "Verena",
    "lena.offen@werdohl.example",
    "+49 2392 111111",
    "+49 2761 999999",
    "geheimer-raum",
)
