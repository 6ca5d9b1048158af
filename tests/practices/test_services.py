import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import OutgoingMessage
from practices import services
from practices.models import Practice
from tests.factories import AgendaItemFactory, RepresentativeFactory, UserFactory
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def main_contact(municipality):
    """Werdohl's main contact, who reads English."""
    user = UserFactory(
        email="chef@example.org", first_name="Chris", last_name="Chef", language="en"
    )
    return RepresentativeFactory(
        municipality=municipality, user=user, email=user.email, is_main_contact=True
    )


def mails(kind):
    """The outbox rows of one kind, by recipient address."""
    return {
        message.recipient_email: message
        for message in OutgoingMessage.objects.filter(kind=kind).order_by("id")
    }


def test_each_review_step_mails_the_people_it_concerns(role_users, municipality, main_contact):
    author = role_users["representative"]
    staff = role_users["staff"]
    practice = services.practice_create(
        user=author, fields={"title": "Willkommenstasche", "summary": "Kurz."}, municipalities=[]
    )

    services.practice_submit(practice=practice, user=author)
    submitted = mails("practice_submitted")
    # The reviewers are the agency's staff group (a superuser outside it is not one).
    assert set(submitted) == {"staff@example.org"}
    assert submitted["staff@example.org"].subject == (
        "Neues Praxisbeispiel zur Prüfung: Willkommenstasche"
    )
    assert "(Werdohl) hat das Praxisbeispiel „Willkommenstasche“" in (
        submitted["staff@example.org"].body_text
    )

    services.practice_request_changes(practice=practice, user=staff, comment="Bitte Fotos.")
    changes = mails("practice_changes_requested")
    assert set(changes) == {"vertretung@example.org", "chef@example.org"}
    german, english = changes["vertretung@example.org"], changes["chef@example.org"]
    assert german.subject == "Bitte überarbeiten Sie Ihr Praxisbeispiel: Willkommenstasche"
    assert "Bitte Fotos." in german.body_text
    assert "Bitte Fotos." in german.body_html
    assert german.recipient_user == author
    assert english.language == "en"
    assert english.subject == "Please revise your good-practice example: Willkommenstasche"
    assert english.recipient_label == main_contact.full_name

    services.practice_submit(practice=practice, user=author)
    assert OutgoingMessage.objects.filter(kind="practice_submitted").count() == 2

    services.practice_publish(practice=practice, user=staff)
    published = mails("practice_published")
    assert set(published) == {"vertretung@example.org", "chef@example.org"}
    assert published["vertretung@example.org"].subject == (
        "Ihr Praxisbeispiel wurde veröffentlicht: Willkommenstasche"
    )
    assert f"/praxisbeispiele/{practice.slug}/" in published["vertretung@example.org"].body_text

    services.practice_archive(practice=practice, user=staff, comment="Veraltet.")
    archived = mails("practice_archived")
    assert set(archived) == {"vertretung@example.org", "chef@example.org"}
    assert "Veraltet." in archived["vertretung@example.org"].body_text
    # Nobody is told of their own action: staff got only the two submissions.
    assert set(
        OutgoingMessage.objects.filter(recipient_email="staff@example.org").values_list(
            "kind", flat=True
        )
    ) == {"practice_submitted"}
    assert practice.status == Practice.Status.ARCHIVED


def test_a_practice_staff_entered_goes_to_the_main_contacts_of_its_municipalities(
    role_users, municipality, main_contact
):
    practice = IndexedPracticeFactory(municipalities=[municipality], status="submitted")

    services.practice_publish(practice=practice, user=role_users["staff"])

    assert set(mails("practice_published")) == {"chef@example.org"}


def test_a_review_mail_is_written_with_the_change_or_not_at_all(role_users, municipality):
    practice = IndexedPracticeFactory(municipalities=[municipality], status="submitted")

    with pytest.raises(ValidationError):
        services.practice_request_changes(
            practice=practice, user=role_users["staff"], comment="   "
        )

    assert not OutgoingMessage.objects.exists()


def test_representative_cannot_publish_even_through_the_service(role_users, municipality):
    practice = IndexedPracticeFactory(municipalities=[municipality], status="submitted")

    with pytest.raises(PermissionDenied):
        services.practice_publish(practice=practice, user=role_users["representative"])


def test_adoption_mails_the_main_contacts_once_and_refuses_duplicates(
    role_users, municipality, main_contact
):
    practice = IndexedPracticeFactory(municipalities=[municipality], title="Willkommenstasche")
    user = role_users["other_representative"]

    services.adoption_create(practice=practice, user=user, note="Gut.")
    with pytest.raises(ValidationError):
        services.adoption_create(practice=practice, user=user, note="Doppelt.")

    (mail,) = OutgoingMessage.objects.filter(kind="practice_adopted")
    assert mail.recipient_email == "chef@example.org"
    assert mail.subject == "Olpe has adopted your good-practice example: Willkommenstasche"
    assert "Gut." in mail.body_text
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
