"""Personal data that the apps above members keep about a person.

members owns the data export and the account deletion, but sits below meetings and practices
and may not import them. Each of those apps registers what it keeps about a person in its
``AppConfig.ready``: a function that exports it and one that erases it.

Both take ``user`` and ``representative_ids`` (the person's representative rows, current and
former). ``export`` returns something JSON can hold. ``erase`` (if any) runs inside the deletion's
transaction, after members anonymised the representative rows and before the user row is
deleted, so that it can still find what belongs to the person.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalData:
    # The key of this part in the data export, e.g. "meetings".
    name: str
    export: Callable[..., object]
    # None when the person's rows go with the user row or the anonymised representative.
    erase: Callable[..., None] | None = None


_registered: dict[str, PersonalData] = {}


def personal_data_register(*, name: str, export, erase=None) -> None:
    _registered[name] = PersonalData(name=name, export=export, erase=erase)


def personal_data_export(*, user, representative_ids: list[int]) -> dict:
    return {
        part.name: part.export(user=user, representative_ids=representative_ids)
        for part in _registered.values()
    }


def personal_data_erase(*, user, representative_ids: list[int]) -> None:
    for part in _registered.values():
        if part.erase is not None:
            part.erase(user=user, representative_ids=representative_ids)
