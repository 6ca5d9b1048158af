from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import selectors, services
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting, Minutes
from members.models import Municipality
from notifications.models import Mailing
from tests.factories import (
    AgendaItemFactory,
    DistrictFactory,
    HeldMeetingFactory,
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    RepresentativeFactory,
    SeriesFactory,
)
from tests.meetings.factories import ActionItemFactory, MinutesFactory

pytestmark = pytest.mark.django_db


def _mailings(meeting):
    return list(
        Mailing.objects.filter(scope=f"meetings.meeting:{meeting.pk}").values_list("kind", "params")
    )


def test_agenda_with_times_derives_start_and_end_from_durations():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, position=0, duration_minutes=10)
    AgendaItemFactory(meeting=meeting, position=1, duration_minutes=30)
    AgendaItemFactory(meeting=meeting, position=2, duration_minutes=25)

    agenda = selectors.agenda_with_times(meeting=meeting)

    assert [entry.starts_at - meeting.starts_at for entry in agenda] == [
        timedelta(0),
        timedelta(minutes=10),
        timedelta(minutes=40),
    ]
    assert agenda[-1].ends_at == meeting.starts_at + timedelta(minutes=65)


def test_agenda_item_move_up_swaps_with_the_item_above():
    meeting = MeetingFactory()
    first, second, third = (AgendaItemFactory(meeting=meeting, position=i) for i in range(3))

    services.agenda_item_move(item=third, direction="up")

    order = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]


def test_agenda_item_move_down_at_the_end_changes_nothing():
    meeting = MeetingFactory()
    first, second = (AgendaItemFactory(meeting=meeting, position=i) for i in range(2))

    services.agenda_item_move(item=second, direction="down")

    order = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, second.pk]


def test_agenda_item_delete_closes_the_gap_in_positions():
    meeting = MeetingFactory()
    items = [AgendaItemFactory(meeting=meeting, position=i) for i in range(3)]

    services.agenda_item_delete(item=items[1])

    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
    ]


def test_agenda_item_create_appends_at_the_end():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, position=4)

    item = services.agenda_item_create(
        meeting=meeting, data={"title": "Neu", "duration_minutes": 20}
    )

    assert item.position == 5


def _main(municipality, **kwargs):
    return RepresentativeFactory(municipality=municipality, is_main_contact=True, **kwargs)


def test_audience_resolve_district_gives_main_contacts_of_its_municipalities():
    district = DistrictFactory(name="Märkischer Kreis")
    inside = MunicipalityFactory(district=district)
    outside = MunicipalityFactory()
    main = _main(inside)
    RepresentativeFactory(municipality=inside)
    _main(outside)

    people = selectors.audience_resolve(districts=[district.pk])

    assert people == [main]


def test_audience_resolve_network_and_single_choices_have_no_duplicates():
    network = NetworkFactory()
    member = MunicipalityFactory()
    NetworkMembershipFactory(network=network, municipality=member)
    main = _main(member)
    colleague = RepresentativeFactory(municipality=member)

    people = selectors.audience_resolve(
        networks=[network.pk],
        municipalities=[member.pk],
        districts=[member.district_id],
        representatives=[main.pk, colleague.pk],
    )

    assert sorted(person.pk for person in people) == sorted([main.pk, colleague.pk])


def test_audience_resolve_skips_former_and_inactive():
    active = MunicipalityFactory()
    inactive = MunicipalityFactory(is_active=False)
    RepresentativeFactory(
        municipality=active,
        is_main_contact=False,
        ends_on=timezone.localdate() - timedelta(days=1),
        starts_on=timezone.localdate() - timedelta(days=100),
    )
    current = RepresentativeFactory(municipality=active)
    _main(inactive)

    people = selectors.audience_resolve(all_active=True)

    assert people == [current]


