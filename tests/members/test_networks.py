"""The network page: members with their tier, the network's meetings and practices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import NetworkMembership
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db
Role = NetworkMembership.Role


def test_network_page_lists_members_by_tier_with_meetings_and_practices(
    client_for, representative_user
):
    network = NetworkFactory(name="Smart Cities", slug="smart-cities")
    NetworkMembershipFactory(
        network=network, municipality=MunicipalityFactory(name="Arnsberg"), role=Role.MEMBER
    )
    NetworkMembershipFactory(
        network=network, municipality=MunicipalityFactory(name="Soest"), role=Role.PIONEER
    )
    MeetingFactory(title="Pioniertreffen", audience={"network_tiers": [f"{network.pk}:pioneer"]})
    MeetingFactory(title="Anderes Treffen", audience={"networks": [network.pk + 1]})
    PracticeFactory(title="Digitales Rathaus", network=network)

    page = client_for(representative_user).get(
        reverse("members:network_detail", args=["smart-cities"])
    )

    content = page.content.decode()
    assert page.status_code == 200
    assert content.index("Soest") < content.index("Arnsberg")
    assert "Pionierkommune" in content
    assert "Pioniertreffen" in content
    assert "Anderes Treffen" not in content
    assert "Digitales Rathaus" in content


def test_query_count_of_the_network_page_stays_constant(client_for, staff_user):
    network = NetworkFactory(slug="wachsend")
    client = client_for(staff_user)
    url = reverse("members:network_detail", args=["wachsend"])

    def grow():
        NetworkMembershipFactory(network=network)
        MeetingFactory(audience={"networks": [network.pk]})
        PracticeFactory(network=network)

    grow()
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(5):
        grow()
    with CaptureQueriesContext(connection) as large:
        client.get(url)

    assert len(small) == len(large)


def test_municipality_page_links_its_networks(client_for, representative_user, municipality):
    network = NetworkFactory(slug="perspektive")
    NetworkMembershipFactory(network=network, municipality=municipality)

    page = client_for(representative_user).get(
        reverse("members:municipality_detail", args=[municipality.slug])
    )

    assert reverse("members:network_detail", args=["perspektive"]) in page.content.decode()
