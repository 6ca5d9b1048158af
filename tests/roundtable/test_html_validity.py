"""Every main page parses as HTML without a single parse error (html5lib, the HTML5 algorithm)."""

from collections import Counter

import html5lib
import pytest
from html5lib.constants import E as ERROR_MESSAGES

from tests.main_pages import MAIN_PAGES, RoleUsers, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(request):
    return RoleUsers(request)


def parse_errors(html):
    """The parse errors of ``html`` (what html5lib's strict mode would raise, all at once)
    and ids used more than once."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    document = parser.parse(html)
    lines = html.splitlines()
    errors = []
    for (line, column), code, data in parser.errors:
        message = ERROR_MESSAGES.get(code, code) % (data or {})
        source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        errors.append(f"line {line}, column {column}: {message}\n    {source[:160]}")
    ids = Counter(element.get("id") for element in document.iter() if element.get("id"))
    errors += [f"id {id_!r} is used {count} times" for id_, count in ids.items() if count > 1]
    return errors


def test_parse_errors_are_found():
    # Guards the check itself: a stray end tag and an unclosed element are errors.
    html = "<!DOCTYPE html><html lang=de><title>x</title><p>a</div><table><tr><td>b</table>"

    assert parse_errors(html)
    assert parse_errors("<!DOCTYPE html><html lang=de><title>x</title><p>ok</p>") == []
    assert parse_errors(
        '<!DOCTYPE html><html lang=de><title>x</title><p id="a">1</p><p id="a">2</p>'
    ) == ["id 'a' is used 2 times"]


def test_strict_mode_agrees_with_the_error_list():
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse("<!DOCTYPE html><title>x</title><p>a</div>")


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=lambda main_page: main_page.id)
def test_main_page_is_valid_html(main_page, users):
    client = signed_in_client(users[main_page.role])

    response = client.get(main_page.url(users))

    assert response.status_code == main_page.status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert html.lstrip().startswith("<!DOCTYPE html>")
    errors = parse_errors(html)
    assert errors == [], "\n".join(errors)
