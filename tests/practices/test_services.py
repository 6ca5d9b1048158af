from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from practices import services
from practices.models import Practice
from tests.factories import AgendaItemFactory, RepresentativeFactory
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notify():
    with mock.patch("practices.notifications.practice_status_changed") as patched:
        yield patched


def test_each_review_step_notifies_the_author(notify, role_users, municipality):
    practice = services.practice_create(
        user=role_users["representative"],
        fields={"title": "Neu", "summary": "Kurz."},
        municipalities=[],
    )
    staff = role_users["staff"]

    services.practice_submit(practice=practice, user=role_users["representative"])
    services.practice_request_changes(practice=practice, user=staff, comment="Bitte Fotos.")
    services.practice_submit(practice=practice, user=role_users["representative"])
    services.practice_publish(practice=practice, user=staff)
    services.practice_archive(practice=practice, user=staff, comment="Veraltet.")

    calls = [(c.kwargs["old_status"], c.kwargs["comment"]) for c in notify.call_args_list]
    assert calls == [
        ("draft", ""),
        ("submitted", "Bitte Fotos."),
        ("draft", ""),
        ("submitted", ""),
        ("published", "Veraltet."),
    ]
    assert practice.status == Practice.Status.ARCHIVED


def test_representative_cannot_publish_even_through_the_service(role_users, municipality):
    practice = IndexedPracticeFactory(municipalities=[municipality], status="submitted")

    with pytest.raises(PermissionDenied):
        services.practice_publish(practice=practice, user=role_users["representative"])


def test_adoption_notifies_once_and_refuses_duplicates(role_users, municipality):
    practice = IndexedPracticeFactory(municipalities=[municipality])
    user = role_users["other_representative"]

    with mock.patch("practices.notifications.practice_adopted") as notify_adopted:
        services.adoption_create(practice=practice, user=user, note="Gut.")
        with pytest.raises(ValidationError):
            services.adoption_create(practice=practice, user=user, note="Doppelt.")

    assert notify_adopted.call_count == 1
    assert practice.adoptions.get().note == "Gut."


def test_municipality_cannot_adopt_its_own_practice(role_users, municipality):
    practice = IndexedPracticeFactory(municipalities=[municipality])

    with pytest.raises(PermissionDenied):
        services.adoption_create(practice=practice, user=role_users["representative"])


def test_practice_from_agenda_item_is_a_linked_draft(role_users, municipality):
    presenter = RepresentativeFactory(municipality=municipality)
    item = AgendaItemFactory(
        title="Werdohl stellt die Willkommenstasche vor",
        description="Eine Tasche für Neubürger.",
        presenting_municipality=municipality,
    )
    item.presenters.add(presenter)

    practice = services.practice_create_from_agenda_item(agenda_item=item, user=role_users["staff"])

    item.refresh_from_db()
    assert item.practice == practice
    assert practice.status == Practice.Status.DRAFT
    assert list(practice.municipalities.all()) == [municipality]
    assert practice.contact == presenter
    assert practice.summary == "Eine Tasche für Neubürger."
    with pytest.raises(ValidationError):
        services.practice_create_from_agenda_item(agenda_item=item, user=role_users["staff"])


def test_representative_keeps_own_municipality_on_update(role_users, municipality):
    practice = IndexedPracticeFactory(municipalities=[municipality], status="draft")

    services.practice_update(
        practice=practice,
        user=role_users["representative"],
        fields={"title": "Geändert"},
        municipalities=[],
    )

    assert list(practice.municipalities.all()) == [municipality]


def test_new_practice_never_takes_a_reserved_address(role_users, municipality):
    practice = services.practice_create(
        user=role_users["representative"],
        fields={"title": "Neu", "summary": "Kurz."},
        municipalities=[],
    )

    assert practice.slug == "neu-beispiel"
