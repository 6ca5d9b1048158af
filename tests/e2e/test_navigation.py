import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def nav_links(page):
    return page.locator("nav.main-nav").inner_text()


def test_anonymous_visitor_sees_log_in_link(page, live_server):
    page.goto(live_server.url)

    assert page.locator("html").get_attribute("lang") == "de"
    assert "Anmelden" in nav_links(page)
    assert "Verwaltung" not in nav_links(page)


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        ("representative", ["Start", "Mein Konto", "Abmelden"], ["Verwaltung", "Anmelden"]),
        ("staff", ["Start", "Verwaltung", "Mein Konto"], ["Anmelden"]),
        ("admin", ["Start", "Verwaltung", "Mein Konto"], ["Anmelden"]),
    ],
)
def test_each_role_logs_in_and_sees_its_navigation(role, expected, absent, role_users, page, login):
    user = role_users[role]

    login(user.email, PASSWORD)

    links = nav_links(page)
    for label in expected:
        assert label in links
    for label in absent:
        assert label not in links


def test_skip_link_moves_focus_to_the_content(page, live_server):
    page.goto(live_server.url)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("language", ["de", "en"])
def test_nothing_overflows_a_390_pixel_wide_screen(language, browser, live_server):
    # The browser's language decides the page's (English words are longer in places).
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=language)
    page = context.new_page()
    page.goto(f"{live_server.url}/konto/login/", wait_until="load")
    assert page.locator("html").get_attribute("lang") == language

    widths = page.evaluate(
        "() => { const footer = document.querySelector('.site-footer');"
        " return {page: document.documentElement.scrollWidth,"
        " viewport: document.documentElement.clientWidth,"
        " footer: footer.scrollWidth, footerBox: footer.clientWidth,"
        " widest: Math.max(...[...footer.querySelectorAll('*')]"
        "   .map((e) => e.getBoundingClientRect().right))}; }"
    )
    context.close()

    assert widths["page"] <= widths["viewport"], widths
    assert widths["footer"] <= widths["footerBox"], widths
    assert widths["widest"] <= widths["viewport"], widths
