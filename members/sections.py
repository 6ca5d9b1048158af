"""Sections that higher apps add to the pages of members (a municipality, a network).

members sits below meetings and practices, so it cannot ask them for "the meetings this
municipality hosted". Instead each of those apps registers a provider in its
``AppConfig.ready``; the page view asks every provider for its section. A provider takes
keyword arguments (``municipality`` or ``network``, and ``viewer``) and returns a
``PageSection`` or None, reading through its own app's selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

MUNICIPALITY = "municipality"
NETWORK = "network"


@dataclass(frozen=True)
class PageSection:
    template: str
    context: dict = field(default_factory=dict)
    # Sections are shown in this order (then in registration order).
    order: int = 100


_providers: dict[str, list[Callable[..., PageSection | None]]] = {MUNICIPALITY: [], NETWORK: []}


def section_register(*, page: str, provider: Callable[..., PageSection | None]) -> None:
    if provider not in _providers[page]:
        _providers[page].append(provider)


def sections_for(*, page: str, **subject) -> list[PageSection]:
    sections = [provider(**subject) for provider in _providers[page]]
    return sorted((section for section in sections if section), key=lambda item: item.order)
