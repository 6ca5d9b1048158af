import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Municipality
from members.selectors import municipalities_for_directory
from tests.factories import (
    DistrictFactory,
    HeldMeetingFactory,
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    PracticeFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLE_STATUS = [
    ("anonymous", 302),
    ("other_representative", 200),
    ("representative", 200),
    ("staff", 200),
    ("admin", 200),
]


@pytest.mark.parametrize(("role", "status"), ROLE_STATUS)
def test_directory_permissions(role, status, role_users, client_for):
    response = client_for(role_users[role]).get(reverse("members:directory"))

    assert response.status_code == status
    if status == 302:
        assert reverse("account_login") in response["Location"]


def test_directory_refuses_account_without_member(client_for):
    response = client_for(UserFactory()).get(reverse("members:directory"))

    assert response.status_code == 403


def test_directory_groups_by_district_and_filters(representative_user, client_for):
    soest = DistrictFactory(name="Kreis Soest")
    olpe = DistrictFactory(name="Kreis Olpe")
    MunicipalityFactory(name="Lippstadt", district=soest)
    attendorn = MunicipalityFactory(name="Attendorn", district=olpe)
    smart = NetworkFactory(name="Smart Cities")
    NetworkMembershipFactory(network=smart, municipality=attendorn)
    client = client_for(representative_user)

    everything = client.get(reverse("members:directory")).content.decode()
    by_district = client.get(reverse("members:directory"), {"district": soest.pk})
    by_network = client.get(reverse("members:directory"), {"network": smart.pk})
    by_search = client.get(reverse("members:directory"), {"q": "attend"})

    assert "Kreis Olpe" in everything and "Kreis Soest" in everything
    assert everything.index("Kreis Olpe") < everything.index("Attendorn")
    assert [m.name for m in by_district.context["page"].object_list] == ["Lippstadt"]
    assert [m.name for m in by_network.context["page"].object_list] == ["Attendorn"]
    assert [m.name for m in by_search.context["page"].object_list] == ["Attendorn"]


def test_directory_lists_members_without_district_last_across_page_boundaries(
    representative_user,
):
    """The listing reads members with and without a district apart; every slice, also one
    that spans both parts, is the order of one sort by district name, then name."""
    soest = DistrictFactory(name="Kreis Soest")
    olpe = DistrictFactory(name="Kreis Olpe")
    for name, district in [
        ("Werl", soest),
        ("Attendorn", olpe),
        ("Lippstadt", soest),
        ("Olpe", olpe),
        ("Zweckverband", None),
        ("Agentur", None),
    ]:
        MunicipalityFactory(name=name, district=district)
    MunicipalityFactory(name="Ehemals", district=soest, is_active=False)
    expected = sorted(
        Municipality.objects.filter(is_active=True).select_related("district"),
        key=lambda m: (m.district is None, m.district.name if m.district else "", m.name),
    )

    listing = municipalities_for_directory()

    assert listing.count() == len(expected)
    names = [m.name for m in expected]
    assert names[-2:] == ["Agentur", "Zweckverband"]
    for start in range(len(expected) + 1):
        for stop in range(start, len(expected) + 2):
            assert [m.name for m in listing[start:stop]] == names[start:stop], (start, stop)


def test_directory_paginates_across_members_without_district(
    representative_user, client_for, monkeypatch
):
    monkeypatch.setattr("members.views.DIRECTORY_PAGE_SIZE", 2)
    district = DistrictFactory(name="Kreis Soest")
    MunicipalityFactory(name="Werl", district=district)
    MunicipalityFactory(name="Agentur", district=None)
    client = client_for(representative_user)

    pages = [
        [
            m.name
            for m in client.get(reverse("members:directory"), {"seite": number})
            .context["page"]
            .object_list
        ]
        for number in (1, 2)
    ]

    everything = [name for page in pages for name in page]
    assert everything[-1] == "Agentur"
    assert "Werl" in everything and len(everything) == 3


def _members(count):
    district = DistrictFactory()
    network = NetworkFactory()
    for _ in range(count):
        municipality = MunicipalityFactory(district=district)
        NetworkMembershipFactory(network=network, municipality=municipality)
        RepresentativeFactory(municipality=municipality)


@pytest.mark.parametrize("count", [1, 50])
def test_directory_query_count_is_constant(count, representative_user, client_for, settings):
    _members(count)
    client = client_for(representative_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:directory"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count + 1
    # The same number at 1 and at 50 members (one of them counts for the pagination):
    # nothing is loaded per municipality. Session (sessions live in the database), user, and
    # staff group with representative row are three of them.
    assert len(queries) == 8


@pytest.mark.parametrize(("role", "status"), ROLE_STATUS)
def test_municipality_page_permissions(role, status, role_users, client_for, municipality):
    response = client_for(role_users[role]).get(
        reverse("members:municipality_detail", args=[municipality.slug])
    )

    assert response.status_code == status


def test_municipality_page_shows_networks_meetings_and_published_practices(
    municipality, other_representative_user, client_for
):
    NetworkMembershipFactory(
        network=NetworkFactory(name="Perspektive Südwestfalen 2.0"), municipality=municipality
    )
    MeetingFactory(title="Gastgebertreffen", host=municipality)
    attended = HeldMeetingFactory(title="Besuchtes Treffen")
    for _ in range(2):  # two people of the municipality attended: the meeting is listed once
        InvitationFactory(
            meeting=attended,
            representative=RepresentativeFactory(municipality=municipality),
            attended=True,
        )
    missed = HeldMeetingFactory(title="Verpasstes Treffen")
    InvitationFactory(
        meeting=missed,
        representative=RepresentativeFactory(municipality=municipality),
        attended=False,
    )
    PracticeFactory(title="Willkommenspaket", municipalities=[municipality])
    PracticeFactory(title="Entwurf Beispiel", municipalities=[municipality], status="draft")

    content = (
        client_for(other_representative_user)
        .get(reverse("members:municipality_detail", args=[municipality.slug]))
        .content.decode()
    )

    assert "Perspektive Südwestfalen 2.0" in content
    assert "Gastgebertreffen" in content
    assert content.count("Besuchtes Treffen") == 1
    assert "Verpasstes Treffen" not in content
    assert "Willkommenspaket" in content
    assert "Entwurf Beispiel" not in content


def test_invite_button_only_for_staff(municipality, staff_user, representative_user, client_for):
    RepresentativeFactory(municipality=municipality, first_name="Ohne", last_name="Konto")
    url = reverse("members:municipality_detail", args=[municipality.slug])

    staff_page = client_for(staff_user).get(url).content.decode()
    member_page = client_for(representative_user).get(url).content.decode()

    assert "Ohne Konto in das Portal einladen" in staff_page
    assert "in das Portal einladen" not in member_page


def _municipality_with_history(municipality, count):
    for _ in range(count):
        person = RepresentativeFactory(municipality=municipality)
        NetworkMembershipFactory(municipality=municipality)
        meeting = HeldMeetingFactory()
        InvitationFactory(meeting=meeting, representative=person, attended=True)
        MeetingFactory(host=municipality)
        PracticeFactory(municipalities=[municipality])


@pytest.mark.parametrize("role", ["staff", "representative"])
def test_municipality_page_query_count_is_constant(
    role, municipality, role_users, client_for, settings
):
    client = client_for(role_users[role])
    url = reverse("members:municipality_detail", args=[municipality.slug])
    _municipality_with_history(municipality, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        contacts_before = len(client.get(url).context["page"].contacts)

    _municipality_with_history(municipality, 9)
    client.get(url)  # the new data moved the content version: warm the role cache again
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    assert len(response.context["page"].contacts) == contacts_before + 9
    assert len(small) == len(large)


def test_municipality_page_reads_portal_invitations_for_staff_only(
    municipality, staff_user, representative_user, client_for
):
    RepresentativeFactory(municipality=municipality, first_name="Ohne", last_name="Konto")
    url = reverse("members:municipality_detail", args=[municipality.slug])

    def invitation_queries(user):
        with CaptureQueriesContext(connection) as queries:
            assert client_for(user).get(url).status_code == 200
        return [query for query in queries if "members_portalinvitation" in query["sql"]]

    assert len(invitation_queries(staff_user)) == 1
    assert invitation_queries(representative_user) == []


def test_municipality_page_reads_only_the_meeting_columns_its_list_shows(
    municipality, representative_user, client_for
):
    _municipality_with_history(municipality, 2)
    url = reverse("members:municipality_detail", args=[municipality.slug])

    with CaptureQueriesContext(connection) as queries:
        response = client_for(representative_user).get(url)

    assert len(response.context["page"].sections[0].context["meetings"]) == 4
    (columns,) = [
        query["sql"].split(" FROM ", 1)[0]
        for query in queries
        if query["sql"].startswith('SELECT "meetings_meeting"."id"')
    ]
    for column in ("description", "venue", "online_url", "audience"):
        assert f'"meetings_meeting"."{column}"' not in columns
