"""Serving uploaded files from STORAGES["default"] after the view has checked who may see them.

Local disk: the file is streamed by Django (no /media/ URL exists in production). S3-compatible
storage: a redirect to a signed address valid for a few minutes, with the same headers.
Only raster images are shown inline; everything else downloads with a neutral type where the
type is not one the portal accepts, so no upload can run as a page of the portal.
"""

from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

SIGNED_URL_SECONDS = 300
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
DOWNLOAD_TYPES = INLINE_TYPES | {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "text/plain",
    "text/csv",
}


def _signs_urls(storage) -> bool:
    # django-storages' S3 backend signs addresses (querystring_auth); local disk has none.
    return bool(getattr(storage, "querystring_auth", False))


def stored_file_response(file, *, content_type: str, inline: bool = False):
    """The response for a FieldFile the caller has already allowed the viewer to see."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    inline = inline and content_type in INLINE_TYPES
    if content_type not in DOWNLOAD_TYPES:
        content_type = "application/octet-stream"
    filename = file.name.rsplit("/", 1)[-1]
    if _signs_urls(file.storage):
        url = file.storage.url(
            file.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition_header(not inline, filename),
            },
            expire=SIGNED_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type
        )
        # An uploaded file never runs scripts or loads anything, even if opened directly.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
