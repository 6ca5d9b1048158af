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
