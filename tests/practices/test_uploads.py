import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from practices import services
from practices.models import Practice, PracticeAttachment
from practices.services import NewAttachment
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def form_data(**extra):
    return {"title": "Mit Anhang", "summary": "Kurz.", "links": "", **extra}


def test_valid_image_and_document_are_stored(role_users, client_for, settings):
    client = client_for(role_users["representative"])

    response = client.post(
        reverse("practices:create"),
        form_data(
            image=SimpleUploadedFile("tasche.png", png_bytes(), content_type="image/png"),
            image_title="Die rote Tasche",
            document=SimpleUploadedFile("flyer.pdf", PDF, content_type="application/pdf"),
            document_title="Flyer",
        ),
    )

    assert response.status_code == 302
    kinds = dict(PracticeAttachment.objects.values_list("kind", "content_type"))
    assert kinds == {"image": "image/png", "document": "application/pdf"}
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("document", "flyer.pdf", b"MZ\x90\x00 not a pdf at all", "Dateityp"),
        ("document", "tool.exe", b"MZ\x90\x00\x03\x00", "Dateityp"),
        ("image", "bild.png", PDF, "Dateityp"),
        ("image", "bild.pdf", None, "Dateityp"),
    ],
)
def test_wrong_type_is_refused_and_nothing_is_saved(
    field, name, content, message, role_users, client_for, settings
):
    client = client_for(role_users["representative"])
    upload = SimpleUploadedFile(name, content if content is not None else png_bytes())

    response = client.post(
        reverse("practices:create"), form_data(**{field: upload, "image_title": "Bild"})
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Practice.objects.exists()
    assert not PracticeAttachment.objects.exists()
    assert stored_files(settings) == []


def test_too_large_file_is_refused_on_edit_and_nothing_changes(
    role_users, client_for, settings, municipality
):
    settings.UPLOAD_MAX_BYTES = 1000
    practice = IndexedPracticeFactory(
        municipalities=[municipality], status="draft", title="Vorher", published_at=None
    )
    client = client_for(role_users["representative"])

    response = client.post(
        reverse("practices:edit", args=[practice.slug]),
        form_data(
            title="Nachher",
            document=SimpleUploadedFile("gross.pdf", PDF + b"0" * 2000),
        ),
    )

    practice.refresh_from_db()
    assert response.status_code == 200
    assert "zu groß" in response.content.decode()
    assert practice.title == "Vorher"
    assert not PracticeAttachment.objects.exists()
    assert stored_files(settings) == []


def test_failure_after_storing_removes_the_files(role_users, settings, monkeypatch):
    def broken_index(**kwargs):
        raise RuntimeError("index down")

    monkeypatch.setattr(services, "search_index_update", broken_index)
    upload = SimpleUploadedFile("flyer.pdf", PDF)

    with pytest.raises(RuntimeError):
        services.practice_create(
            user=role_users["representative"],
            fields={"title": "Halb", "summary": "Kurz."},
            municipalities=[],
            attachments=[NewAttachment("document", upload, "Flyer", "application/pdf")],
        )

    assert not Practice.objects.exists()
    assert not PracticeAttachment.objects.exists()
    assert stored_files(settings) == []
