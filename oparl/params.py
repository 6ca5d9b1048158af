"""The query parameters of OParl lists, validated; bad values become an OParl error (400)."""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from oparl.selectors import Window

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
DATE_TIME_FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
# A "+" of the offset that a client forgot to encode arrives as a space.
_UNENCODED_PLUS = re.compile(r"^(\S+T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")
_CURSOR = re.compile(r"^(?:([a-z]+)-)?([1-9]\d{0,17})$")


class OParlError(Exception):
    def __init__(self, status: int, message: str, debug: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.debug = debug


@dataclass(frozen=True)
class ListParams:
    window: Window
    omit_internal: bool = False
    limit: int = DEFAULT_LIMIT
    after_kind: str | None = None
    after: int = 0

    def query(self, *, after: str | None = None) -> str:
        """The canonical query string: filters kept, always in the same order."""
        pairs = [
            (name, getattr(self.window, name).isoformat())
            for name in DATE_TIME_FILTERS
            if getattr(self.window, name) is not None
        ]
        if self.omit_internal:
            pairs.append(("omit_internal", "true"))
        if self.limit != DEFAULT_LIMIT:
            pairs.append(("limit", str(self.limit)))
        if after:
            pairs.append(("after", after))
        return f"?{urlencode(pairs)}" if pairs else ""


def _date_time(name: str, raw: str) -> datetime:
    raw = raw.strip()
    repaired = _UNENCODED_PLUS.match(raw)
    if repaired:
        raw = f"{repaired.group(1)}+{repaired.group(2)}"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise OParlError(
            400,
            _(
                "The parameter %(name)s needs a date and time with offset, "
                "e.g. 2026-01-01T00:00:00+01:00."
            )
            % {"name": name},
            name,
        )
    return value


def list_params(query, *, kinds: tuple[str, ...] = ()) -> ListParams:
    values = {name: _date_time(name, query[name]) for name in DATE_TIME_FILTERS if name in query}
    omit_internal = query.get("omit_internal", "false").strip().lower()
    if omit_internal not in {"true", "false"}:
        raise OParlError(
            400, _("The parameter omit_internal must be true or false."), "omit_internal"
        )
    limit = DEFAULT_LIMIT
    if "limit" in query:
        raw = query["limit"].strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 10**6:
            raise OParlError(
                400, _("The parameter limit must be a whole number from 1 upwards."), "limit"
            )
        # The spec lets a server answer with fewer objects than asked for.
        limit = min(int(raw), MAX_LIMIT)
    after_kind, after = None, 0
    if "after" in query:
        cursor = _CURSOR.match(query["after"].strip())
        if (
            not cursor
            or bool(cursor.group(1)) != bool(kinds)
            or (cursor.group(1) and cursor.group(1) not in kinds)
        ):
            raise OParlError(400, _("The parameter after is not a position in this list."), "after")
        after_kind, after = cursor.group(1), int(cursor.group(2))
    return ListParams(
        window=Window(**values),
        omit_internal=omit_internal == "true",
        limit=limit,
        after_kind=after_kind,
        after=after,
    )
