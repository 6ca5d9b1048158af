"""Objects that leave the public record keep answering as deleted; private ones never appear."""

import pytest
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Meeting, Minutes
from members import services as member_services
from oparl import selectors
from oparl.models import Tombstone
from practices.models import Practice
from tests import factories
from tests.oparl.conftest import api

pytestmark = pytest.mark.django_db


def _deleted(oparl, path):
    answer = oparl.get(api(path))
    return answer.get("deleted") is True


def _changed_ids(oparl, name, since):
    page = oparl.get(api(f"body/1/{name}"), modified_since=since.isoformat(), limit="500")
    return {obj["id"]: obj for obj in page["data"]}


def test_a_meeting_taken_out_of_the_public_record_is_deleted_with_everything_in_it(
    oparl, public_record
):
    record = public_record
    since = timezone.now()
    meeting_services.meeting_update(meeting=record.meeting, data={"is_public": False})

    minutes = record.meeting.minutes
    for path in (
        f"meeting/{record.meeting.pk}",
        f"agendaitem/{record.first.pk}",
        f"consultation/{record.presented.pk}",
        f"location/{record.meeting.pk}",
        f"file/minutes/{minutes.pk}",
    ):
        assert _deleted(oparl, path), path
    assert api(f"meeting/{record.meeting.pk}") in _changed_ids(oparl, "meeting", since)
    assert set(_changed_ids(oparl, "agendaitem", since)) == {
        api(f"agendaitem/{record.first.pk}"),
        api(f"agendaitem/{record.presented.pk}"),
    }
    assert len(_changed_ids(oparl, "file", since)) == 3  # two documents and the minutes
    # Without modified_since, lists show only what is public.
    assert oparl.get(api("body/1/meeting"))["data"] == []

    meeting_services.meeting_update(meeting=record.meeting, data={"is_public": True})
    assert not _deleted(oparl, f"meeting/{record.meeting.pk}")
    assert not _deleted(oparl, f"agendaitem/{record.first.pk}")


def test_deleting_a_public_meeting_leaves_tombstones_for_it_and_its_parts(oparl, public_record):
    record = public_record
    meeting_pk, item_pk = record.meeting.pk, record.first.pk
    record.meeting.delete()

    assert _deleted(oparl, f"meeting/{meeting_pk}")
    assert _deleted(oparl, f"agendaitem/{item_pk}")
    assert _deleted(oparl, f"consultation/{record.presented.pk}")


def test_objects_that_never_were_public_leave_no_trace(oparl, public_record):
    record = public_record
    draft_pk, internal_pk = record.draft.pk, record.internal.pk
    draft_item = record.draft.agenda_items.get()
    record.draft.delete()
    record.internal.delete()
    record.unlisted.listed_in_open_data = False
    record.unlisted.save()

    for path in (
        f"meeting/{draft_pk}",
        f"meeting/{internal_pk}",
        f"agendaitem/{draft_item.pk}",
        f"person/{record.unlisted.pk}",
    ):
        assert oparl.response(api(path)).status_code == 404, path
    long_ago = timezone.now().replace(year=2000)
    meetings = _changed_ids(oparl, "meeting", long_ago)
    items = _changed_ids(oparl, "agendaitem", long_ago)
    assert set(meetings) == {api(f"meeting/{record.meeting.pk}")}
    assert api(f"agendaitem/{draft_item.pk}") not in items
    assert "Geheim" not in str(meetings) + str(items)


def test_an_example_withdrawn_from_the_public_is_deleted_with_its_files_and_consultations(
    oparl, public_record
):
    record = public_record
    Practice.objects.filter(pk=record.practice.pk).update(is_public=False)  # triggers see SQL too

    assert _deleted(oparl, f"paper/{record.practice.pk}")
    assert _deleted(oparl, f"file/attachment/{record.attachment.pk}")
    assert _deleted(oparl, f"consultation/{record.presented.pk}")
    # The agenda item stays, without the link to the example.
    item = oparl.get(api(f"agendaitem/{record.presented.pk}"))
    assert "deleted" not in item and "consultation" not in item


def test_unlinking_the_example_from_an_agenda_item_deletes_the_consultation(oparl, public_record):
    record = public_record
    record.presented.practice = None
    record.presented.save()

    assert _deleted(oparl, f"consultation/{record.presented.pk}")
    assert "consultation" not in oparl.get(api(f"paper/{record.practice.pk}"))


def test_deleting_the_account_withdraws_the_person(oparl, public_record):
    record = public_record
    user = factories.UserFactory(email=record.listed.email)
    record.listed.user = user
    record.listed.save()
    member_services.account_delete(user=user)

    assert _deleted(oparl, f"person/{record.listed.pk}")
    assert _deleted(oparl, f"membership/{record.listed.pk}")


WITHDRAWALS = [
    ("meeting", lambda r: r.meeting, {"is_public": False}),
    ("meeting", lambda r: r.meeting, {"status": Meeting.Status.DRAFT}),
    ("paper", lambda r: r.practice, {"status": Practice.Status.ARCHIVED}),
    ("paper", lambda r: r.practice, {"status": Practice.Status.SUBMITTED}),
    ("paper", lambda r: r.practice, {"is_public": False}),
    ("person", lambda r: r.listed, {"listed_in_open_data": False}),
    ("person", lambda r: r.listed, {"anonymised_at": timezone.now()}),
    ("file.minutes", lambda r: r.meeting.minutes, {"status": Minutes.Status.DRAFT}),
]


@pytest.mark.parametrize(("object_type", "target", "change"), WITHDRAWALS)
def test_the_database_triggers_and_the_public_querysets_agree(
    public_record, object_type, target, change
):
    obj = target(public_record)
    source = selectors.SOURCES[object_type]
    assert source.public().filter(pk=obj.pk).exists()
    type(obj).objects.filter(pk=obj.pk).update(**change)

    assert not source.public().filter(pk=obj.pk).exists()
    assert Tombstone.objects.filter(object_type=object_type, object_id=obj.pk).exists()


def test_a_change_that_keeps_an_object_public_writes_no_tombstone(public_record):
    Meeting.objects.filter(pk=public_record.meeting.pk).update(title="Neuer Titel")
    Practice.objects.filter(pk=public_record.practice.pk).update(title="Neuer Titel")

    assert not Tombstone.objects.exists()