def test_invitations_send_schedules_draft_and_skips_already_invited():
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    invited = InvitationFactory(meeting=meeting).representative
    new = RepresentativeFactory()

    created = services.invitations_send(meeting=meeting, representatives=[invited, new])

    meeting.refresh_from_db()
    assert [invitation.representative for invitation in created] == [new]
    assert meeting.status == Meeting.Status.SCHEDULED
    assert _mailings(meeting) == [("invitation", {"invitation_ids": [created[0].pk]})]


def test_invitation_respond_records_response_and_time():
    invitation = InvitationFactory()

    services.invitation_respond(invitation=invitation, response="accepted", note="Gern")

    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED
    assert invitation.note == "Gern"
    assert invitation.responded_at is not None


def test_invitation_respond_back_to_open_clears_the_time():
    invitation = InvitationFactory(response="accepted", responded_at=timezone.now())

    services.invitation_respond(invitation=invitation, response="open")

    invitation.refresh_from_db()
    assert invitation.responded_at is None


def test_invitation_substitute_invites_colleague_and_declines_original():
    invitation = InvitationFactory()
    colleague = RepresentativeFactory(municipality=invitation.on_behalf_of)

    replacement = services.invitation_substitute(invitation=invitation, substitute=colleague)

    invitation.refresh_from_db()
    assert replacement.representative == colleague
    assert replacement.substitute_for == invitation
    assert replacement.on_behalf_of == invitation.on_behalf_of
    assert invitation.response == Invitation.Response.DECLINED


def test_invitation_substitute_from_another_municipality_is_refused():
    invitation = InvitationFactory()
    stranger = RepresentativeFactory()

    with pytest.raises(ValidationError):
        services.invitation_substitute(invitation=invitation, substitute=stranger)

    assert not Invitation.objects.filter(representative=stranger).exists()


def test_attendance_record_marks_present_and_absent_once_the_meeting_has_started():
    meeting = HeldMeetingFactory()
    present = InvitationFactory(meeting=meeting, response="accepted")
    absent = InvitationFactory(meeting=meeting, response="accepted")

    services.attendance_record(meeting=meeting, attended_invitation_ids=[present.pk])

    present.refresh_from_db()
    absent.refresh_from_db()
    meeting.refresh_from_db()
    assert present.attended is True
    assert absent.attended is False
    assert meeting.state == Meeting.State.HELD


def test_attendance_record_before_the_start_is_refused_and_the_meeting_stays_invited():
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting, response="accepted")

    with pytest.raises(ValidationError, match="sobald das Treffen begonnen hat"):
        services.attendance_record(meeting=meeting, attended_invitation_ids=[])

    invitation.refresh_from_db()
    meeting.refresh_from_db()
    assert invitation.attended is None
    assert meeting.state == Meeting.State.INVITED


def test_meeting_state_follows_status_and_clock():
    now = timezone.now()

    assert MeetingFactory(status="draft").state == Meeting.State.PLANNED
    assert MeetingFactory().state == Meeting.State.INVITED
    assert HeldMeetingFactory().state == Meeting.State.HELD
    assert HeldMeetingFactory(status="cancelled").state == Meeting.State.CANCELLED
    assert MeetingFactory(starts_at=now - timedelta(minutes=1)).state == Meeting.State.HELD


def test_held_meetings_are_those_sent_out_whose_start_has_passed():
    held = HeldMeetingFactory()
    HeldMeetingFactory(status="draft")
    HeldMeetingFactory(status="cancelled")
    MeetingFactory()

    assert list(Meeting.objects.held()) == [held]


def test_meeting_update_keeps_a_held_meeting_in_the_past():
    meeting = HeldMeetingFactory()
    later = timezone.now() + timedelta(days=3)

    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            meeting=meeting, data={"starts_at": later, "ends_at": later + timedelta(hours=2)}
        )

    assert "starts_at" in error.value.message_dict
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD


def test_minutes_publish_before_the_start_is_refused(staff_user):
    meeting = MeetingFactory()
    services.minutes_save(meeting=meeting, text="# Protokoll", editor=staff_user)

    with pytest.raises(ValidationError, match="sobald das Treffen begonnen hat"):
        services.minutes_publish(meeting=meeting, editor=staff_user)

    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.DRAFT


