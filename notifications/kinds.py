"""The registry of mail kinds. Domain apps register theirs; this app knows none of them.

A kind says how to produce its mails:

- ``template_base``: ``templates/notifications/<base>_subject.txt``, ``<base>.txt`` and
  ``<base>.html``.
- ``sample_context``: a realistic context for the staff preview (rendered, never sent).
- ``recipients`` (kinds sent through a ``Mailing``): given pending mailings, the recipients
  of each, as ``MailingRecipient`` rows; called off the request path by the expansion task.
- ``contents`` (kinds rendered at send time): given queued messages, the template context,
  attachments and headers of each; called by the sending worker, once per batch.

Register in the domain app's ``AppConfig.ready`` (or a module it imports), e.g.
``kinds.register(MessageKind(name="invitation", label=_("Invitation"), ...))``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class MessageAttachment:
    filename: str
    content: bytes | str
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class MessageContent:
    """What one message is rendered from: its template context, attachments and headers."""

    context: dict
    attachments: list[MessageAttachment] = field(default_factory=list)
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MailingRecipient:
    """One recipient of a mailing, as the expansion writes its ``OutgoingMessage``."""

    email: str
    idempotency_key: str
    language: str | None = None
    label: str = ""
    user_id: int | None = None
    # What the mail is about (default: the mailing's): a model instance, or, to spare
    # building instances for thousands of rows, its model class and id.
    about: Any = None
    about_model: Any = None
    about_id: int | None = None
    params: dict = field(default_factory=dict)
    reminder_offset_days: int | None = None
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MessageKind:
    name: str
    label: str | Promise
    sample_context: Callable[[], dict]
    template_base: str = ""
    # mailings (in one batch) → {mailing id: [MailingRecipient, ...]}
    recipients: Callable[[list], dict[int, Iterable[MailingRecipient]]] | None = None
    # messages (in one batch) → {message id: MessageContent}; a missing id or an exception
    # for one message marks that message failed.
    contents: Callable[[list], dict[int, MessageContent]] | None = None

    @property
    def base(self) -> str:
        return self.template_base or self.name


_KINDS: dict[str, MessageKind] = {}


def register(kind: MessageKind) -> MessageKind:
    """Add a kind; registering the same name twice with a different kind is a mistake."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"Mail kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> MessageKind | None:
    return _KINDS.get(name)


def all_kinds() -> list[MessageKind]:
    """Every registered kind, in the order of registration."""
    return list(_KINDS.values())


def kind_label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind is not None else name


def sample_context(name: str) -> dict:
    """A realistic context for the preview of ``name`` (KeyError when not registered)."""
    return _KINDS[name].sample_context()
