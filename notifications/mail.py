"""The outbox's email message: Django's, with the header classes of Python's email package
built once per header name instead of once per header.

``email.headerregistry.HeaderRegistry.__getitem__`` creates a new class with ``type()``
every time a header is set or parsed. An invitation sets or parses about 40 headers (its
parts and the calendar attachment included), and building those classes took about a tenth
of the time spent building and serialising the messages in a profile of sending 1,000
invitations (issue #12). The class depends only on the header's name and the registry's
mapping, so it can be kept. The message that comes out is the same, byte for byte but for
the random MIME boundaries (tests/notifications/test_mail.py).
"""

import email.policy
import functools
from email.headerregistry import HeaderRegistry

from django.core.mail import EmailMultiAlternatives


class HeaderClasses(HeaderRegistry):
    """A HeaderRegistry that keeps the class it builds for each header name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._classes: dict[str, type] = {}

    def map_to_type(self, name, cls):
        super().map_to_type(name, cls)
        self._classes.pop(name.lower(), None)

    def __getitem__(self, name):
        key = name.lower()
        try:
            return self._classes[key]
        except KeyError:
            built = self._classes[key] = super().__getitem__(name)
            return built


# One registry per process: the header names a process sends are a handful (ours and those
# of the MIME parts), so the mapping stays small.
HEADER_CLASSES = HeaderClasses()


class OutboxEmail(EmailMultiAlternatives):
    """The outbox's message: the policy the backend asks for, with the kept header classes."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=with_kept_header_classes(policy))


# The policies messages are built with are module constants (email.policy.SMTP for the SMTP
# backend), so their clones are kept too: cloning costs as much as a few headers.
@functools.lru_cache(maxsize=8)
def with_kept_header_classes(policy: email.policy.Policy) -> email.policy.Policy:
    """``policy`` with HEADER_CLASSES as its header factory."""
    if policy.header_factory is HEADER_CLASSES:
        return policy
    return policy.clone(header_factory=HEADER_CLASSES)
