"""Random and hostile data posted to forms: never a server error, never foreign data changed."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.hostile import hostile_value

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# (name, role, url name, args(world), {field: kind}) of every form; features add theirs here.
FORMS = [
    (
        "log in",
        "anonymous",
        "account_login",
        lambda world: [],
        {"login": "text", "password": "text"},
    ),
    (
        "password reset",
        "anonymous",
        "account_reset_password",
        lambda world: [],
        {"email": "text"},
    ),
    (
        "language",
        "representative",
        "set_language",
        lambda world: [],
        {"language": "text", "next": "text"},
    ),
    (
        "sign-up",
        "anonymous",
        "account_signup",
        lambda world: [],
        {"email": "text", "password1": "text", "password2": "text"},
    ),
]


def snapshot():
    """Everything a hostile form post must leave alone."""
    from meetings.models import Invitation, Meeting
    from members.models import Municipality, Representative, User
    from practices.models import Practice

    return {
        "users": list(
            User.objects.order_by("pk").values_list("pk", "email", "is_staff", "is_superuser")
        ),
        "municipalities": list(Municipality.objects.order_by("pk").values()),
        "representatives": list(Representative.objects.order_by("pk").values()),
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "practices": list(Practice.objects.order_by("pk").values()),
    }


@pytest.mark.parametrize(
    ("name", "role", "url_name", "args", "fields"), FORMS, ids=[f[0] for f in FORMS]
)
def test_hostile_form_posts_never_fail_and_change_nothing_foreign(
    name, role, url_name, args, fields, role_users, client_for, world
):
    client = client_for(role_users[role])
    url = reverse(url_name, args=args(world))
    before = snapshot()

    @HYPOTHESIS
    @given(
        payload=st.fixed_dictionaries(
            {field: hostile_value(kind) for field, kind in fields.items()}
        )
    )
    def post(payload):
        response = client.post(url, payload)
        assert response.status_code < 500

    post()

    assert snapshot() == before
