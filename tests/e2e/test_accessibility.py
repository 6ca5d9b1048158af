"""axe-core checks every main page for each role in German and English (WCAG 2.0 and 2.1,
A and AA), and pages showing form errors."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.main_pages import LANGUAGES, MAIN_PAGES, RoleUsers, signed_in_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def users(request):
    return RoleUsers(request)


@pytest.fixture(params=LANGUAGES)
def language(request):
    return request.param


@pytest.fixture
def axe_page(browser, browser_context_args, language):
    # axe is injected as a script; the portal's CSP would (rightly) refuse it. The
    # browser's language chooses the page's for visitors; signed-in people have their own.
    context = browser.new_context(
        **{**browser_context_args, "locale": language},
        extra_http_headers={"Accept-Language": language},
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, live_server, user):
    """Give the browser the session of ``user`` without going through the form."""
    if user is None:
        return
    client = signed_in_client(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


def run_axe(page):
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )


def test_axe_finds_a_known_violation(axe_page):
    # Guards the check itself: a page that passes must have been examined.
    axe_page.set_content('<html lang="de"><body><main><img src="data:,"></main></body></html>')

    results = run_axe(axe_page)

    assert "image-alt" in [violation["id"] for violation in results["violations"]]


def speaks(user, language):
    """Signed-in people see the portal in the language of their profile."""
    if user is not None and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=lambda main_page: main_page.id)
def test_main_page_has_no_accessibility_violations(
    main_page, users, axe_page, live_server, language
):
    assert AXE_JS.exists(), "axe-core is missing: npm ci --prefix tests/e2e/axe"
    user = users[main_page.role]
    speaks(user, language)
    log_in(axe_page, live_server, user)

    response = axe_page.goto(live_server.url + main_page.url(users))
    assert response.status == main_page.status
    assert axe_page.locator("html").get_attribute("lang") == language
    results = run_axe(axe_page)

    assert len(results["passes"]) > 10
    assert results["violations"] == [], describe(results["violations"])


# Forms sent with errors: the error summary, messages and marked fields must pass too.
FORM_ERRORS = [
    ("staff", "/treffen/neu/", "button.button[type=submit]"),
    ("representative", "/praxisbeispiele/neu/", "main form button[type=submit]"),
    ("anonymous", "/konto/login/", "main form button[type=submit]"),
]


@pytest.mark.parametrize(("role", "path", "submit"), FORM_ERRORS, ids=[f[1] for f in FORM_ERRORS])
def test_form_with_errors_has_no_accessibility_violations(
    role, path, submit, users, axe_page, live_server, language
):
    user = users[role]
    speaks(user, language)
    log_in(axe_page, live_server, user)
    axe_page.goto(live_server.url + path)

    # Sent empty, without the browser's own checks, so that the portal answers with errors.
    axe_page.evaluate("() => document.querySelectorAll('form').forEach((f) => f.noValidate = true)")
    with axe_page.expect_navigation():
        axe_page.locator(submit).first.click()
    assert axe_page.locator(".errorlist, [aria-invalid=true]").count() > 0
    results = run_axe(axe_page)

    assert results["violations"] == [], describe(results["violations"])
