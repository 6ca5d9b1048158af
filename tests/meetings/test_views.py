from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Document, Invitation, Meeting, Minutes
from meetings.selectors import MEETINGS_PER_PAGE
from meetings.tokens import response_token
from tests.factories import (
    AgendaItemFactory,
    HeldMeetingFactory,
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
    RepresentativeFactory,
    UserFactory,
)
from tests.meetings.factories import ActionItemFactory, DocumentFactory, MinutesFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "other_representative", "representative", "staff", "admin"]
ONLINE_URL = "https://konferenz.example.org/geheimer-raum"


@pytest.fixture
def meeting(representative_user):
    meeting = MeetingFactory(online_url=ONLINE_URL)
    AgendaItemFactory(meeting=meeting, title="Begrüßung")
    return meeting


@pytest.fixture
def invitation(meeting, representative_user):
    representative = representative_user.representatives.get()
    return InvitationFactory(meeting=meeting, representative=representative)


def _expected(role, allowed):
    if role == "anonymous":
        return 302
    return 200 if role in allowed else 403


STAFF_PAGES = [
    "meetings:edit",
    "meetings:agenda",
    "meetings:audience",
    "meetings:responses",
    "meetings:attendance",
    "meetings:minutes",
    "meetings:documents",
    "meetings:action_items",
    "meetings:cancel",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_only_for_staff(role, name, role_users, client_for, meeting):
    response = client_for(role_users[role]).get(reverse(name, args=[meeting.pk]))

    assert response.status_code == _expected(role, {"staff", "admin"})


@pytest.mark.parametrize("role", ROLES)
def test_create_page_only_for_staff(role, role_users, client_for):
    response = client_for(role_users[role]).get(reverse("meetings:create"))

    assert response.status_code == _expected(role, {"staff", "admin"})


@pytest.mark.parametrize("role", ROLES)
def test_list_for_members(role, role_users, client_for, meeting):
    response = client_for(role_users[role]).get(reverse("meetings:list"))

    assert response.status_code == _expected(
        role, {"other_representative", "representative", "staff", "admin"}
    )


@pytest.mark.parametrize("role", ROLES)
def test_draft_meeting_only_for_staff(role, role_users, client_for):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)

    response = client_for(role_users[role]).get(reverse("meetings:detail", args=[draft.pk]))

    assert response.status_code == _expected(role, {"staff", "admin"})


@pytest.mark.parametrize(
    ("role", "sees_link"),
    [
        ("other_representative", False),
        ("representative", True),
        ("staff", True),
        ("admin", True),
    ],
)
def test_online_link_only_for_invited_and_staff(
    role, sees_link, role_users, client_for, meeting, invitation
):
    detail = client_for(role_users[role]).get(reverse("meetings:detail", args=[meeting.pk]))
    ics = client_for(role_users[role]).get(reverse("meetings:ics", args=[meeting.pk]))

    assert detail.status_code == 200
    assert (ONLINE_URL in detail.content.decode()) is sees_link
    assert (b"geheimer-raum" in ics.content) is sees_link


@pytest.mark.parametrize(
    ("role", "sees_minutes"),
    [
        ("other_representative", False),
        ("representative", False),
        ("staff", True),
        ("admin", True),
    ],
)
def test_unpublished_minutes_only_for_staff(role, sees_minutes, role_users, client_for, meeting):
    MinutesFactory(meeting=meeting, text="Vertrauliches Zwischenergebnis")

    response = client_for(role_users[role]).get(reverse("meetings:detail", args=[meeting.pk]))

    assert ("Vertrauliches Zwischenergebnis" in response.content.decode()) is sees_minutes


def test_published_minutes_for_representatives(role_users, client_for, meeting):
    MinutesFactory(meeting=meeting, text="**Beschlossen** <script>x()</script>", status="published")

    response = client_for(role_users["other_representative"]).get(
        reverse("meetings:detail", args=[meeting.pk])
    )

    content = response.content.decode()
    assert "<strong>Beschlossen</strong>" in content
    assert "<script>x()" not in content


