"""Practice images and documents are served through a view with the practice's access rule."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from storages.backends.s3 import S3Storage

from common.files import stored_file_response
from practices.models import PracticeAttachment
from tests import factories
from tests.security.conftest import PNG, practice_image

pytestmark = pytest.mark.django_db


def test_practice_image_shows_on_the_practice_page_with_debug_off(
    settings, client, representative_user, municipality
):
    settings.DEBUG = False
    practice = factories.PracticeFactory(municipalities=[municipality])
    image = practice_image(practice)
    client.force_login(representative_user)

    page = client.get(reverse("practices:detail", args=[practice.slug]))
    source = re.search(r'<img src="([^"]+)" alt="Ein Bild"', page.content.decode()).group(1)
    response = client.get(source)

    assert source == reverse("practices:attachment", args=[practice.slug, image.pk])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_draft_practice_files_are_not_found_for_other_municipalities(
    client, other_representative_user, municipality
):
    draft = factories.PracticeFactory(
        municipalities=[municipality], status="draft", published_at=None
    )
    image = practice_image(draft)
    client.force_login(other_representative_user)

    response = client.get(reverse("practices:attachment", args=[draft.slug, image.pk]))

    assert response.status_code == 404


def test_file_of_another_practice_is_not_found_under_this_practice(
    client, representative_user, municipality
):
    practice = factories.PracticeFactory(municipalities=[municipality])
    other = practice_image(factories.PracticeFactory(municipalities=[municipality]))
    client.force_login(representative_user)

    response = client.get(reverse("practices:attachment", args=[practice.slug, other.pk]))

    assert response.status_code == 404


def test_uploaded_html_is_downloaded_as_neutral_bytes_never_shown(
    client, representative_user, municipality
):
    practice = factories.PracticeFactory(municipalities=[municipality])
    document = PracticeAttachment.objects.create(
        practice=practice,
        kind=PracticeAttachment.Kind.DOCUMENT,
        file=SimpleUploadedFile("seite.html", b"<script>alert(1)</script>"),
        title="Seite",
        content_type="text/html",
        size=25,
    )
    client.force_login(representative_user)

    response = client.get(reverse("practices:attachment", args=[practice.slug, document.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


class StoredFile:
    """What a FileField gives a view: a name within a storage."""

    def __init__(self, name, storage):
        self.name = name
        self.storage = storage


def test_files_in_s3_storage_redirect_to_a_short_lived_signed_address():
    storage = S3Storage(
        bucket_name="portal",
        endpoint_url="http://127.0.0.1:9000",
        access_key="zugang",
        secret_key="geheim",
        region_name="eu-central-1",
        querystring_auth=True,
    )

    response = stored_file_response(
        StoredFile("practices/1/bild.png", storage), content_type="image/png", inline=True
    )

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9000/portal/practices/1/bild.png?")
    assert "X-Amz-Expires=300" in location and "X-Amz-Signature=" in location
    assert "response-content-disposition=inline" in location
    assert response["X-Content-Type-Options"] == "nosniff"
