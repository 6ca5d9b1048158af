"""Checks for uploaded images and documents: size, extension and the file's real type."""

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Extension -> MIME type that the file's first bytes must show.
IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
HEADER_BYTES = 8192


def allowed_types(kind: str) -> dict[str, str]:
    return IMAGE_TYPES if kind == "image" else DOCUMENT_TYPES


def validate_upload(upload, *, kind: str) -> str:
    """Return the checked MIME type or raise ValidationError with a message for the form."""
    types = allowed_types(kind)
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s). Files may be at most %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    expected = types.get(extension)
    upload.seek(0)
    header = upload.read(HEADER_BYTES)
    upload.seek(0)
    guessed = filetype.guess(header)
    if expected is None or guessed is None or guessed.mime != expected:
        raise ValidationError(
            _("This file type is not accepted. Allowed are: %(types)s.")
            % {"types": ", ".join(sorted({ext.upper() for ext in types}))},
            code="wrong_type",
        )
    return expected
