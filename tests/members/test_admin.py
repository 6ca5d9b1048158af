import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Municipality, PortalInvitation
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db


def _members(count):
    district = DistrictFactory()
    network = NetworkFactory()
    for _ in range(count):
        municipality = MunicipalityFactory(district=district)
        NetworkMembershipFactory(network=network, municipality=municipality)
        RepresentativeFactory(municipality=municipality)


def _queries_for(client, url):
    client.get(url)  # warm up session and permission caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_municipality_changelist",
        "admin:members_representative_changelist",
        "admin:members_networkmembership_changelist",
        "admin:members_portalinvitation_changelist",
    ],
)
def test_admin_list_query_count_is_constant(url_name, staff_user, client_for):
    client = client_for(staff_user)
    url = reverse(url_name)
    _members(1)
    small = _queries_for(client, url)

    _members(49)
    large = _queries_for(client, url)

    assert small == large


@pytest.mark.parametrize(("role", "status"), [("representative", 302), ("staff", 200)])
def test_admin_lists_need_staff(role, status, role_users, client_for):
    response = client_for(role_users[role]).get(reverse("admin:members_municipality_changelist"))

    assert response.status_code == status


def test_admin_search_by_ags_and_email(staff_user, client_for):
    werdohl = MunicipalityFactory(name="Werdohl", ags="05962060")
    MunicipalityFactory(name="Olpe", ags="05966024")
    RepresentativeFactory(municipality=werdohl, email="suche@example.org")
    client = client_for(staff_user)

    by_ags = client.get(reverse("admin:members_municipality_changelist"), {"q": "05962060"})
    by_email = client.get(
        reverse("admin:members_representative_changelist"), {"q": "suche@example.org"}
    )

    assert [m.name for m in by_ags.context["cl"].result_list] == ["Werdohl"]
    assert [r.email for r in by_email.context["cl"].result_list] == ["suche@example.org"]


def test_admin_action_invites_selected_representatives(
    staff_user, client_for, municipality, eager_celery, django_capture_on_commit_callbacks
):
    first = RepresentativeFactory(municipality=municipality, email="eins@example.org")
    second = RepresentativeFactory(municipality=municipality, email="zwei@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_user).post(
            reverse("admin:members_representative_changelist"),
            {"action": "invite_selected", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert PortalInvitation.objects.filter(representative__in=[first, second]).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "eins@example.org",
        "zwei@example.org",
    ]
    assert "2 Einladungen werden versendet" in response.content.decode()


def test_admin_import_previews_then_confirms(staff_user, client_for):
    DistrictFactory(name="Märkischer Kreis", ags_prefix="05962")
    client = client_for(staff_user)
    upload = SimpleUploadedFile(
        "kommunen.csv",
        (
            "ags,name,kind,district,population\n05962060,Werdohl,Stadt,Märkischer Kreis,17000\n"
        ).encode(),
        content_type="text/csv",
    )
    form = client.get(reverse("admin:members_municipality_import")).context["form"]
    csv_format = next(
        value for value, label in form.fields["format"].choices if str(label).lower() == "csv"
    )

    preview = client.post(
        reverse("admin:members_municipality_import"),
        {"import_file": upload, "format": csv_format, "resource": 0},
    )

    assert preview.status_code == 200
    assert "Werdohl" in preview.content.decode()
    assert not Municipality.objects.exists()
    confirm = preview.context["confirm_form"]
    confirmed = client.post(
        reverse("admin:members_municipality_process_import"),
        {
            name: field.initial if field.initial is not None else confirm.initial.get(name)
            for name, field in confirm.fields.items()
        },
    )
    assert confirmed.status_code == 302
    assert Municipality.objects.get(ags="05962060").name == "Werdohl"


def test_admin_import_with_bad_row_shows_row_errors(staff_user, client_for):
    DistrictFactory(name="Märkischer Kreis", ags_prefix="05962")
    client = client_for(staff_user)
    upload = SimpleUploadedFile(
        "kommunen.csv",
        (
            "ags,name,kind,district,population\n"
            "05962060,Werdohl,Stadt,Märkischer Kreis,17000\n"
            "05962XYZ,Kaputt,Stadt,Märkischer Kreis,1\n"
        ).encode(),
        content_type="text/csv",
    )
    form = client.get(reverse("admin:members_municipality_import")).context["form"]
    csv_format = next(
        value for value, label in form.fields["format"].choices if str(label).lower() == "csv"
    )

    preview = client.post(
        reverse("admin:members_municipality_import"),
        {"import_file": upload, "format": csv_format, "resource": 0},
    )

    assert preview.status_code == 200
    assert preview.context["result"].has_validation_errors()
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert not Municipality.objects.exists()
