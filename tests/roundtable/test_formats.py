"""English dates in British/ISO style; German keeps its own."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format

from tests.factories import InvitationFactory, MeetingFactory

BERLIN = ZoneInfo("Europe/Berlin")
MEETING_START = datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)


def test_english_dates_are_day_month_year_with_24_hour_time():
    with translation.override("en"):
        assert date_format(MEETING_START, "DATETIME_FORMAT") == "10 Dec 2026, 10:00"
        assert date_format(MEETING_START, "DATE_FORMAT") == "10 Dec 2026"
        assert time_format(MEETING_START.time(), "TIME_FORMAT") == "10:00"
        assert date_format(date(2027, 1, 21), "SHORT_DATE_FORMAT") == "2027-01-21"
        assert date_format(MEETING_START, "SHORT_DATETIME_FORMAT") == "2026-12-10 10:00"


def test_german_dates_stay_german():
    with translation.override("de"):
        assert date_format(MEETING_START, "DATETIME_FORMAT") == "10. Dezember 2026 10:00"
        assert date_format(date(2027, 1, 21), "SHORT_DATE_FORMAT") == "21.01.2027"


def test_english_date_inputs_show_and_accept_iso_and_british_dates():
    class DueForm(forms.Form):
        due_on = forms.DateField()

    with translation.override("en"):
        rendered = str(DueForm(initial={"due_on": date(2027, 1, 21)})["due_on"])
        british = DueForm(data={"due_on": "21/01/2027"})
        iso = DueForm(data={"due_on": "2027-01-21"})

        assert 'value="2027-01-21"' in rendered
        assert british.is_valid() and british.cleaned_data["due_on"] == date(2027, 1, 21)
        assert iso.is_valid() and iso.cleaned_data["due_on"] == date(2027, 1, 21)


@pytest.mark.django_db
def test_meeting_page_in_english_shows_a_british_date(representative_user, client_for):
    representative_user.language = "en"
    representative_user.save(update_fields=["language"])
    meeting = MeetingFactory(starts_at=MEETING_START, ends_at=MEETING_START.replace(hour=12))
    InvitationFactory(meeting=meeting, representative=representative_user.representatives.get())

    response = client_for(representative_user).get(reverse("meetings:detail", args=[meeting.pk]))

    content = response.content.decode()
    assert "10 Dec 2026, 10:00" in content
    assert "a.m." not in content
    assert "Dec. 10" not in content
