"""The staff's working week in a real browser, with axe on every page visited."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.demo_data import DEMO_PASSWORD, demo_data_load
from meetings.models import ActionItem, Invitation, Meeting
from notifications.models import Mailing, OutgoingMessage, scope_for
from notifications.services import mailings_expand
from tests.e2e.conftest import totp_code_for
from tests.e2e.test_accessibility import AXE_JS, describe, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(browser, browser_context_args):
    # axe is injected as a script; the portal's CSP would (rightly) refuse it.
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    page = context.new_page()
    # A long walk through many pages on a shared machine: generous, but still bounded.
    page.set_default_timeout(30_000)
    yield page
    context.close()


def check(page):
    """axe finds nothing on the page as it is now."""
    results = run_axe(page)
    assert results["violations"] == [], f"{page.url}\n{describe(results['violations'])}"


def test_staff_week_from_planning_to_a_closed_action_item(staff_page, live_server, settings):
    assert AXE_JS.exists(), "axe-core is missing: npm ci --prefix tests/e2e/axe"
    settings.SITE_URL = live_server.url
    demo_data_load()
    page = staff_page
    fifteenth = Meeting.objects.get(number=15)

    # Log in with password and the second factor.
    page.goto(f"{live_server.url}/konto/login/")
    check(page)
    page.get_by_label("E-Mail-Adresse").fill("team@example.org")
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/2fa/authenticate/"))
    check(page)
    page.locator("input[name=code]").fill(totp_code_for("team@example.org"))
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("#work-list-heading")).to_be_visible()
    check(page)

    # Plan the next meeting from the last one.
    page.goto(f"{live_server.url}/treffen/{fifteenth.pk}/")
    check(page)
    page.get_by_role("button", name="Nächstes Treffen dieser Reihe planen").click()
    page.wait_for_url(re.compile(r"/treffen/\d+/bearbeiten/$"))
    check(page)
    page.locator("#id_title").fill("Smart City im ländlichen Raum")
    page.locator("#id_online_url").fill("https://konferenz.example.org/runder-tisch-16")
    page.get_by_role("button", name="Speichern").click()
    sixteenth = Meeting.objects.get(number=16)

    # Build the agenda.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Tagesordnung").click()
    check(page)
    page.locator("#id_new-title").fill("Bericht der Pionierkommunen")
    page.locator("#id_new-duration_minutes").fill("30")
    page.get_by_role("button", name="Tagesordnungspunkt hinzufügen").click()
    expect(page.locator(".agenda-editor tbody th").last).to_have_text("Bericht der Pionierkommunen")

    # Invite the pioneers of Smart Cities.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Einladen").click()
    check(page)
    page.get_by_label("Smart Cities: 5 für Südwestfalen: Pionierkommune").check()
    page.get_by_role("button", name="Anzeigen, wer eingeladen wird").click()
    check(page)
    page.get_by_role("button", name="Einladungen verschicken").click()
    expect(page.locator("h1")).to_contain_text("Rückmeldungen")
    check(page)
    invited = set(
        Invitation.objects.filter(meeting=sixteenth).values_list("on_behalf_of__name", flat=True)
    )
    assert invited == {"Arnsberg", "Bad Berleburg", "Menden (Sauerland)", "Olpe", "Soest"}

    # Change the time: staff see how many people the update reaches and send it.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Bearbeiten").click()
    page.locator("#id_starts_at").fill(
        timezone.localtime(sixteenth.starts_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("#id_ends_at").fill(
        timezone.localtime(sixteenth.ends_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#update-confirmation")).to_contain_text("an 5 Personen")
    check(page)
    page.get_by_role("button", name="Speichern und Aktualisierung an 5 Personen senden").click()
    expect(page.locator(".messages")).to_contain_text("5 Personen erhalten eine Aktualisierung")
    check(page)
    # One update mailing was recorded with the change; its expansion (the task's work) writes
    # one message per person whose calendar holds the meeting.
    (update,) = Mailing.objects.filter(kind="update", scope=scope_for(sixteenth))
    mailings_expand(mailing_ids=[update.pk])
    assert OutgoingMessage.objects.filter(mailing=update).count() == 5

    # Olpe accepts; remind those who have not answered.
    Invitation.objects.filter(meeting=sixteenth, on_behalf_of__name="Olpe").update(
        response="accepted", responded_at=timezone.now()
    )
    page.locator("nav.meeting-tabs").get_by_role("link", name="Rückmeldungen").click()
    page.get_by_role("link", name="Jetzt an die Rückmeldung erinnern").click()
    check(page)
    page.get_by_role("button", name="4 Erinnerungen verschicken").click()
    expect(page.locator(".messages")).to_contain_text("4 Erinnerungen werden verschickt.")
    (nudge,) = Mailing.objects.filter(kind="response_nudge", scope=scope_for(sixteenth))
    assert len(nudge.params["invitation_ids"]) == 4
    check(page)

    # The day comes and the meeting is held (the clock is moved by moving the meeting).
    now = timezone.now()
    Meeting.objects.filter(pk=sixteenth.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    page.locator("nav.meeting-tabs").get_by_role("link", name="Teilnahme").click()
    check(page)
    page.get_by_role("button", name="Teilnahme speichern").click()
    check(page)
    assert Invitation.objects.get(meeting=sixteenth, on_behalf_of__name="Olpe").attended is True

    # Publish the minutes and agree on an action item.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Protokoll").click()
    check(page)
    page.locator("#id_text").fill("## Ergebnisse\n\nDie Pionierkommunen berichten.")
    page.get_by_role("button", name="Speichern und veröffentlichen").click()
    expect(page.locator(".messages")).to_contain_text("Das Protokoll wurde veröffentlicht.")
    page.locator("nav.meeting-tabs").get_by_role("link", name="Aufgaben").click()
    check(page)
    page.locator("#id_what").fill("Förderaufruf an alle Kommunen weitergeben")
    page.locator("#id_owner_municipality").select_option(label="Soest")
    page.locator("#id_due_on").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Aufgabe hinzufügen").click()
    item = ActionItem.objects.get(meeting=sixteenth)

    # Plan the following meeting: the open item is carried there and closed there.
    page.locator("nav.meeting-tabs").get_by_role("link", name="Übersicht").click()
    page.get_by_role("button", name="Nächstes Treffen dieser Reihe planen").click()
    page.wait_for_url(re.compile(r"/treffen/\d+/bearbeiten/$"))
    seventeenth = Meeting.objects.get(number=17)
    page.goto(f"{live_server.url}/treffen/{seventeenth.pk}/")
    carried = page.locator("#action-item-" + str(item.pk))
    expect(carried).to_contain_text("Förderaufruf an alle Kommunen weitergeben")
    check(page)
    carried.get_by_role("button", name=re.compile("^Als erledigt markieren")).click()
    expect(page.locator(".messages")).to_contain_text("Die Aufgabe wurde abgeschlossen.")
    check(page)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    expect(page.locator("#action-item-" + str(item.pk))).to_have_count(0)
