import pytest
from django.urls import reverse

from tests import factories
from tests.meetings.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def cache_directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("url_name", ["home", "meetings:list", "members:profile"])
def test_pages_for_logged_in_users_are_private_and_not_stored(
    url_name, client, representative_user
):
    client.force_login(representative_user)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_personal_data_export_is_private_and_not_stored(client, representative_user):
    client.force_login(representative_user)

    response = client.get(reverse("members:data_export"))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_meeting_document_download_is_private_and_not_stored(
    client, representative_user, municipality
):
    document = DocumentFactory(meeting=factories.MeetingFactory(host=municipality))
    client.force_login(representative_user)

    response = client.get(reverse("meetings:document", args=[document.meeting_id, document.pk]))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_public_pages_for_visitors_stay_cacheable(client):
    response = client.get(reverse("home"))

    assert "no-store" not in cache_directives(response)
