"""The main flows work with the keyboard alone (Tab, typing, Enter), no mouse."""

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 40


def focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),"
        " text: e.textContent.trim()}; }"
    )


def tab_to(page, matches):
    """Press Tab until ``matches(focused element)``; fail if it is never reached."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
        seen.append(element)
    raise AssertionError(f"not reachable with Tab; focus went through {seen}")


def test_log_in_with_the_keyboard_only(page, live_server, representative_user):
    page.goto(live_server.url)

    link = tab_to(page, lambda e: e["tag"] == "a" and e["text"] == "Anmelden")
    assert link
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/konto/login/")
    tab_to(page, lambda e: e["name"] == "login")
    page.keyboard.type(representative_user.email)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/")
    assert "Abmelden" in page.locator("nav.main-nav").inner_text()
    assert "Anmelden" not in page.locator("nav.main-nav").inner_text()


def test_focus_is_visible_on_every_stop_of_the_log_in_page(page, live_server):
    page.goto(f"{live_server.url}/konto/login/")

    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert outline[0] != "none" and outline[1] != "0px", focused(page)


def test_switch_language_with_the_keyboard(page, live_server):
    page.goto(f"{live_server.url}/konto/login/")
    assert page.locator("html").get_attribute("lang") == "de"

    tab_to(page, lambda e: e["id"] == "language-select")
    page.keyboard.type("English")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Ändern"
    page.keyboard.press("Enter")

    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url == f"{live_server.url}/konto/login/"
    assert page.locator("h1").inner_text() == "Log in"
    # The choice holds on the next page.
    page.goto(live_server.url)
    assert page.locator("html").get_attribute("lang") == "en"


def log_in_as(page, live_server, user):
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server.url}/")


def test_respond_to_an_invitation_with_the_keyboard_only(page, live_server, representative_user):
    from meetings.models import Invitation
    from tests.factories import InvitationFactory, MeetingFactory

    representative = representative_user.representatives.get()
    meeting = MeetingFactory(title="Digitaler Austausch", host=representative.municipality)
    invitation = InvitationFactory(meeting=meeting, representative=representative)
    log_in_as(page, live_server, representative_user)
    page.goto(f"{live_server.url}/treffen/{meeting.pk}/")

    tab_to(page, lambda e: e["name"] == "response")
    # Radio buttons: the arrow keys move between the answers, Space chooses.
    page.keyboard.press("Space")
    chosen = page.evaluate("document.activeElement.value")
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Rückmeldung speichern")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    invitation.refresh_from_db()
    assert invitation.response == chosen
    assert invitation.response != Invitation.Response.OPEN


def test_search_the_library_with_the_keyboard_only(page, live_server, representative_user):
    from tests.practices.factories import IndexedPracticeFactory

    IndexedPracticeFactory(title="Willkommenstasche")
    IndexedPracticeFactory(title="Dorfladen")
    log_in_as(page, live_server, representative_user)
    page.goto(f"{live_server.url}/praxisbeispiele/")

    tab_to(page, lambda e: e["name"] == "q")
    page.keyboard.type("Willkommenstaschen")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Willkommenstaschen**")

    cards = page.locator("main").inner_text()
    assert "Willkommenstasche" in cards
    assert "Dorfladen" not in cards


def test_build_an_agenda_with_the_keyboard_only(page, live_server, staff_user):
    from meetings.models import AgendaItem
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(title="Agenda per Tastatur")
    log_in_as(page, live_server, staff_user)
    page.goto(f"{live_server.url}/treffen/{meeting.pk}/tagesordnung/")

    tab_to(page, lambda e: e["name"] == "new-title")
    page.keyboard.type("Begrüßung")
    tab_to(page, lambda e: e["name"] == "new-duration_minutes")
    page.keyboard.press("Control+A")
    page.keyboard.type("20")
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Tagesordnungspunkt hinzufügen")
    page.keyboard.press("Enter")
    # The agenda editor updates the list in place (or reloads without JavaScript).
    page.locator("main table, main ol, main ul").get_by_text("Begrüßung").first.wait_for()

    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.title, item.duration_minutes) == ("Begrüßung", 20)
