"""A version number for the library, shared by all processes through Django's cache.

Filter counts over a large result are expensive; they are cached under the current
version, and every write that can change them bumps the version after its transaction
commits, so no process ever serves counts from before a committed change.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "practices:library-version"
FACETS_TIMEOUT = 600


def library_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # Nobody has read the version since the cache was emptied: start afresh.
        cache.add(VERSION_KEY, 1, None)


def library_changed() -> None:
    """Call from any write that changes what the library lists or counts."""
    transaction.on_commit(_bump)
