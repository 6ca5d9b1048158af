"""The OParl 1.1 endpoints: read-only JSON for anyone, CORS open, errors as OParl errors."""

import json
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from oparl import selectors
from oparl import serializers as s
from oparl.params import ListParams, OParlError, list_params
from oparl.selectors import SOURCES, Deleted

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def _json(data: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=JSON_CONTENT_TYPE
    )


def _error(error: OParlError) -> HttpResponse:
    return _json(
        {"type": s.SCHEMA + "Error", "message": error.message, "debug": error.debug},
        status=error.status,
    )


def _not_found(debug: str = "") -> OParlError:
    return OParlError(404, _("There is no such object in the open data interface."), debug)


def oparl_endpoint(view):
    """Every answer: German content, the CORS header, and errors as OParl error objects."""

    @csrf_exempt
    @wraps(view)
    def endpoint(request, *args, **kwargs):
        with translation.override("de"):
            try:
                if not settings.OPARL_ENABLED:
                    raise _not_found("OPARL_ENABLED is off")
                if request.method not in {"GET", "HEAD"}:
                    raise OParlError(405, _("The open data interface can only be read."), "GET")
                response = view(request, *args, **kwargs)
            except OParlError as error:
                response = _error(error)
        response["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 405:
            response["Allow"] = "GET, HEAD"
        return response

    return endpoint


# Lists


@dataclass(frozen=True)
class Section:
    """One part of a list: the rows of one table, in primary-key order."""

    kind: str | None
    source: str | None  # a key of selectors.SOURCES; None for the round table itself
    serialize: callable


def _round_table_rows(after: int, window: selectors.Window) -> list:
    # The round table has no row of its own; it stands first in the organisation list.
    launched = selectors.LAUNCHED
    inside = after < s.ROUND_TABLE_ID and window.admits(launched, launched)
    return [Deleted(s.ROUND_TABLE_ID, launched, launched)] if inside else []


def _page(sections, params: ListParams, extra: Q | None = None):
    """The objects of one page as (section, object), and the cursor of the next page."""
    items, remaining = [], params.limit
    started = params.after_kind is None
    for section in sections:
        after = 0
        if not started:
            if section.kind != params.after_kind:
                continue
            started = True
        if section.kind == params.after_kind:
            after = params.after
        if section.source is None:
            rows = _round_table_rows(after, params.window)
        else:
            rows = selectors.source_page(
                SOURCES[section.source],
                after=after,
                limit=remaining,
                window=params.window,
                extra=extra,
            )
        items += [(section, row) for row in rows[:remaining]]
        if len(rows) >= remaining:
            last_section, last = items[-1]
            cursor = str(last.pk) if last_section.kind is None else f"{last_section.kind}-{last.pk}"
            # When this table ended exactly here, the next page may still find later tables.
            more = len(rows) > remaining or section is not sections[-1]
            return items, cursor if more else None
        remaining -= len(rows)
    return items, None


def _list_response(request, sections, *, self_url: str, web: str | None = None, extra=None):
    kinds = tuple(section.kind for section in sections if section.kind)
    params = list_params(request.GET, kinds=kinds)
    items, cursor = _page(sections, params, extra)
    objects = [row for _section, row in items]
    context = s.FileContext(s.stored_files_of(objects))
    data = [_serialize(section, row, context, params) for section, row in items]
    current = None
    if params.after:
        current = f"{params.after_kind}-{params.after}" if params.after_kind else str(params.after)
    links = {"first": self_url + params.query(), "self": self_url + params.query(after=current)}
    if cursor:
        links["next"] = self_url + params.query(after=cursor)
    if web:
        links["web"] = web
    return _json({"data": data, "pagination": {"elementsPerPage": params.limit}, "links": links})


def _serialize(section: Section, row, context, params: ListParams) -> dict:
    if section.source is None:
        return s.round_table()
    return section.serialize(row, context=context, omit_internal=params.omit_internal)


def _plain(serializer):
    """Adapts a serialiser that needs neither file checksums nor omit_internal."""

    def serialize(row, *, context, omit_internal):
        return serializer(row)

    return serialize


def _with_context(serializer):
    def serialize(row, *, context, omit_internal):
        return serializer(row, context=context)

    return serialize


ORGANIZATION_SECTIONS = [
    Section("roundtable", None, None),
    *(
        Section(kind, f"organization.{kind}", _plain(s.ORGANIZATION_SERIALIZERS[kind]))
        for kind in ("series", "network", "district", "municipality")
    ),
]
FILE_SECTIONS = [
    Section(kind, f"file.{kind}", _with_context(s.FILE_SERIALIZERS[kind]))
    for kind in ("document", "minutes", "attachment")
]
MEETING_SECTIONS = [Section(None, "meeting", s.meeting)]
LIST_SECTIONS = {
    "organization": ORGANIZATION_SECTIONS,
    "person": [
        Section(
            None,
            "person",
            lambda row, *, context, omit_internal: s.person(row, omit_internal=omit_internal),
        )
    ],
    "meeting": MEETING_SECTIONS,
    "paper": [Section(None, "paper", s.paper)],
    "agendaitem": [
        Section(
            None,
            "agendaitem",
            lambda row, *, context, omit_internal: s.agenda_item(
                row, context=context, omit_internal=omit_internal
            ),
        )
    ],
    "consultation": [Section(None, "consultation", _plain(s.consultation))],
    "file": FILE_SECTIONS,
    "location": [Section(None, "location", _plain(s.location))],
    "legislativeterm": [],
    "membership": [Section(None, "membership", _plain(s.membership))],
}
LIST_WEB = {
    "organization": "members:directory",
    "meeting": "meetings:list",
    "paper": "practices:list",
}


@oparl_endpoint
def system(request):
    return _json(s.system())


@oparl_endpoint
def body_list(request):
    params = list_params(request.GET)
    launched = selectors.LAUNCHED
    matches = params.after == 0 and params.window.admits(launched, launched)
    self_url = s.api_url("body_list")
    return _json(
        {
            "data": [s.body()] if matches else [],
            "pagination": {"elementsPerPage": params.limit},
            "links": {"first": self_url + params.query(), "self": self_url + params.query()},
        }
    )


@oparl_endpoint
def body(request, pk):
    if pk != s.BODY_ID:
        raise _not_found(f"body {pk}")
    return _json(s.body())


@oparl_endpoint
def body_object_list(request, pk, name):
    if pk != s.BODY_ID or name not in LIST_SECTIONS:
        raise _not_found("no such list")
    web = s.web_url(LIST_WEB[name]) if name in LIST_WEB else None
    return _list_response(
        request, LIST_SECTIONS[name], self_url=s.api_url("list", pk, name), web=web
    )


@oparl_endpoint
def organization_meetings(request, kind, pk):
    if kind == "roundtable" and pk == s.ROUND_TABLE_ID:
        extra = None
    elif (
        kind == "series"
        and selectors.SOURCES["organization.series"].model.objects.filter(pk=pk).exists()
    ):
        extra = Q(series_id=pk)
    else:
        raise _not_found("no such organization")
    return _list_response(
        request,
        MEETING_SECTIONS,
        self_url=s.api_url("organization_meetings", kind, pk),
        web=s.web_url("meetings:list"),
        extra=extra,
    )


# Objects


def _found(source_key: str, pk: int):
    obj = selectors.source_object(SOURCES[source_key], pk)
    if obj is None:
        raise _not_found(f"{source_key} {pk}")
    return obj


def _file_context(obj) -> s.FileContext:
    return s.FileContext(s.stored_files_of([obj]))


@oparl_endpoint
def organization(request, kind, pk):
    if kind == "roundtable":
        if pk != s.ROUND_TABLE_ID:
            raise _not_found("no such organization")
        return _json(s.round_table())
    if kind not in s.ORGANIZATION_SERIALIZERS:
        raise _not_found("no such organization")
    return _json(s.ORGANIZATION_SERIALIZERS[kind](_found(f"organization.{kind}", pk)))


def _object_view(source_key: str, serialize, *, with_files: bool = False):
    """The view of one object type: the object, its tombstone, or a 404 error."""

    @oparl_endpoint
    def view(request, pk):
        obj = _found(source_key, pk)
        if with_files:
            return _json(serialize(obj, context=_file_context(obj)))
        return _json(serialize(obj))

    return view


person = _object_view("person", s.person)
membership = _object_view("membership", s.membership)
meeting = _object_view("meeting", s.meeting, with_files=True)
agenda_item = _object_view("agendaitem", s.agenda_item, with_files=True)
consultation = _object_view("consultation", s.consultation)
paper = _object_view("paper", s.paper, with_files=True)
location = _object_view("location", s.location)


@oparl_endpoint
def legislative_term(request, pk):
    raise _not_found(f"legislative term {pk}")


def _file_found(kind: str, pk: int):
    if kind not in s.FILE_SERIALIZERS:
        raise _not_found("no such file")
    return _found(f"file.{kind}", pk)


@oparl_endpoint
def file(request, kind, pk):
    obj = _file_found(kind, pk)
    return _json(s.FILE_SERIALIZERS[kind](obj, context=_file_context(obj)))


def _file_content(kind: str, pk: int, *, as_attachment: bool) -> HttpResponse:
    obj = _file_found(kind, pk)
    if isinstance(obj, Deleted):
        raise OParlError(410, _("This file has been removed from the public record."), kind)
    if kind == "minutes":
        response = HttpResponse(s.minutes_content(obj), content_type="text/markdown; charset=utf-8")
        name = f"protokoll-{obj.meeting_id}.md"
        if as_attachment:
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    response = FileResponse(
        obj.file.open("rb"),
        as_attachment=as_attachment,
        filename=obj.file.name.rsplit("/", 1)[-1],
        content_type=obj.content_type or "application/octet-stream",
    )
    if not as_attachment:
        # FileResponse names inline files too; the spec forbids only "attachment" here.
        response.headers.pop("Content-Disposition", None)
    response["X-Content-Type-Options"] = "nosniff"
    # Uploaded files are shown as data, never run as a page of this site.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@oparl_endpoint
def file_access(request, kind, pk):
    return _file_content(kind, pk, as_attachment=False)


@oparl_endpoint
def file_download(request, kind, pk):
    return _file_content(kind, pk, as_attachment=True)


@oparl_endpoint
def not_found(request, rest):
    # The address is not repeated: the answer never echoes what a client sent.
    raise _not_found("no such address")