def test_representative_responds_in_the_portal(role_users, client_for, invitation):
    client = client_for(role_users["representative"])

    response = client.post(
        reverse("meetings:respond", args=[invitation.pk]), {"response": "accepted"}
    )

    invitation.refresh_from_db()
    assert response.status_code == 302
    assert invitation.response == Invitation.Response.ACCEPTED


@pytest.mark.parametrize("role", ["anonymous", "other_representative", "staff"])
def test_nobody_answers_for_someone_else(role, role_users, client_for, invitation):
    response = client_for(role_users[role]).post(
        reverse("meetings:respond", args=[invitation.pk]), {"response": "declined"}
    )

    invitation.refresh_from_db()
    assert response.status_code in {302, 403}
    assert invitation.response == Invitation.Response.OPEN


def test_representative_sends_a_substitute(role_users, client_for, invitation):
    colleague = RepresentativeFactory(municipality=invitation.on_behalf_of)

    client_for(role_users["representative"]).post(
        reverse("meetings:substitute", args=[invitation.pk]), {"substitute": colleague.pk}
    )

    assert Invitation.objects.filter(representative=colleague, substitute_for=invitation).exists()


@pytest.mark.parametrize("role", ["anonymous", "other_representative", "representative"])
def test_representatives_cannot_change_anything(role, role_users, client_for, meeting):
    client = client_for(role_users[role])
    item = meeting.agenda_items.get()

    client.post(reverse("meetings:cancel", args=[meeting.pk]))
    client.post(reverse("meetings:agenda_item_delete", args=[meeting.pk, item.pk]))
    client.post(reverse("meetings:minutes", args=[meeting.pk]), {"text": "x", "publish": "1"})
    client.post(reverse("meetings:copy", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.agenda_items.count() == 1
    assert not Minutes.objects.exists()
    assert Meeting.objects.count() == 1


def test_one_click_link_get_asks_and_post_answers(client, invitation):
    url = reverse("meetings:respond_by_link", args=[response_token(invitation, "accepted")])

    page = client.get(url)
    invitation.refresh_from_db()
    assert page.status_code == 200
    assert invitation.response == Invitation.Response.OPEN

    client.post(url)
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED


def test_one_click_link_cannot_be_used_for_another_invitation(client, invitation):
    other = InvitationFactory(meeting=invitation.meeting)
    _payload, timestamp, signature = response_token(invitation, "declined").rsplit(":", 2)
    # The payload of a token for the other invitation, with the first token's signature.
    other_payload = response_token(other, "declined").rsplit(":", 2)[0]
    forged = f"{other_payload}:{timestamp}:{signature}"

    response = client.post(reverse("meetings:respond_by_link", args=[forged]))

    other.refresh_from_db()
    invitation.refresh_from_db()
    assert response.status_code == 400
    assert other.response == Invitation.Response.OPEN
    assert invitation.response == Invitation.Response.OPEN


def test_one_click_link_for_cancelled_meeting_is_refused(client, invitation):
    services.meeting_cancel(meeting=invitation.meeting)
    url = reverse("meetings:respond_by_link", args=[response_token(invitation, "accepted")])

    response = client.post(url)

    invitation.refresh_from_db()
    assert response.status_code == 400
    assert invitation.response == Invitation.Response.OPEN


def test_calendar_feed_works_until_revoked(role_users, client_for, invitation):
    user = role_users["representative"]
    member = client_for(user)
    member.post(reverse("meetings:calendar_feed"), {"action": "create"})
    feed_url = member.get(reverse("meetings:calendar_feed")).context["feed_url"]

    anonymous = client_for(None)
    assert b"BEGIN:VEVENT" in anonymous.get(feed_url).content

    member.post(reverse("meetings:calendar_feed"), {"action": "revoke"})
    assert anonymous.get(feed_url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_calendar_feed_page_for_members(role, role_users, client_for):
    response = client_for(role_users[role]).get(reverse("meetings:calendar_feed"))

    assert response.status_code == _expected(
        role, {"other_representative", "representative", "staff", "admin"}
    )


def test_staff_create_form_keeps_input_on_error(client_for, staff_user):
    response = client_for(staff_user).post(
        reverse("meetings:create"),
        {
            "title": "Treffen ohne Ende",
            "format": "online",
            "starts_at": "2027-03-10T10:00",
            "ends_at": "2027-03-10T09:00",
            "online_url": "https://konferenz.example.org/x",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Treffen ohne Ende" in content
    assert 'aria-invalid="true"' in content
    assert not Meeting.objects.exists()


def test_staff_create_meeting_as_draft(client_for, staff_user):
    response = client_for(staff_user).post(
        reverse("meetings:create"),
        {
            "title": "Frühjahrstreffen",
            "format": "online",
            "starts_at": "2027-03-10T10:00",
            "ends_at": "2027-03-10T12:00",
            "online_url": "https://konferenz.example.org/x",
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.organiser == staff_user
    assert meeting.starts_at.hour == 9  # 10:00 in Berlin (winter time) is 09:00 UTC


def test_document_upload_checks_type(client_for, staff_user, meeting):
    client = client_for(staff_user)
    url = reverse("meetings:documents", args=[meeting.pk])

    fake = SimpleUploadedFile("folien.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"title": "Folien", "file": fake})
    assert response.status_code == 200
    assert not Document.objects.exists()

    real = SimpleUploadedFile("folien.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(url, {"title": "Folien", "file": real})
    assert response.status_code == 302
    assert Document.objects.get().content_type == "application/pdf"


def test_document_upload_checks_size(client_for, staff_user, meeting, settings):
    settings.UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("folien.pdf", b"%PDF-1.4\n" + b"x" * 100)

    client_for(staff_user).post(
        reverse("meetings:documents", args=[meeting.pk]), {"title": "Folien", "file": big}
    )

    assert not Document.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_document_download_for_members_only(role, role_users, client_for, meeting):
    document = Document.objects.create(
        meeting=meeting, title="Folien", content_type="application/pdf", size=15
    )
    document.file.save("folien.pdf", SimpleUploadedFile("folien.pdf", b"%PDF-1.4\n%test\n"))

    response = client_for(role_users[role]).get(
        reverse("meetings:document", args=[meeting.pk, document.pk])
    )

    assert response.status_code == _expected(
        role, {"other_representative", "representative", "staff", "admin"}
    )


def test_audience_preview_sends_nothing_until_confirmed(client_for, staff_user):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    person = RepresentativeFactory(is_main_contact=True)
    client = client_for(staff_user)
    url = reverse("meetings:audience", args=[meeting.pk])

    preview = client.post(url, {"municipalities": [person.municipality_id], "confirm": "0"})
    assert person.last_name in preview.content.decode()
    assert not Invitation.objects.exists()

    client.post(url, {"municipalities": [person.municipality_id], "confirm": "1"})
    meeting.refresh_from_db()
    assert Invitation.objects.get().representative == person
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.audience["municipalities"] == [person.municipality_id]


def test_agenda_move_via_form(client_for, staff_user, meeting):
    second = AgendaItemFactory(meeting=meeting, title="Bericht", position=5)

    client_for(staff_user).post(
        reverse("meetings:agenda_item_move", args=[meeting.pk, second.pk]), {"direction": "up"}
    )

    assert meeting.agenda_items.order_by("position").first() == second


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _fill(meeting, *, items, invitations):
    for index in range(items):
        item = AgendaItemFactory(meeting=meeting, position=index + 10)
        item.presenters.add(RepresentativeFactory())
    for index in range(invitations):
        InvitationFactory(meeting=meeting, response="accepted" if index % 2 else "open")


def test_query_count_of_the_list_stays_constant(client_for, staff_user):
    client = client_for(staff_user)
    MeetingFactory()
    small = _count_queries(client, reverse("meetings:list"))

    for _ in range(10):
        _fill(MeetingFactory(), items=1, invitations=3)
    large = _count_queries(client, reverse("meetings:list"))

    assert small == large


def _fill_parts(meeting, *, count):
    """Documents (of the meeting and of its items), action items and anonymised people: the
    page reads only some columns of each, so a column it forgot would cost a query per row."""
    for item in meeting.agenda_items.all():
        DocumentFactory(meeting=meeting, agenda_item=item)
        gone = RepresentativeFactory(anonymised_at=timezone.now())
        item.presenters.add(gone)
    for _ in range(count):
        DocumentFactory(meeting=meeting)
        ActionItemFactory(
            meeting=meeting,
            owner_representative=RepresentativeFactory(anonymised_at=timezone.now()),
        )


@pytest.mark.parametrize("role", ["staff", "representative"])
def test_query_count_of_the_detail_stays_constant(role, role_users, client_for, invitation):
    client = client_for(role_users[role])
    small_meeting = invitation.meeting
    _fill(small_meeting, items=1, invitations=1)
    small = _count_queries(client, reverse("meetings:detail", args=[small_meeting.pk]))

    large_meeting = MeetingFactory()
    InvitationFactory(meeting=large_meeting, representative=invitation.representative)
    _fill(large_meeting, items=10, invitations=40)
    _fill_parts(large_meeting, count=10)
    MinutesFactory(meeting=large_meeting, status="published")
    large = _count_queries(client, reverse("meetings:detail", args=[large_meeting.pk]))

    _fill_parts(small_meeting, count=1)
    MinutesFactory(meeting=small_meeting, status="published")
    small = _count_queries(client, reverse("meetings:detail", args=[small_meeting.pk]))
    assert small == large


def test_query_count_of_the_response_overview_stays_constant(client_for, staff_user):
    client = client_for(staff_user)
    small_meeting = MeetingFactory()
    _fill(small_meeting, items=0, invitations=2)
    small = _count_queries(client, reverse("meetings:responses", args=[small_meeting.pk]))

    large_meeting = MeetingFactory()
    _fill(large_meeting, items=0, invitations=40)
    # Anonymised people, one standing in for another, are named after their municipality.
    for _ in range(3):
        gone = InvitationFactory(
            meeting=large_meeting,
            representative=RepresentativeFactory(anonymised_at=timezone.now()),
        )
        InvitationFactory(
            meeting=large_meeting,
            representative=RepresentativeFactory(anonymised_at=timezone.now()),
            substitute_for=gone,
        )
    large = _count_queries(client, reverse("meetings:responses", args=[large_meeting.pk]))

    assert small == large


def test_list_pages_upcoming_and_past_meetings_separately(client_for, staff_user):
    now = timezone.now()
    for days in range(1, MEETINGS_PER_PAGE + 2):
        MeetingFactory(starts_at=now + timedelta(days=days))
        MeetingFactory(
            starts_at=now - timedelta(days=days), ends_at=now - timedelta(days=days, hours=-2)
        )

    page = client_for(staff_user).get(reverse("meetings:list"), {"seite": 2}).content.decode()

    # Each list's links turn its own page and keep the other list's page.
    assert 'href="?seite=2&amp;kommende=2" rel="next"' in page
    assert 'href="?kommende=1&amp;seite=1" rel="prev"' in page
    assert 'aria-label="Seiten der kommenden Treffen"' in page


def test_attendance_page_before_the_start_explains_and_records_nothing(client_for, staff_user):
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting, response="accepted")
    client = client_for(staff_user)
    url = reverse("meetings:attendance", args=[meeting.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"attended": [str(invitation.pk)]})

    assert "sobald das Treffen begonnen hat" in page
    assert "Teilnahme speichern" not in page
    assert response.status_code == 200
    assert "sobald das Treffen begonnen hat" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.attended is None


def test_attendance_recorded_after_the_start_keeps_the_response_form_of_others_honest(
    client_for, staff_user, representative_user
):
    held = HeldMeetingFactory()
    upcoming = MeetingFactory()
    representative = representative_user.representatives.get()
    InvitationFactory(meeting=upcoming, representative=representative)
    attended = InvitationFactory(meeting=held, representative=representative)

    client_for(staff_user).post(
        reverse("meetings:attendance", args=[held.pk]), {"attended": [str(attended.pk)]}
    )
    upcoming_page = (
        client_for(representative_user)
        .get(reverse("meetings:detail", args=[upcoming.pk]))
        .content.decode()
    )
    held_page = (
        client_for(representative_user)
        .get(reverse("meetings:detail", args=[held.pk]))
        .content.decode()
    )

    attended.refresh_from_db()
    assert attended.attended is True
    assert "Rückmeldung speichern" in upcoming_page
    assert 'class="status status-invited">Eingeladen<' in upcoming_page
    assert 'class="status status-held">Stattgefunden<' in held_page


def test_minutes_page_before_the_start_offers_no_publishing(client_for, staff_user):
    meeting = MeetingFactory()
    client = client_for(staff_user)
    url = reverse("meetings:minutes", args=[meeting.pk])

    page = client.get(url).content.decode()
    client.post(url, {"text": "Vorab", "publish": "1"})

    assert "Speichern und veröffentlichen" not in page
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.DRAFT


def test_query_count_of_the_staff_agenda_page_stays_constant(client_for, staff_user):
    client = client_for(staff_user)
    small_meeting = MeetingFactory()
    _fill(small_meeting, items=1, invitations=1)
    _fill_parts(small_meeting, count=1)
    small = _count_queries(client, reverse("meetings:agenda", args=[small_meeting.pk]))

    large_meeting = MeetingFactory()
    _fill(large_meeting, items=10, invitations=10)
    _fill_parts(large_meeting, count=3)
    large = _count_queries(client, reverse("meetings:agenda", args=[large_meeting.pk]))

    assert small == large


def _participants(client, meeting):
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    section = page.split('id="participants-heading"', 1)[1].split("</section>", 1)[0]
    return [name.split("</li>")[0] for name in section.split("<li>")[1:]]


def test_meeting_page_names_each_accepting_municipality_once_in_order(client_for, staff_user):
    meeting = MeetingFactory()
    olpe = MunicipalityFactory(name="Olpe")
    altena = MunicipalityFactory(name="Altena")
    for municipality in [olpe, olpe, altena]:
        InvitationFactory(
            meeting=meeting,
            representative=RepresentativeFactory(municipality=municipality),
            response=Invitation.Response.ACCEPTED,
        )
    InvitationFactory(meeting=meeting, response=Invitation.Response.DECLINED)
    InvitationFactory(meeting=meeting, response=Invitation.Response.TENTATIVE)

    assert _participants(client_for(staff_user), meeting) == ["Altena", "Olpe"]


def test_held_meeting_page_names_the_municipalities_that_attended(client_for, staff_user):
    meeting = HeldMeetingFactory()
    came = MunicipalityFactory(name="Wenden")
    InvitationFactory(
        meeting=meeting,
        representative=RepresentativeFactory(municipality=came),
        response=Invitation.Response.DECLINED,
        attended=True,
    )
    InvitationFactory(meeting=meeting, response=Invitation.Response.ACCEPTED, attended=False)

    assert _participants(client_for(staff_user), meeting) == ["Wenden"]


def test_held_meeting_without_attendance_names_the_accepting_municipalities(client_for, staff_user):
    meeting = HeldMeetingFactory()
    InvitationFactory(
        meeting=meeting,
        representative=RepresentativeFactory(municipality=MunicipalityFactory(name="Olpe")),
        response=Invitation.Response.ACCEPTED,
    )
    InvitationFactory(meeting=meeting, response=Invitation.Response.DECLINED)

    assert _participants(client_for(staff_user), meeting) == ["Olpe"]


def test_meeting_page_offers_the_invitation_of_the_users_current_person_record(client_for):
    """A user who moved from Zell to Arnsberg, invited under both records, answers for
    Arnsberg (the current record), although Zell's invitation is older."""
    user = UserFactory()
    meeting = MeetingFactory()
    former = RepresentativeFactory(
        user=user,
        municipality=MunicipalityFactory(name="Zell"),
        starts_on=timezone.localdate() - timedelta(days=800),
        ends_on=timezone.localdate() - timedelta(days=30),
    )
    current = RepresentativeFactory(user=user, municipality=MunicipalityFactory(name="Arnsberg"))
    InvitationFactory(meeting=meeting, representative=former)
    mine = InvitationFactory(meeting=meeting, representative=current)

    response = client_for(user).get(reverse("meetings:detail", args=[meeting.pk]))

    assert response.context["invitation"] == mine
    section = response.content.decode().split('id="response-heading"', 1)[1]
    assert "Arnsberg" in section.split("</p>", 1)[0]
