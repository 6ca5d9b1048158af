import email.policy
import re
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader

from django.core.mail import EmailMultiAlternatives

from notifications.mail import (
    BOUNDARY_PREFIX,
    HEADER_CLASSES,
    FoldKeepingHeader,
    HeaderClasses,
    OutboxEmail,
)

BOUNDARY = re.compile(rb'boundary="([^"]+)"')


def _build(email_class, body="Guten Tag Frau Müller,\n\nbitte antworten Sie bis Freitag.\n"):
    message = email_class(
        subject="Einladung: Runder Tisch „Willkommen in Südwestfalen“ – 3. Dezember",
        body=body,
        from_email="Runder Tisch <runder-tisch@example.org>",
        to=["Erika Müller <erika@example.org>"],
        reply_to=["Büro <buero@example.org>", "agentur@example.org"],
        headers={
            "Message-ID": "<invitation-1@example.org>",
            "Date": "Tue, 01 Dec 2026 18:00:00 +0000",
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": "<https://portal.example.org/benachrichtigungen/abmelden/x/>",
        },
    )
    message.attach_alternative("<p>Guten Tag Frau Müller,</p>", "text/html")
    message.attach("einladung.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    return message.message(policy=email.policy.SMTP).as_bytes()


def _with_fixed_boundaries(payload: bytes) -> bytes:
    # The MIME boundaries are random; everything else must match byte for byte.
    for index, boundary in enumerate(dict.fromkeys(BOUNDARY.findall(payload))):
        payload = payload.replace(boundary, b"BOUNDARY-%d" % index)
    return payload


def test_outbox_email_bytes_equal_djangos_for_text_html_attachment_and_umlauts():
    ours = _with_fixed_boundaries(_build(OutboxEmail))
    djangos = _with_fixed_boundaries(_build(EmailMultiAlternatives))

    assert b"BOUNDARY-1" in ours  # the alternative part nested in the mixed one
    assert ours == djangos


def test_outbox_email_builds_each_header_class_once_per_name():
    first = OutboxEmail(subject="a", body="b", to=["x@example.org"]).message()
    second = OutboxEmail(subject="c", body="d", to=["y@example.org"]).message()

    assert type(first["Subject"]) is type(second["Subject"])
    assert type(first["To"]) is type(second["To"])
    assert first.policy.header_factory is HEADER_CLASSES


def test_header_classes_match_the_registry_and_follow_a_new_mapping():
    registry = HeaderClasses()
    kept = registry["X-Portal"]
    assert registry["x-portal"] is kept
    assert issubclass(kept, UnstructuredHeader)
    assert kept.__mro__[1] is HeaderRegistry()["X-Portal"].__mro__[1]
    assert issubclass(kept, FoldKeepingHeader)
    assert issubclass(FoldKeepingHeader, BaseHeader)
    before = registry("X-Portal", "Runder Tisch")

    class PortalHeader(UnstructuredHeader):
        pass

    registry.map_to_type("X-Portal", PortalHeader)

    assert issubclass(registry["X-Portal"], PortalHeader)
    # Headers parsed under the old mapping are not handed out any more.
    assert isinstance(registry("X-Portal", "Runder Tisch"), PortalHeader)
    assert not isinstance(before, PortalHeader)


def test_outbox_email_shares_header_objects_of_equal_values_between_messages():
    first = OutboxEmail(subject="Einladung", body="a", to=["x@example.org"]).message()
    second = OutboxEmail(subject="Einladung", body="b", to=["y@example.org"]).message()

    assert first["Subject"] is second["Subject"]
    assert first["To"] is not second["To"]
    assert str(second["To"]) == "y@example.org"


def test_outbox_email_bytes_stay_equal_to_djangos_when_headers_are_reused():
    # The second and third builds take every shared header and its fold from the kept ones.
    first, second, third = (_with_fixed_boundaries(_build(OutboxEmail)) for _ in range(3))
    djangos = _with_fixed_boundaries(_build(EmailMultiAlternatives))

    assert first == second == third == djangos


def test_a_kept_header_folds_again_for_a_policy_with_other_settings():
    subject = "Einladung zum Runden Tisch „Willkommen in Südwestfalen“ " * 3
    header = HEADER_CLASSES("Subject", subject)
    wide = email.policy.SMTP.clone(header_factory=HEADER_CLASSES, max_line_length=998)
    narrow = email.policy.SMTP.clone(header_factory=HEADER_CLASSES, max_line_length=40)
    plain = HeaderRegistry()("Subject", subject)

    assert header.fold(policy=wide) == plain.fold(policy=wide)
    assert header.fold(policy=narrow) == plain.fold(policy=narrow)
    assert header.fold(policy=narrow) != header.fold(policy=wide)


def _parts(payload: bytes) -> list[tuple[str, str]]:
    parsed = email.message_from_bytes(payload, policy=email.policy.default)
    return [
        # The SMTP policy writes CRLF line ends.
        (part.get_content_type(), part.get_content().replace("\r\n", "\n"))
        for part in parsed.walk()
        if not part.is_multipart()
    ]


def test_outbox_email_takes_the_processs_boundaries_and_shares_their_headers():
    first = OutboxEmail(subject="a", body="b", to=["x@example.org"])
    first.attach_alternative("<p>b</p>", "text/html")
    first.attach("einladung.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    second = OutboxEmail(subject="c", body="d", to=["y@example.org"])
    second.attach_alternative("<p>d</p>", "text/html")
    second.attach("einladung.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    one, two = first.message(policy=email.policy.SMTP), second.message(policy=email.policy.SMTP)

    boundaries = [part.get_boundary() for part in one.walk() if part.is_multipart()]
    assert boundaries == [f"{BOUNDARY_PREFIX}00==", f"{BOUNDARY_PREFIX}01=="]
    assert one["Content-Type"] is two["Content-Type"]
    assert _parts(one.as_bytes()) == [
        ("text/plain", "b\n"),
        ("text/html", "<p>b</p>\n"),
        ("text/calendar", "BEGIN:VCALENDAR\nEND:VCALENDAR\n"),
    ]


def test_a_message_containing_the_boundary_prefix_gets_random_boundaries_and_stays_whole():
    # The prefix can be read in any mail sent; a text quoting it must not split its message.
    body = f"Zitat:\n--{BOUNDARY_PREFIX}00==\nContent-Type: text/html\n\n<p>fremd</p>\n"
    payload = _build(OutboxEmail, body=body)

    assert BOUNDARY_PREFIX.encode() + b'00=="' not in payload
    parts = _parts(payload)
    assert [content_type for content_type, _content in parts] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert parts[0][1] == body
    assert _with_fixed_boundaries(payload) == _with_fixed_boundaries(
        _build(EmailMultiAlternatives, body=body)
    )
