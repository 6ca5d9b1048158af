"""Rendered pages per viewer (roundtable/page_cache.py): served again only while still true."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting
from members import permissions
from roundtable import page_cache
from tests import factories

pytestmark = pytest.mark.django_db


def _get(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return response


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, url)
    return response, len(queries)


def _client_with_cached_page(client_for, user, url):
    """A logged-in client whose page is cached: the first request hands out the CSRF cookie,
    the second is stored."""
    client = client_for(user)
    _get(client, url)
    _get(client, url)
    return client


@pytest.fixture
def meeting():
    return factories.MeetingFactory(title="Willkommenstasche in Werdohl")


def test_second_request_is_served_without_rendering_again(client_for, staff_user, meeting):
    client = client_for(staff_user)
    url = reverse("meetings:list")
    _get(client, url)  # the browser receives its CSRF cookie with the first page
    rendered, rendered_queries = _queries_for(client, url)
    cached, cached_queries = _queries_for(client, url)

    assert cached.content == rendered.content
    assert "Willkommenstasche in Werdohl" in cached.content.decode()
    # Only the session and the user are read; the page's own queries are skipped.
    assert cached_queries < rendered_queries
    assert cached_queries <= 2


def test_model_change_shows_on_the_next_request(client_for, staff_user, meeting):
    url = reverse("meetings:list")
    client = _client_with_cached_page(client_for, staff_user, url)

    meeting.title = "Neubürgerempfang in Olpe"
    meeting.save()

    page = _get(client, url).content.decode()
    assert "Neubürgerempfang in Olpe" in page
    assert "Willkommenstasche in Werdohl" not in page


def test_any_post_request_invalidates_pages_also_after_bulk_updates(
    client_for, staff_user, meeting
):
    url = reverse("meetings:list")
    client = _client_with_cached_page(client_for, staff_user, url)

    # A bulk update sends no signals: the cached page stays as it was ...
    Meeting.objects.filter(pk=meeting.pk).update(title="Neubürgerempfang in Olpe")
    assert "Willkommenstasche in Werdohl" in _get(client, url).content.decode()

    # ... until a request that may write has been answered.
    client.post(reverse("set_language"), {"language": "de", "next": url})
    assert "Neubürgerempfang in Olpe" in _get(client, url).content.decode()


def test_pages_are_never_shared_between_viewers(
    client_for, representative_user, other_representative_user
):
    url = reverse("home")
    first = client_for(representative_user)
    _get(first, url)
    _get(first, url)
    second = client_for(other_representative_user)
    _get(second, url)
    page = _get(second, url).content.decode()

    assert "Olpe" in page  # the other representative's municipality
    assert "Werdohl" not in page


def test_each_browser_gets_form_tokens_for_its_own_csrf_secret(client_for, staff_user, meeting):
    url = reverse("meetings:list")
    # Both log in first: a log-in is a write and would give the second browser a new version.
    browsers = [client_for(staff_user), client_for(staff_user)]
    for browser in browsers:
        _get(browser, url)
        page = _get(browser, url).content.decode()
        secret = browser.cookies[settings.CSRF_COOKIE_NAME].value
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert tokens
        assert all(_does_token_match(token, secret) for token in tokens)
    first_secret, second_secret = (b.cookies[settings.CSRF_COOKIE_NAME].value for b in browsers)
    assert first_secret != second_secret


def test_a_pending_message_is_shown_even_when_the_page_is_cached(client_for, staff_user, meeting):
    client = client_for(staff_user)
    url = reverse("meetings:detail", args=[meeting.pk])
    _get(client, url)

    response = client.post(reverse("meetings:cancel", args=[meeting.pk]))
    assert response.status_code == 302
    assert "messages" in client.cookies
    # The same person in the same browser session, without the pending message (another
    # tab), has the page cached already.
    other_tab = Client()
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        other_tab.cookies[name] = client.cookies[name].value
    _get(other_tab, url)
    assert "Das Treffen wurde abgesagt." not in _get(other_tab, url).content.decode()

    assert "Das Treffen wurde abgesagt." in _get(client, url).content.decode()
    assert "Das Treffen wurde abgesagt." not in _get(client, url).content.decode()


def test_language_is_part_of_the_key(client_for, staff_user, meeting):
    client = client_for(staff_user)
    url = reverse("meetings:list")
    _get(client, url)
    german = _get(client, url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    if settings.LANGUAGE_COOKIE_NAME in client.cookies:
        pytest.fail("the test client must not carry a language cookie here")
    assert 'lang="de"' in german
    assert 'lang="en"' in english


def test_anonymous_visitors_are_rendered_every_time(client):
    url = reverse("home")
    client.get(url)
    _, first = _queries_for(client, url)
    _, second = _queries_for(client, url)
    assert first == second


def test_turned_off_with_zero_seconds(settings, client_for, staff_user, meeting):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(staff_user)
    url = reverse("meetings:list")
    _get(client, url)
    _, first = _queries_for(client, url)
    _, second = _queries_for(client, url)
    assert first == second > 2


def test_a_flushed_cache_never_reuses_an_earlier_version(django_capture_on_commit_callbacks):
    (before,) = page_cache.content_versions((page_cache.MEETINGS,))
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.content_changed_on_commit((page_cache.MEETINGS,))
    (after_change,) = page_cache.content_versions((page_cache.MEETINGS,))
    assert after_change == before + 2  # now and after commit

    from django.core.cache import cache

    cache.clear()
    assert page_cache.content_versions((page_cache.MEETINGS,))[0] > after_change


def test_a_change_drops_only_the_pages_that_show_it(client_for, staff_user, meeting):
    practice = factories.PracticeFactory(title="Willkommenstasche")
    client = client_for(staff_user)
    meetings_url, practices_url = reverse("meetings:list"), reverse("practices:list")
    for url in (meetings_url, practices_url, meetings_url, practices_url):
        _get(client, url)

    practice.title = "Neubürgerfrühstück"
    practice.save()

    assert "Neubürgerfrühstück" in _get(client, practices_url).content.decode()
    _, meeting_list_queries = _queries_for(client, meetings_url)
    assert meeting_list_queries <= 2  # still the cached page


def test_a_log_in_elsewhere_keeps_the_pages(client_for, staff_user, meeting):
    url = reverse("meetings:list")
    client = _client_with_cached_page(client_for, staff_user, url)

    client_for(staff_user)  # the same person logs in on another device

    _, queries = _queries_for(client, url)
    assert queries <= 2


def test_role_changes_apply_on_the_next_request(client_for, staff_user, meeting):
    url = reverse("meetings:responses", args=[meeting.pk])
    client = _client_with_cached_page(client_for, staff_user, url)

    staff_user.groups.remove(Group.objects.get(name=permissions.STAFF_GROUP_NAME))

    assert client.get(url).status_code == 403


def test_an_ended_term_of_office_applies_on_the_next_request(client_for, representative_user):
    url = reverse("meetings:list")
    client = _client_with_cached_page(client_for, representative_user, url)

    representative = representative_user.representatives.get()
    representative.starts_on = representative.starts_on.replace(year=2000)
    representative.ends_on = representative.starts_on.replace(year=2001)
    representative.save()

    assert client.get(url).status_code == 403


def test_versions_read_in_a_request_follow_its_own_writes(rf):
    seen = []

    def view(request):
        seen.append(page_cache.content_versions((page_cache.PRACTICES,)))
        page_cache.content_changed((page_cache.PRACTICES,))
        seen.append(page_cache.content_versions((page_cache.PRACTICES,)))
        return HttpResponse("ok")

    page_cache.ContentChangeMiddleware(view)(rf.get("/"))

    assert seen[1][0] == seen[0][0] + 1


def test_a_library_change_announced_by_the_practices_drops_library_pages(
    client_for, staff_user, django_capture_on_commit_callbacks
):
    from practices.cache import library_changed

    url = reverse("practices:list")
    client = _client_with_cached_page(client_for, staff_user, url)
    assert _queries_for(client, url)[1] <= 2

    with django_capture_on_commit_callbacks(execute=True):
        library_changed()  # e.g. after `practices_reindex`

    assert _queries_for(client, url)[1] > 2
