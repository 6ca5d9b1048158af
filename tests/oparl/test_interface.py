"""What every answer of the interface promises: JSON, CORS, errors as OParl errors, filters."""

import hashlib
import json

import pytest

from meetings import services
from oparl.views import LIST_SECTIONS
from tests import factories
from tests.oparl.conftest import api

pytestmark = pytest.mark.django_db

LISTS = sorted(LIST_SECTIONS)


def _error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    error = json.loads(response.content)
    assert error["type"] == "https://schema.oparl.org/1.1/Error"
    assert error["message"]
    return error


def test_system_is_the_entry_point_and_names_its_body_list(oparl, oparl_schemas):
    system = oparl.get(api(""))

    oparl_schemas.validate(system, "System")
    assert system["id"] == api("")
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    bodies = oparl.get(system["body"])
    oparl_schemas.validate_list(bodies, "Body")
    assert [body["id"] for body in bodies["data"]] == [api("body/1")]


def test_body_offers_every_list_and_an_empty_legislative_term(oparl, oparl_schemas):
    body = oparl.get(api("body/1"))

    oparl_schemas.validate(body, "Body")
    assert body["legislativeTerm"] == []
    assert oparl.get(body["legislativeTermList"])["data"] == []
    assert body["mainOrganization"] == api("organization/roundtable/1")


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "query",
    [
        "created_since=gestern",
        "modified_since=2026-01-01T00:00:00",  # no offset
        "modified_until=2026-13-01T00:00:00%2B01:00",
        "limit=0",
        "limit=-5",
        "limit=zehn",
        "omit_internal=ja",
        "after=abc",
        "after=0",
    ],
)
def test_bad_filter_values_answer_an_oparl_error_with_400(oparl, name, query):
    error = _error(oparl.response(api(f"body/1/{name}?{query}")), 400)

    assert "Parameter" in error["message"]  # German, the language of the content


def test_an_unencoded_plus_in_the_offset_is_understood(oparl, public_record):
    # "+01:00" sent without encoding arrives as " 01:00".
    page = oparl.get(api("body/1/meeting?modified_since=2000-01-01T00:00:00+01:00"))

    assert [m["id"] for m in page["data"]] == [api(f"meeting/{public_record.meeting.pk}")]
    assert "modified_since=2000-01-01T00%3A00%3A00%2B01%3A00" in page["links"]["self"]


def test_limit_is_capped_and_the_filters_stay_in_every_link(oparl, public_record):
    for _ in range(3):
        factories.MunicipalityFactory()
    page = oparl.get(
        api("body/1/organization?limit=100000&created_since=2000-01-01T00:00:00%2B01:00")
    )
    assert page["pagination"]["elementsPerPage"] == 500

    page = oparl.get(api("body/1/organization?limit=2&created_since=2000-01-01T00:00:00%2B01:00"))
    for link in ("first", "self", "next"):
        assert "created_since=2000-01-01T00%3A00%3A00%2B01%3A00" in page["links"][link]
        assert "limit=2" in page["links"][link]


def test_omit_internal_leaves_out_the_embedded_lists(oparl, public_record):
    meeting = oparl.get(api("body/1/meeting?omit_internal=true"))["data"][0]
    person = oparl.get(api("body/1/person?omit_internal=true"))["data"][0]

    assert "agendaItem" not in meeting
    assert "auxiliaryFile" not in meeting
    assert "membership" not in person
    full = oparl.get(api("body/1/meeting"))["data"][0]
    assert len(full["agendaItem"]) == 2


def test_unknown_objects_and_addresses_answer_an_oparl_error_with_404(oparl, public_record):
    _error(oparl.response(api("meeting/999999")), 404)
    _error(oparl.response(api(f"meeting/{public_record.draft.pk}")), 404)
    _error(oparl.response(api("body/2")), 404)
    _error(oparl.response(api("body/1/vorlagen")), 404)
    _error(oparl.response(api("organization/planet/1")), 404)
    _error(oparl.response(api("file/kiste/1")), 404)
    _error(oparl.response(api("gibt/es/nicht")), 404)


def test_the_interface_is_read_only(oparl, client):
    response = client.post("/oparl/v1.1/", {"x": "1"})

    _error(response, 405)
    assert response["Allow"] == "GET, HEAD"


def test_operators_can_switch_the_interface_off(oparl, settings, public_record):
    settings.OPARL_ENABLED = False

    _error(oparl.response(api("")), 404)
    _error(oparl.response(api(f"meeting/{public_record.meeting.pk}")), 404)
    _error(oparl.response(api(f"file/minutes/{public_record.meeting.minutes.pk}/access")), 404)


def test_the_html_pages_point_to_the_entry_point_unless_switched_off(client, settings):
    assert (
        b'<link rel="alternate" type="application/json" title="OParl 1.1" href="/oparl/v1.1/">'
        in (client.get("/").content)
    )
    settings.OPARL_ENABLED = False
    assert b"/oparl/v1.1/" not in client.get("/").content


def test_files_are_served_inline_at_access_url_and_as_attachment_at_download_url(
    oparl, public_record
):
    files = oparl.get(api("body/1/file"))["data"]
    document = next(f for f in files if f["name"] == "Präsentation")
    minutes = next(f for f in files if f["mimeType"] == "text/markdown")

    access = oparl.response(document["accessUrl"])
    download = oparl.response(document["downloadUrl"])
    assert access.status_code == download.status_code == 200
    assert "attachment" not in access.get("Content-Disposition", "")
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert b"".join(access.streaming_content) == b"%PDF-1.4\n%test\n"
    assert document["size"] == 15
    assert document["sha512Checksum"] == hashlib.sha512(b"%PDF-1.4\n%test\n").hexdigest()
    minutes_access = oparl.response(minutes["accessUrl"])
    assert minutes_access.content.decode() == "## Ergebnis\n\nAlle stimmten zu."
    assert minutes["size"] == len(minutes_access.content)


def test_a_removed_file_answers_410_and_a_tombstone(oparl, public_record):
    attachment_url = api(f"file/attachment/{public_record.attachment.pk}")
    document = public_record.meeting.documents.get(title="Präsentation")
    document_pk = document.pk
    services.document_delete(document=document)

    assert oparl.get(api(f"file/document/{document_pk}"))["deleted"] is True
    _error(oparl.response(api(f"file/document/{document_pk}/access")), 410)
    assert "deleted" not in oparl.get(attachment_url)
