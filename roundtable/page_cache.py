"""Rendered pages kept per viewer in the shared cache, dropped by any change to what they show.

Reading pages is most of the portal's traffic, and rendering them (queries, forms, templates)
is most of a request's cost. A page decorated with `cached_for_viewer(*scopes)` is stored
after it is rendered, under a key made of:

- the content versions of the scopes the page shows ("members" always: people, roles and
  municipalities appear everywhere). Each is a number in the shared cache that writes move
  on: model saves and deletions through signals (now and again after commit), the services'
  explicit calls after bulk updates, and, as a safety net, every non-GET request that wrote
  nothing the signals saw, which moves all scopes on;
- the viewer (user id) and their CSRF secret, so a page and the tokens in its forms only
  ever go back to the person and browser session it was rendered for;
- the language, the local date (terms of office end at midnight) and the full path.

Entries also expire after PAGE_CACHE_SECONDS, which bounds how late a page notices the passing
of time (a meeting starting, a response deadline). Pages that show one-off messages, set
cookies or do not answer 200 are never stored. Anonymous visitors are not cached.
"""

import contextvars
import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_SESSION_KEY
from django.utils import timezone, translation

MEMBERS, MEETINGS, PRACTICES = "members", "meetings", "practices"
ALL_SCOPES = (MEMBERS, MEETINGS, PRACTICES)
# Which scopes a change to a model's rows touches; models not listed touch all of them.
SCOPES_OF_MODEL = {
    "meetings.agendaitem": (MEETINGS, PRACTICES),  # practices show where they were presented
    "meetings.agendaitem_presenters": (MEETINGS,),
}
SCOPES_OF_APP = {"meetings": (MEETINGS,), "practices": (PRACTICES,)}
# Rows no page shows; their frequent writes must not empty the cache.
IGNORED_MODELS = {"sessions.session", "notifications.outgoingmessage", "admin.logentry"}

# Whether the current request announced a write (model signal or a service call).
_write_announced = contextvars.ContextVar("page_cache_write_announced", default=False)
# The versions read during the current request: role checks and the page key need them.
_versions_read = contextvars.ContextVar("page_cache_versions_read", default=None)


def _key(scope: str) -> str:
    return f"page-cache:version:{scope}"


def content_versions(scopes=ALL_SCOPES) -> tuple:
    read = _versions_read.get()
    if read is None or not all(scope in read for scope in scopes):
        keys = [_key(scope) for scope in ALL_SCOPES]
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                # A fresh or flushed cache starts from the clock, so keys of an earlier life
                # never come back into use.
                cache.add(key, time.time_ns(), timeout=None)
                found[key] = cache.get(key)
        fresh = {scope: found[_key(scope)] for scope in ALL_SCOPES}
        if read is not None:
            read.update(fresh)
        read = fresh
    return tuple(read[scope] for scope in scopes)


def content_changed(scopes=ALL_SCOPES) -> None:
    """Invalidate the cached pages that show these scopes."""
    read = _versions_read.get()
    if read is not None:
        read.clear()
    for scope in scopes:
        try:
            cache.incr(_key(scope))
        except ValueError:
            cache.add(_key(scope), time.time_ns(), timeout=None)


def content_changed_on_commit(scopes=ALL_SCOPES) -> None:
    """Invalidate now and again once the transaction has committed.

    Now: later reads in the same transaction see the change. After commit: a page that another
    request rendered from the old rows in between, under the new version, is dropped as well.
    Services call this after bulk updates, which send no model signals.
    """
    _write_announced.set(True)
    content_changed(scopes)
    transaction.on_commit(functools.partial(content_changed, scopes))


def scopes_of(model) -> tuple:
    label = model._meta.label_lower
    if label in SCOPES_OF_MODEL:
        return SCOPES_OF_MODEL[label]
    return SCOPES_OF_APP.get(model._meta.app_label, ALL_SCOPES)


def _model_changed(sender, **kwargs):
    if sender._meta.label_lower in IGNORED_MODELS:
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a log-in changes no page
    content_changed_on_commit(scopes_of(sender))


def connect_signals() -> None:
    post_save.connect(_model_changed, dispatch_uid="page_cache_post_save")
    post_delete.connect(_model_changed, dispatch_uid="page_cache_post_delete")
    m2m_changed.connect(_model_changed, dispatch_uid="page_cache_m2m_changed")


class ContentChangeMiddleware:
    """A request that may write (not GET/HEAD/OPTIONS) but was seen by no model signal moves
    every scope on: it may have written through a bulk update nobody announced."""

    SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        announced_token = _write_announced.set(False)
        versions_token = _versions_read.set({})
        try:
            response = self.get_response(request)
            if request.method not in self.SAFE_METHODS and not _write_announced.get():
                content_changed()
        finally:
            _write_announced.reset(announced_token)
            _versions_read.reset(versions_token)
        return response


def _has_pending_messages(request) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get("_messages"))


def _cache_key(request, scopes) -> str | None:
    csrf_secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if settings.CSRF_USE_SESSIONS:
        csrf_secret = request.session.get(CSRF_SESSION_KEY)
    if not csrf_secret:
        # The page would hand out a new CSRF secret (cookie) that the next request lacks.
        return None
    parts = [
        *(str(version) for version in content_versions(scopes)),
        str(request.user.pk),
        hashlib.sha256(csrf_secret.encode()).hexdigest()[:24],
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.get_full_path(),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_for_viewer(*scopes):
    """Serve the decorated GET view from the per-viewer page cache when possible.

    `scopes`: what the page shows besides members (MEETINGS, PRACTICES).
    """
    page_scopes = tuple(dict.fromkeys((MEMBERS, *scopes)))

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            seconds = settings.PAGE_CACHE_SECONDS
            if (
                not seconds
                or request.method != "GET"
                or not request.user.is_authenticated
                or _has_pending_messages(request)
            ):
                return view(request, *args, **kwargs)
            key = _cache_key(request, page_scopes)
            if key is None:
                return view(request, *args, **kwargs)
            stored = cache.get(key)
            if stored is not None:
                content_type, content = stored
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not getattr(request, "_messages", None)
            ):
                cache.set(key, (response["Content-Type"], response.content), seconds)
            return response

        return wrapped

    return decorator
