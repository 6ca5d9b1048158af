import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.demo_data import DEMO_PASSWORD, demo_data_load
from meetings.models import Invitation, Meeting
from meetings.tokens import response_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_run_the_sixteenth_meeting_from_copy_to_minutes(page, live_server, login, settings):
    settings.SITE_URL = live_server.url
    demo_data_load()
    fifteenth = Meeting.objects.get(number=15)

    # Staff copy the 15th meeting into the 16th.
    login("team@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/treffen/{fifteenth.pk}/")
    page.get_by_role("button", name="Nächstes Treffen dieser Reihe planen").click()
    page.wait_for_url(re.compile(r"/treffen/\d+/bearbeiten/$"))
    page.locator("#id_title").fill("Fachkräfte gewinnen")
    page.locator("#id_online_url").fill("https://konferenz.example.org/runder-tisch-16")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("h1")).to_contain_text("16. Runder Tisch")
    sixteenth = Meeting.objects.get(number=16)
    assert sixteenth.agenda_items.count() == fifteenth.agenda_items.count()

    # Build the agenda: add an item and move it up by one.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Tagesordnung").click()
    page.locator("#id_new-title").fill("Vorstellung der Gastgeberkommune")
    page.locator("#id_new-duration_minutes").fill("20")
    page.get_by_role("button", name="Tagesordnungspunkt hinzufügen").click()
    rows = page.locator(".agenda-editor tbody th")
    expect(rows.last).to_have_text("Vorstellung der Gastgeberkommune")
    new_row = page.locator(".agenda-editor tbody tr", has_text="Vorstellung der Gastgeberkommune")
    new_row.get_by_role("button", name=re.compile("^Nach oben")).click()
    expect(rows.nth(rows.count() - 2)).to_have_text("Vorstellung der Gastgeberkommune")

    # Invite the district Märkischer Kreis after looking at the preview.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Einladen").click()
    page.get_by_label("Märkischer Kreis", exact=True).check()
    page.get_by_role("button", name="Anzeigen, wer eingeladen wird").click()
    expect(page.locator(".preview")).to_contain_text("Mara Muster")
    assert not Invitation.objects.filter(meeting=sixteenth).exists()
    page.get_by_role("button", name="Einladungen verschicken").click()
    expect(page.locator("h1")).to_contain_text("Rückmeldungen")
    invitation = Invitation.objects.get(
        meeting=sixteenth, representative__email="werdohl@example.org"
    )
    assert (
        Invitation.objects.filter(meeting=sixteenth)
        .exclude(on_behalf_of__district__name="Märkischer Kreis")
        .count()
        == 0
    )

    # The representative answers with the link from the mail, without logging in.
    mail_page = page.context.browser.new_page(locale="de-DE")
    mail_page.goto(response_url(invitation, "accepted"))
    mail_page.get_by_role("button", name="Rückmeldung bestätigen: Zusage").click()
    expect(mail_page.locator("h1")).to_have_text("Vielen Dank")
    mail_page.close()

    # Staff see the response.
    page.reload()
    row = page.locator(".response-table tr", has_text="Mara Muster")
    expect(row).to_contain_text("Zusage")

    # Before the meeting, attendance cannot be recorded yet.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Teilnahme").click()
    expect(page.locator("main")).to_contain_text("sobald das Treffen begonnen hat")

    # The day comes: the meeting starts (the clock is moved by moving the meeting).
    now = timezone.now()
    Meeting.objects.filter(pk=sixteenth.pk).update(
        starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=90)
    )

    # Staff record attendance and publish the minutes.
    page.reload()
    present = page.get_by_label("Mara Muster (Werdohl)")
    expect(present).to_be_checked()
    page.get_by_role("button", name="Teilnahme speichern").click()
    page.goto(f"{live_server.url}/treffen/{sixteenth.pk}/protokoll/")
    page.locator("#id_text").fill(
        "## Ergebnisse\n\nWerdohl berichtet über die **Willkommenstasche**."
    )
    page.get_by_role("button", name="Speichern und veröffentlichen").click()
    expect(page.locator(".messages")).to_contain_text("Das Protokoll wurde veröffentlicht.")
    invitation.refresh_from_db()
    assert invitation.attended is True

    # The representative reads the minutes.
    page.context.clear_cookies()
    login("werdohl@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/treffen/{sixteenth.pk}/")
    minutes = page.locator(".minutes")
    expect(minutes).to_contain_text("Werdohl berichtet über die Willkommenstasche.")
    expect(minutes.locator("strong")).to_have_text("Willkommenstasche")
    expect(page.locator("#response-heading")).to_be_visible()
