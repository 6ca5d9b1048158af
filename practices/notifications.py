"""Messages to the people behind a good-practice example.

Each function stands for one event and is called by practices.services after the change.
They deliberately do nothing yet: they are the single place where the portal's mail
outbox will be connected, so the services need not change then.
"""


def practice_status_changed(*, practice, old_status: str, comment: str = "", actor=None) -> None:
    """The author is told that their example was submitted, sent back, published or archived."""


def practice_adopted(*, adoption) -> None:
    """The municipalities behind an example are told that another one took it up."""