def test_minutes_publish_sets_status_and_records_the_mailing(staff_user):
    meeting = HeldMeetingFactory()
    services.minutes_save(meeting=meeting, text="# Protokoll", editor=staff_user)

    minutes = services.minutes_publish(meeting=meeting, editor=staff_user)

    assert minutes.status == Minutes.Status.PUBLISHED
    assert minutes.published_at is not None
    assert minutes.last_editor == staff_user
    # Recorded with the change (no commit has happened yet in this test).
    assert _mailings(meeting) == [("minutes_published", {})]


def test_minutes_publish_without_text_is_refused(staff_user):
    meeting = MeetingFactory()
    MinutesFactory(meeting=meeting, text="  ")

    with pytest.raises(ValidationError):
        services.minutes_publish(meeting=meeting, editor=staff_user)


def test_meeting_cancel_raises_sequence_and_records_the_mailing():
    meeting = MeetingFactory(sequence=2)

    services.meeting_cancel(meeting=meeting)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 3
    assert _mailings(meeting) == [("cancellation", {})]


def test_meeting_update_of_time_raises_sequence_and_records_the_update_with_old_times():
    meeting = MeetingFactory()
    earlier = meeting.starts_at
    later = meeting.starts_at + timedelta(hours=1)

    changed = services.meeting_update(
        meeting=meeting, data={"starts_at": later, "ends_at": later + timedelta(hours=2)}
    )

    meeting.refresh_from_db()
    assert changed == ["starts_at", "ends_at"]
    assert meeting.sequence == 1
    ((kind, params),) = _mailings(meeting)
    assert kind == "update"
    assert params["sequence"] == 1
    assert params["changed_fields"] == ["starts_at", "ends_at"]
    assert params["previous"]["starts_at"] == earlier.isoformat()


def test_meeting_update_without_changes_keeps_sequence():
    meeting = MeetingFactory()

    services.meeting_update(meeting=meeting, data={"title": meeting.title})

    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_meeting_copy_next_numbers_rotates_host_and_copies_agenda_and_audience(staff_user):
    series = SeriesFactory()
    alpha = MunicipalityFactory(name="Altena")
    beta = MunicipalityFactory(name="Balve")
    MunicipalityFactory(name="Castrop")
    MeetingFactory(series=series, number=14, host=beta)
    fifteenth = MeetingFactory(series=series, number=15, host=alpha, audience={"districts": [1]})
    AgendaItemFactory(meeting=fifteenth, position=0, title="Begrüßung", duration_minutes=10)
    AgendaItemFactory(meeting=fifteenth, position=1, title="Bericht", duration_minutes=30)

    sixteenth = services.meeting_copy_next(meeting=fifteenth, organiser=staff_user)

    assert sixteenth.number == 16
    assert sixteenth.host.name == "Castrop"
    assert sixteenth.status == Meeting.Status.DRAFT
    assert sixteenth.audience == {"districts": [1]}
    assert list(sixteenth.agenda_items.values_list("title", "duration_minutes")) == [
        ("Begrüßung", 10),
        ("Bericht", 30),
    ]
    assert sixteenth.starts_at > fifteenth.starts_at
    assert AgendaItem.objects.filter(meeting=fifteenth).count() == 2
    assert Municipality.objects.count() >= 3


def test_open_action_items_stay_on_every_following_meeting_until_closed():
    series = SeriesFactory()
    now = timezone.now()
    first = MeetingFactory(series=series, starts_at=now - timedelta(days=180))
    second = MeetingFactory(series=series, starts_at=now - timedelta(days=90))
    third = MeetingFactory(series=series, starts_at=now + timedelta(days=1))
    task = ActionItemFactory(meeting=first)
    done_early = ActionItemFactory(meeting=first, status="done", closed_at=first.starts_at)

    assert selectors.action_items_carried_to(meeting=first) == []
    assert selectors.action_items_carried_to(meeting=second) == [task]
    assert selectors.action_items_carried_to(meeting=third) == [task]
    assert done_early not in selectors.action_items_carried_to(meeting=second)

    services.action_item_set_status(item=task, status="done")

    # The following meeting no longer lists it; the meeting that took place keeps its history.
    assert selectors.action_items_carried_to(meeting=third) == []
    assert selectors.action_items_carried_to(meeting=second) == [task]


