import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from meetings.models import Invitation
from members.models import PortalInvitation, Representative, User
from members.permissions import current_representative, visible_contact_fields
from tests.factories import (
    PASSWORD,
    HeldMeetingFactory,
    InvitationFactory,
    RepresentativeFactory,
)
from tests.members.factories import PortalInvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_person(municipality):
    return RepresentativeFactory(
        municipality=municipality,
        first_name="Petra",
        last_name="Privat",
        email="petra@example.org",
        phone="+49 2392 999",
        show_email=False,
        show_phone=False,
    )


@pytest.fixture
def open_person(municipality):
    return RepresentativeFactory(
        municipality=municipality,
        first_name="Otto",
        last_name="Offen",
        email="otto@example.org",
        phone="+49 2392 111",
        show_email=True,
        show_phone=True,
    )


@pytest.mark.parametrize(
    ("role", "private_visible", "open_visible"),
    [
        ("anonymous", set(), set()),
        ("other_representative", set(), {"email", "phone"}),
        ("representative", set(), {"email", "phone"}),
        ("staff", {"email", "phone"}, {"email", "phone"}),
        ("admin", {"email", "phone"}, {"email", "phone"}),
    ],
)
def test_visible_contact_fields_per_role(
    role, private_visible, open_visible, role_users, private_person, open_person
):
    viewer = role_users[role] or AnonymousUser()

    assert visible_contact_fields(viewer, private_person) == private_visible
    assert visible_contact_fields(viewer, open_person) == open_visible


def test_person_sees_own_hidden_contact_fields(representative_user):
    own = current_representative(representative_user)
    own.show_email = own.show_phone = False

    assert visible_contact_fields(representative_user, own) == {"email", "phone"}


def test_municipality_page_hides_hidden_fields_from_other_members(
    municipality, private_person, open_person, other_representative_user, staff_user, client_for
):
    url = reverse("members:municipality_detail", args=[municipality.slug])

    member_page = client_for(other_representative_user).get(url).content.decode()
    staff_page = client_for(staff_user).get(url).content.decode()

    assert "otto@example.org" in member_page and "+49 2392 111" in member_page
    assert "petra@example.org" not in member_page and "+49 2392 999" not in member_page
    assert "petra@example.org" in staff_page and "+49 2392 999" in staff_page


def test_profile_saves_contact_visibility_and_language(representative_user, client_for):
    client = client_for(representative_user)

    response = client.post(
        reverse("members:profile"),
        {
            "contact-salutation": "ms",
            "contact-title": "Dr.",
            "contact-first_name": "Wiebke",
            "contact-last_name": "Werdohl",
            "contact-job_title": "Stadtmarketing",
            "contact-email": "kontakt@werdohl.example",
            "contact-phone": "+49 2392 1",
            "contact-show_phone": "on",
            "account-language": "en",
        },
    )

    assert response.status_code == 302
    representative = Representative.objects.get(user=representative_user)
    assert representative.first_name == "Wiebke"
    assert representative.email == "kontakt@werdohl.example"
    assert representative.show_phone is True
    assert representative.show_email is False
    representative_user.refresh_from_db()
    assert representative_user.language == "en"


def test_profile_with_bad_input_keeps_the_data(representative_user, client_for):
    response = client_for(representative_user).post(
        reverse("members:profile"),
        {
            "contact-first_name": "Wiebke",
            "contact-last_name": "",
            "contact-email": "keine-adresse",
            "account-language": "de",
        },
    )

    assert response.status_code == 200
    form = response.context["contact_form"]
    assert "last_name" in form.errors and "email" in form.errors
    content = response.content.decode()
    assert 'value="Wiebke"' in content
    assert (
        'aria-describedby="id_contact-email_error' in content or "id_contact-email_error" in content
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("other_representative", 200),
        ("representative", 200),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_profile_and_export_permissions(role, status, role_users, client_for):
    client = client_for(role_users[role])

    assert client.get(reverse("members:profile")).status_code == status
    assert client.get(reverse("members:data_export")).status_code == status
    assert client.get(reverse("members:account_delete")).status_code == status


def test_data_export_contains_own_data_only(
    representative_user, other_representative_user, client_for
):
    own = current_representative(representative_user)
    meeting = HeldMeetingFactory(title="Exporttreffen")
    InvitationFactory(meeting=meeting, representative=own, attended=True, note="Komme später")
    PortalInvitationFactory(representative=own)

    response = client_for(representative_user).get(reverse("members:data_export"))

    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == representative_user.email
    assert data["representatives"][0]["municipality"] == "Werdohl"
    assert data["meetings"]["invitations"][0]["note"] == "Komme später"
    assert data["meetings"]["invitations"][0]["attended"] is True
    assert len(data["portal_invitations"]) == 1
    assert other_representative_user.email not in response.content.decode()


def test_account_deletion_needs_the_password(representative_user, client_for):
    response = client_for(representative_user).post(
        reverse("members:account_delete"), {"password": "falsch"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.filter(pk=representative_user.pk).exists()


def test_account_deletion_anonymises_and_keeps_meeting_history(
    representative_user, staff_user, client_for
):
    own = current_representative(representative_user)
    meeting = HeldMeetingFactory(title="Historisches Treffen")
    invitation = InvitationFactory(
        meeting=meeting, representative=own, attended=True, note="Privat"
    )
    PortalInvitationFactory(representative=own)
    client = client_for(representative_user)

    response = client.post(reverse("members:account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(email="vertretung@example.org").exists()
    own.refresh_from_db()
    assert own.user is None
    assert own.email == "" and own.phone == "" and own.first_name == "" and own.last_name == ""
    assert own.ends_on is not None and own.anonymised_at is not None
    assert own.full_name == "Ehemalige Vertretung von Werdohl"
    invitation.refresh_from_db()
    assert invitation.attended is True and invitation.note == ""
    assert not PortalInvitation.objects.filter(representative=own).exists()
    assert Invitation.objects.filter(meeting=meeting).count() == 1
    assert not client.get(reverse("home")).context["user"].is_authenticated
    staff_view = client_for(staff_user).get(
        reverse("members:municipality_detail", args=["werdohl"])
    )
    assert "vertretung@example.org" not in staff_view.content.decode()


def test_deleted_account_no_longer_listed_as_current_contact(
    representative_user, other_representative_user, client_for
):
    client_for(representative_user).post(reverse("members:account_delete"), {"password": PASSWORD})

    page = client_for(other_representative_user).get(
        reverse("members:municipality_detail", args=["werdohl"])
    )

    assert page.context["page"].contacts == []


@pytest.mark.parametrize("how", ["delete view", "list action"])
def test_deleting_a_user_in_the_admin_anonymises_their_representative_rows(
    how, representative_user, admin_user, client_for
):
    own = Representative.objects.get(user=representative_user)
    admin = client_for(admin_user)
    if how == "delete view":
        response = admin.post(
            reverse("admin:members_user_delete", args=[representative_user.pk]), {"post": "yes"}
        )
    else:
        response = admin.post(
            reverse("admin:members_user_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [representative_user.pk],
                "post": "yes",
            },
        )

    assert response.status_code == 302
    assert not User.objects.filter(pk=representative_user.pk).exists()
    own.refresh_from_db()
    assert own.user is None and own.anonymised_at is not None
    assert own.email == "" and own.first_name == "" and own.last_name == ""
