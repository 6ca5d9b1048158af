"""The main flows work with the keyboard alone (Tab, typing, Enter), no mouse."""

import pytest

from meetings.models import AgendaItem, Invitation
from tests.e2e.conftest import log_in_through_form
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    DistrictFactory,
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
)
from tests.practices.factories import IndexedPracticeFactory

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
    log_in_through_form(page, live_server, user.email, PASSWORD)


def test_respond_to_an_invitation_with_the_keyboard_only(page, live_server, representative_user):
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


def test_arrowing_through_a_filter_keeps_the_page_until_the_filters_are_applied(
    page, live_server, representative_user
):
    for district_name, title in [("Kreis Olpe", "Dorfladen"), ("Kreis Soest", "Neubürgerfest")]:
        municipality = MunicipalityFactory(district=DistrictFactory(name=district_name))
        IndexedPracticeFactory(title=title, municipalities=[municipality])
    log_in_as(page, live_server, representative_user)
    page.goto(f"{live_server.url}/praxisbeispiele/")
    list_url = page.url

    tab_to(page, lambda e: e["id"] == "id_kreis")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)

    # WCAG 3.2.2: choosing an option changes nothing until the person asks for it.
    assert page.url == list_url
    assert focused(page)["id"] == "id_kreis"
    assert "Dorfladen" in page.locator("main").inner_text()
    assert "Neubürgerfest" in page.locator("main").inner_text()
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Filter anwenden")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "kreis=" in page.url
    assert page.locator(".practice-card").count() == 1


def wait_for_agenda_row(page, *, index, item):
    page.wait_for_function(
        "([index, id]) => document.querySelectorAll('tbody tr[data-item]')[index]"
        "?.dataset.item === id",
        arg=[index, str(item.pk)],
    )


def test_moving_an_agenda_item_keeps_focus_on_it_and_announces_its_position(
    page, live_server, staff_user
):
    meeting = MeetingFactory(title="Agenda umstellen")
    first = AgendaItemFactory(meeting=meeting, position=0, title="Begrüßung")
    AgendaItemFactory(meeting=meeting, position=1, title="Willkommenstasche")
    AgendaItemFactory(meeting=meeting, position=2, title="Verschiedenes")
    log_in_as(page, live_server, staff_user)
    page.goto(f"{live_server.url}/treffen/{meeting.pk}/tagesordnung/")

    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Nach unten: Begrüßung")
    page.keyboard.press("Enter")
    wait_for_agenda_row(page, index=1, item=first)

    page.wait_for_function(
        "id => document.querySelector(`tbody tr[data-item='${id}']`)"
        ".contains(document.activeElement)",
        arg=str(first.pk),
    )
    assert focused(page)["text"] == "Nach unten: Begrüßung"
    announcement = page.locator("#agenda-announcement")
    page.wait_for_function("() => document.getElementById('agenda-announcement')?.textContent")
    assert announcement.get_attribute("role") == "status"
    assert announcement.text_content() == "„Begrüßung“ ist jetzt Punkt 2 von 3."

    # At the bottom the other direction keeps the focus.
    page.keyboard.press("Enter")
    wait_for_agenda_row(page, index=2, item=first)
    page.wait_for_function(
        "() => document.activeElement.textContent.trim() === 'Nach oben: Begrüßung'"
    )
    page.wait_for_function(
        "() => document.getElementById('agenda-announcement').textContent.includes('3 von 3')"
    )
