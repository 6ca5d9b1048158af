"""The staff's working pages: action items across meetings, the work list, reminders, exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meetings import messages
from meetings.models import ActionItem
from notifications.models import OutgoingMessage, scope_for
from tests.factories import (
    HeldMeetingFactory,
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
    PracticeFactory,
    RepresentativeFactory,
    SeriesFactory,
)
from tests.meetings.factories import ActionItemFactory
from tests.notifications.factories import OutgoingMessageFactory

pytestmark = pytest.mark.django_db


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_action_item_form_refuses_a_missing_owner_and_a_past_due_date(client_for, staff_user):
    meeting = MeetingFactory()
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client_for(staff_user).post(
        reverse("meetings:action_items", args=[meeting.pk]),
        {"what": "Bericht schreiben", "due_on": yesterday.isoformat()},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Das Fälligkeitsdatum darf nicht in der Vergangenheit liegen." in page
    assert "Dieses Feld ist zwingend erforderlich." in page
    assert not ActionItem.objects.exists()


def test_action_item_is_edited_and_closed_from_the_list_and_reopened(
    client_for, staff_user, municipality
):
    item = ActionItemFactory(what="Flyer drucken")
    client = client_for(staff_user)
    later = timezone.localdate() + timedelta(days=40)
    list_url = reverse("meetings:action_item_list")

    client.post(
        reverse("meetings:action_item_edit", args=[item.meeting_id, item.pk]),
        {"what": "Flyer bestellen", "owner_municipality": municipality.pk, "due_on": later},
    )
    closed = client.post(
        reverse("meetings:action_item_status", args=[item.meeting_id, item.pk]),
        {"status": "done", "next": list_url},
    )
    done = ActionItem.objects.get(pk=item.pk)
    client.post(
        reverse("meetings:action_item_status", args=[item.meeting_id, item.pk]),
        {"status": "open", "next": "https://boese.example.org/"},
    )

    assert (done.what, done.owner_municipality, done.due_on) == (
        "Flyer bestellen",
        municipality,
        later,
    )
    assert done.status == "done"
    assert closed.url == list_url
    assert ActionItem.objects.get(pk=item.pk).is_open


def test_action_item_list_filters_marks_overdue_and_exports_csv(
    client_for, staff_user, municipality
):
    past = timezone.localdate() - timedelta(days=3)
    ActionItemFactory(what="Überfällige Aufgabe", owner_municipality=municipality, due_on=past)
    ActionItemFactory(what="Fremde Aufgabe")
    ActionItemFactory(what="=HYPERLINK(1)", owner_municipality=municipality, status="done")
    client = client_for(staff_user)

    page = client.get(
        reverse("meetings:action_item_list"), {"municipality": municipality.pk, "status": "open"}
    ).content.decode()
    export = client.get(reverse("meetings:action_item_export"), {"municipality": municipality.pk})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))

    assert "Überfällige Aufgabe" in page
    assert "überfällig" in page
    assert "Fremde Aufgabe" not in page
    assert export["Content-Type"].startswith("text/csv")
    assert rows[0][0] == "Was"
    assert sorted(row[0] for row in rows[1:]) == ["'=HYPERLINK(1)", "Überfällige Aufgabe"]
    assert "Überfällig" in [row[4] for row in rows[1:]]


def test_action_item_list_with_hostile_filters_shows_everything(client_for, staff_user):
    ActionItemFactory(what="Sichtbar")

    response = client_for(staff_user).get(
        reverse("meetings:action_item_list"), {"municipality": "x'--", "status": "<b>"}
    )

    assert response.status_code == 200
    assert "Sichtbar" in response.content.decode()


def test_query_count_of_the_action_item_list_stays_constant(client_for, staff_user):
    client = client_for(staff_user)
    ActionItemFactory()
    small = _count_queries(client, reverse("meetings:action_item_list"))
    ActionItemFactory.create_batch(15, owner_representative=RepresentativeFactory())
    large = _count_queries(client, reverse("meetings:action_item_list"))

    assert small == large


def test_open_item_of_an_earlier_meeting_is_closed_on_the_following_meeting(client_for, staff_user):
    series = SeriesFactory()
    earlier = HeldMeetingFactory(series=series)
    following = MeetingFactory(series=series)
    item = ActionItemFactory(meeting=earlier, what="Fördermittel prüfen")
    client = client_for(staff_user)
    detail = reverse("meetings:detail", args=[following.pk])

    before = client.get(detail).content.decode()
    client.post(
        reverse("meetings:action_item_status", args=[earlier.pk, item.pk]),
        {"status": "done", "next": detail},
    )
    after = client.get(detail).content.decode()

    assert "Fördermittel prüfen" in before
    assert "Fördermittel prüfen" not in after


def test_start_page_shows_the_owner_municipality_its_open_items(
    client_for, representative_user, municipality
):
    ActionItemFactory(what="Eigene Aufgabe", owner_municipality=municipality)
    ActionItemFactory(what="Erledigte Aufgabe", owner_municipality=municipality, status="done")
    ActionItemFactory(what="Aufgabe anderer")

    page = client_for(representative_user).get(reverse("home")).content.decode()

    assert "Eigene Aufgabe" in page
    assert "Erledigte Aufgabe" not in page
    assert "Aufgabe anderer" not in page


def test_query_count_of_a_members_start_page_with_its_open_items_stays_constant(
    client_for, representative_user, municipality
):
    client = client_for(representative_user)
    series = SeriesFactory()
    numbers = iter(range(1, 10))

    def fill():
        meeting = MeetingFactory(series=series, number=next(numbers))
        ActionItemFactory(meeting=meeting, owner_municipality=municipality)
        ActionItemFactory(
            meeting=meeting,
            owner_municipality=municipality,
            owner_representative=RepresentativeFactory(municipality=municipality),
            due_on=timezone.localdate() - timedelta(days=1),
        )

    fill()
    small = _count_queries(client, reverse("home"))
    for _ in range(4):
        fill()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()

    assert page.count('id="action-item-') == 10
    assert f"1. {series.name}" in page
    assert len(queries) == small


def test_staff_start_page_is_a_work_list(client_for, staff_user):
    meeting = MeetingFactory(title="Frühjahrstreffen")
    InvitationFactory(meeting=meeting, response="accepted")
    silent = InvitationFactory(meeting=meeting, response="open")
    PracticeFactory(title="Zu prüfendes Beispiel", status="submitted", published_at=None)
    OutgoingMessageFactory(subject="Nicht zustellbar", state=OutgoingMessage.State.FAILED)
    ActionItemFactory(what="Diese Woche fällig", due_on=timezone.localdate())
    ActionItemFactory(what="Später fällig", due_on=timezone.localdate() + timedelta(days=30))

    page = client_for(staff_user).get(reverse("home")).content.decode()

    assert "Frühjahrstreffen" in page
    assert "1 Zusagen, 0 vielleicht, 0 Absagen, 1 ohne Antwort" in page
    assert silent.representative.full_name in page
    assert reverse("meetings:remind_open", args=[meeting.pk]) in page
    assert "Zu prüfendes Beispiel" in page
    assert "Nicht zustellbar" in page
    assert "Diese Woche fällig" in page
    assert "Später fällig" not in page


def test_query_count_of_the_staff_work_list_stays_constant(client_for, staff_user):
    client = client_for(staff_user)

    def fill():
        meeting = MeetingFactory()
        InvitationFactory.create_batch(3, meeting=meeting)
        # An anonymised person is named after their municipality.
        InvitationFactory(
            meeting=meeting, representative=RepresentativeFactory(anonymised_at=timezone.now())
        )
        ActionItemFactory(due_on=timezone.localdate())
        OutgoingMessageFactory(state=OutgoingMessage.State.FAILED, scope=scope_for(meeting))
        PracticeFactory(status="submitted", published_at=None)

    fill()
    small = _count_queries(client, reverse("home"))
    for _ in range(4):
        fill()
    large = _count_queries(client, reverse("home"))

    assert small == large


def test_remind_now_counts_confirms_and_nudges_each_person_once_a_day(
    client_for, staff_user, outbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    silent = InvitationFactory(meeting=meeting, response="open")
    InvitationFactory(meeting=meeting, response="accepted")
    client = client_for(staff_user)
    url = reverse("meetings:remind_open", args=[meeting.pk])

    question = client.get(url).content.decode()
    assert not OutgoingMessage.objects.exists()
    # The second press comes before the first one's mailing is expanded.
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True).content.decode()
        second = client.post(url, follow=True).content.decode()
    again = client.get(url).content.decode()

    assert "geht an 1 Person" in question
    assert silent.representative.full_name in question
    assert "1 Erinnerung" in first
    assert "0 Erinnerungen" in second
    nudges = OutgoingMessage.objects.filter(kind=messages.Kind.RESPONSE_NUDGE)
    assert list(nudges.values_list("about_id", flat=True)) == [silent.pk]
    assert nudges.get().state == OutgoingMessage.State.SENT
    assert "bereits heute erinnert" in again


def test_remind_now_for_a_held_meeting_sends_nothing(client_for, staff_user):
    meeting = HeldMeetingFactory()
    InvitationFactory(meeting=meeting, response="open")

    response = client_for(staff_user).post(
        reverse("meetings:remind_open", args=[meeting.pk]), follow=True
    )

    assert "nur für kommende Treffen" in response.content.decode()
    assert not OutgoingMessage.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_responses_export_lists_responses_and_attendance(file_format, client_for, staff_user):
    meeting = HeldMeetingFactory()
    olpe = MunicipalityFactory(name="Olpe")
    InvitationFactory(
        meeting=meeting,
        representative=RepresentativeFactory(municipality=olpe, last_name="Kaiser"),
        response="accepted",
        attended=True,
    )

    response = client_for(staff_user).get(
        reverse("meetings:responses_export", args=[meeting.pk, file_format])
    )

    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["Gemeinde", "Name", "E-Mail", "Rückmeldung"]
    assert rows[1][0] == "Olpe"
    assert "Kaiser" in rows[1][1]
    assert rows[1][3] == "Zusage"
    assert rows[1][7] == "ja"


def test_responses_export_in_an_unknown_format_is_not_found(client_for, staff_user):
    meeting = MeetingFactory()

    response = client_for(staff_user).get(
        reverse("meetings:responses_export", args=[meeting.pk, "exe"])
    )

    assert response.status_code == 404


@pytest.mark.parametrize("target", ['"><img src=x>', "//boese.example.org/", "javascript:1"])
def test_action_item_status_ignores_a_next_that_is_not_a_local_path(target, client_for, staff_user):
    item = ActionItemFactory()

    response = client_for(staff_user).post(
        reverse("meetings:action_item_status", args=[item.meeting_id, item.pk]),
        {"status": "done", "next": target},
    )

    assert response.status_code == 302
    assert response.url == reverse("meetings:action_items", args=[item.meeting_id])


def test_query_count_of_the_remind_now_question_stays_constant(client_for, staff_user):
    client = client_for(staff_user)

    def invite(meeting, count):
        for _ in range(count):
            InvitationFactory(meeting=meeting, response="open")
            InvitationFactory(
                meeting=meeting,
                response="open",
                representative=RepresentativeFactory(anonymised_at=timezone.now()),
            )

    small_meeting, large_meeting = MeetingFactory(), MeetingFactory()
    invite(small_meeting, 1)
    invite(large_meeting, 6)

    small = _count_queries(client, reverse("meetings:remind_open", args=[small_meeting.pk]))
    large = _count_queries(client, reverse("meetings:remind_open", args=[large_meeting.pk]))

    assert small == large