def test_action_item_create_requires_owner_and_due_date(municipality):
    meeting = MeetingFactory()

    with pytest.raises(ValidationError) as error:
        services.action_item_create(meeting=meeting, data={"what": "Bericht"})

    assert set(error.value.message_dict) == {"owner_municipality", "due_on"}
    assert not meeting.action_items.exists()


def test_action_item_create_refuses_a_due_date_in_the_past(municipality):
    meeting = MeetingFactory()
    yesterday = timezone.localdate() - timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.action_item_create(
            meeting=meeting,
            data={"what": "Bericht", "owner_municipality": municipality, "due_on": yesterday},
        )

    assert "due_on" in error.value.message_dict


def test_action_item_update_and_reopen_keep_the_item(municipality):
    item = ActionItemFactory()
    later = timezone.localdate() + timedelta(days=30)

    services.action_item_update(
        item=item, data={"what": "Neu", "owner_municipality": municipality, "due_on": later}
    )
    services.action_item_set_status(item=item, status="dropped")
    closed = ActionItem.objects.get(pk=item.pk)
    services.action_item_set_status(item=item, status="open")
    reopened = ActionItem.objects.get(pk=item.pk)

    assert (closed.what, closed.owner_municipality, closed.due_on) == ("Neu", municipality, later)
    assert closed.closed_at is not None
    assert reopened.is_open
    assert reopened.closed_at is None


def test_action_item_is_overdue_only_while_open_and_past_due():
    past = timezone.localdate() - timedelta(days=1)

    assert ActionItemFactory(due_on=past).is_overdue
    assert not ActionItemFactory(due_on=past, status="done").is_overdue
    assert not ActionItemFactory().is_overdue


def test_action_items_list_filters_by_municipality_and_status(municipality):
    past = timezone.localdate() - timedelta(days=2)
    mine = ActionItemFactory(owner_municipality=municipality)
    overdue = ActionItemFactory(owner_municipality=municipality, due_on=past)
    ActionItemFactory(owner_municipality=municipality, status="done")
    ActionItemFactory()

    assert selectors.action_items_list(municipality_id=municipality.pk, status="open") == [
        overdue,
        mine,
    ]
    assert selectors.action_items_list(status="overdue") == [overdue]
    assert len(selectors.action_items_list()) == 4


def test_calendar_feed_create_again_replaces_the_token(staff_user):
    _feed, first = services.calendar_feed_create(user=staff_user)

    feed, second = services.calendar_feed_create(user=staff_user)

    assert first != second
    assert selectors.calendar_feed_by_token(token=first) is None
    assert selectors.calendar_feed_by_token(token=second) == feed
    services.calendar_feed_revoke(user=staff_user)
    assert selectors.calendar_feed_of(user=staff_user) is None


def test_response_overview_counts_and_groups():
    meeting = MeetingFactory()
    town = MunicipalityFactory(name="Altena")
    InvitationFactory(meeting=meeting, representative=RepresentativeFactory(municipality=town))
    InvitationFactory(
        meeting=meeting,
        representative=RepresentativeFactory(municipality=town),
        response="accepted",
    )
    InvitationFactory(meeting=meeting, response="declined")

    overview = selectors.response_overview(meeting=meeting)

    assert overview.total == 3
    assert overview.counts["accepted"][1] == 1
    assert overview.counts["open"][1] == 1
    assert len(overview.not_answered) == 1
    assert len(overview.by_municipality[town]) == 2


def test_series_reminders_default_to_a_week_and_a_day_before():
    assert SeriesFactory().reminder_offsets == [7, 1]
