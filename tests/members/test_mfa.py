"""Staff and admins need a second factor before they can use the portal."""

import pytest
from django.urls import reverse
from django.urls.resolvers import URLResolver

from tests.factories import AdminUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [StaffUserFactory, AdminUserFactory])
@pytest.mark.parametrize("url_name", ["home", "meetings:list", "admin:index"])
def test_staff_without_second_factor_are_sent_to_enrolment(factory, url_name, client_for):
    user = factory(second_factor=False)

    response = client_for(user).get(reverse(url_name))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_staff_without_second_factor_may_open_the_enrolment_and_log_out(client_for):
    client = client_for(StaffUserFactory(second_factor=False))

    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_staff_with_second_factor_use_the_portal(client_for, staff_user):
    assert client_for(staff_user).get(reverse("meetings:list")).status_code == 200


def test_representatives_may_opt_in_from_the_profile(client_for, representative_user):
    profile = client_for(representative_user).get(reverse("members:profile"))

    assert reverse("mfa_index") in profile.content.decode()
    assert client_for(representative_user).get(reverse("home")).status_code == 200


def test_staff_without_second_factor_get_not_found_for_an_unknown_address(client_for):
    response = client_for(StaffUserFactory(second_factor=False)).get("/keine-seite/")

    assert response.status_code == 404


def test_the_check_uses_the_handlers_resolution_of_the_address(
    monkeypatch, client_for, representative_user
):
    """One URL resolution per request: the middleware reads request.resolver_match."""
    resolved = []
    original = URLResolver.resolve

    def counting(self, path):
        match = original(self, path)
        if self.pattern.regex.pattern == "^/":  # the root resolver, not included ones
            resolved.append(path)
        return match

    monkeypatch.setattr(URLResolver, "resolve", counting)

    response = client_for(representative_user).get(reverse("meetings:list"))

    assert response.status_code == 200
    assert resolved == [reverse("meetings:list")]
