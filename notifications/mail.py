"""The outbox's email message: Django's, with the header work of Python's email package done
once per distinct header instead of once per header of every message.

Building and serialising a message with the email package's modern API parses every header
it sets into a parse tree and folds that tree again when the message is written out. An
invitation sets about 23 headers (its parts and the calendar attachment included), and most
of them are the same in every message of a mailing: the parts' content types and encodings,
From, Reply-To, the subject, the calendar's disposition. In a profile of sending 1,000
invitations (issue #12) parsing and folding took about 60 % of building and serialising a
message. So:

- ``email.headerregistry.HeaderRegistry.__getitem__`` creates a new class with ``type()``
  every time a header is set; the class depends only on the header's name and the registry's
  mapping, so it is kept.
- A header object is the parse of its name and value and is never changed afterwards (the
  message replaces headers, it does not edit them), so the objects of recent (name, value)
  pairs are kept and shared between messages.
- A header's folded form depends only on the header and the policy's settings, so each header
  keeps its folded form per policy.
- The generator gives every multipart part a random boundary when the message is written
  out: it compiles a regular expression for each to check the parts' text, then sets the
  boundary, which parses the part's Content-Type again. The outbox's messages take their
  boundaries from one random prefix per process instead, so those Content-Type headers are
  the same in every message and are shared like the others; a message whose parts contain
  the prefix keeps the generator's random boundaries (see _set_boundaries).

The message that comes out is the same, byte for byte but for the random MIME boundaries
(tests/notifications/test_mail.py).
"""

import email.policy
import functools
import secrets
from email.headerregistry import BaseHeader, HeaderRegistry

from django.core.mail import EmailMultiAlternatives

# Header objects of this many recent (name, value) pairs are kept per process. A mailing's
# shared headers are met with every message and stay; the per-message ones (To, Message-ID,
# Date, multipart boundaries) pass through.
KEPT_HEADERS = 2048


def _policy_settings(policy: email.policy.Policy) -> tuple:
    """What a fold can depend on: the policy's class and every setting it overrides.

    The generator clones the policy for each MIME part, so the clones' identities differ
    while their settings do not. ``clone`` accepts only the policy's own settings, and each
    of them (numbers, strings, flags, the factories) can be part of a key.
    """
    return (type(policy), tuple(sorted(vars(policy).items())))


class FoldKeepingHeader(BaseHeader):
    """A header that folds itself once per policy setting and then reuses the result."""

    def fold(self, *, policy):
        key = _policy_settings(policy)
        try:
            folds = self._folds
        except AttributeError:
            folds = self._folds = {}
        try:
            return folds[key]
        except KeyError:
            folded = folds[key] = super().fold(policy=policy)
            return folded


class HeaderClasses(HeaderRegistry):
    """A HeaderRegistry that keeps the class it builds for each header name, and the header
    objects of recent values."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("base_class", FoldKeepingHeader)
        super().__init__(*args, **kwargs)
        self._classes: dict[str, type] = {}
        self._header = functools.lru_cache(maxsize=KEPT_HEADERS)(self._parse)

    def map_to_type(self, name, cls):
        super().map_to_type(name, cls)
        self._classes.pop(name.lower(), None)
        self._header.cache_clear()

    def __getitem__(self, name):
        key = name.lower()
        try:
            return self._classes[key]
        except KeyError:
            built = self._classes[key] = super().__getitem__(name)
            return built

    def _parse(self, name: str, value: str):
        return self[name](name, value)

    def __call__(self, name, value):
        if type(value) is str:
            return self._header(name, value)
        # Dates and other objects are parsed each time (Django sets Date as a datetime).
        return self[name](name, value)


# One registry per process: the header names a process sends are a handful (ours and those
# of the MIME parts), so the mapping stays small.
HEADER_CLASSES = HeaderClasses()


# Boundaries have the generator's own form ("=" * 15, 19 digits, "=="), so headers fold as
# they would with its boundaries: 17 random digits per process and the part's number.
BOUNDARY_PREFIX = "=" * 15 + f"{secrets.randbelow(10**17):017d}"


def _set_boundaries(message) -> None:
    """Give each multipart part of ``message`` the process's boundary with its number.

    A boundary must not occur in the parts it separates (RFC 2046, 5.1.1). The prefix is
    random, but it can be read in any mail a worker sent, so someone could put it into a text
    that goes out in another mail; a message with the prefix in any part's headers or
    (encoded) content is left to the generator, which picks and checks random boundaries.
    Only the shape Django builds is handled: multipart parts without parameters and leaves
    whose payload is a string (text parts, and attachments as their encoded text); anything
    else (an attached message, say) is left to the generator too.
    """
    multiparts = []
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            if str(part.get("Content-Type", "")) != part.get_content_type():
                return
            multiparts.append(part)
            continue
        payload = part.get_payload()
        if not isinstance(payload, str) or BOUNDARY_PREFIX in payload:
            return
        if any(BOUNDARY_PREFIX in str(value) for value in part.values()):
            return
    if len(multiparts) > 99:
        return
    for number, part in enumerate(multiparts):
        part.replace_header(
            "Content-Type",
            f'{part.get_content_type()}; boundary="{BOUNDARY_PREFIX}{number:02d}=="',
        )


class OutboxEmail(EmailMultiAlternatives):
    """The outbox's message: the policy the backend asks for, with the kept header classes
    and the process's boundaries."""

    def message(self, *, policy=email.policy.default):
        message = super().message(policy=with_kept_header_classes(policy))
        _set_boundaries(message)
        return message


# The policies messages are built with are module constants (email.policy.SMTP for the SMTP
# backend), so their clones are kept too: cloning costs as much as a few headers.
@functools.lru_cache(maxsize=8)
def with_kept_header_classes(policy: email.policy.Policy) -> email.policy.Policy:
    """``policy`` with HEADER_CLASSES as its header factory."""
    if policy.header_factory is HEADER_CLASSES:
        return policy
    return policy.clone(header_factory=HEADER_CLASSES)
