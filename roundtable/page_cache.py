"""Rendered pages kept per viewer in the shared cache, dropped by any change to the portal's data.

Reading pages is most of the portal's traffic, and rendering them (queries, forms, templates)
is most of a request's cost. A page decorated with `cached_for_viewer` is stored after it is
rendered, under a key made of:

- the content version, one number in the shared cache that every write moves on: model saves
  and deletions (signals, after commit), every non-GET request (writes through bulk updates
  happen in requests) and the services' explicit calls for writes outside requests;
- the viewer (user id) and their CSRF secret, so a page and the tokens in its forms only
  ever go back to the person and browser session it was rendered for;
- the language, the local date (terms of office end at midnight) and the full path.

Entries also expire after PAGE_CACHE_SECONDS, which bounds how late a page notices the passing
of time (a meeting starting, a response deadline). Pages that show one-off messages, set
cookies or do not answer 200 are never stored. Anonymous visitors are not cached.
"""

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

VERSION_KEY = "page-cache:version"
# Models whose rows no page shows; their frequent writes must not empty the cache.
IGNORED_MODELS = {"sessions.session", "notifications.outgoingmessage", "admin.logentry"}


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh or flushed cache starts from the clock, so keys of an earlier life never
        # come back into use.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def content_changed() -> None:
    """Invalidate every cached page. Call after a write the model signals do not see."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def content_changed_on_commit() -> None:
    """Invalidate now and again once the transaction has committed.

    Now: later reads in the same transaction see the change. After commit: a page that another
    request rendered from the old rows in between, under the new version, is dropped as well.
    """
    content_changed()
    transaction.on_commit(content_changed)


def _model_changed(sender, **kwargs):
    if sender._meta.label_lower not in IGNORED_MODELS:
        content_changed_on_commit()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_model_changed, dispatch_uid=f"page_cache_{id(signal)}")


class ContentChangeMiddleware:
    """Any request that may write (not GET/HEAD/OPTIONS) moves the content version on.

    Bulk updates (`QuerySet.update`) send no signals; in the portal they happen inside such
    requests, in Celery tasks (which call `content_changed`) or in management commands.
    """

    SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in self.SAFE_METHODS:
            content_changed()
        return response


def _has_pending_messages(request) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get("_messages"))


def _cache_key(request) -> str | None:
    csrf_secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if settings.CSRF_USE_SESSIONS:
        csrf_secret = request.session.get(CSRF_SESSION_KEY)
    if not csrf_secret:
        # The page would hand out a new CSRF secret (cookie) that the next request lacks.
        return None
    parts = [
        str(content_version()),
        str(request.user.pk),
        hashlib.sha256(csrf_secret.encode()).hexdigest()[:24],
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.get_full_path(),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_for_viewer(view):
    """Serve the decorated GET view from the per-viewer page cache when possible."""

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
        key = _cache_key(request)
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
            and not _has_pending_messages(request)
            and not getattr(request, "_messages", None)
        ):
            cache.set(key, (response["Content-Type"], response.content), seconds)
        return response

    return wrapped
