"""Hostile query strings on every list, search, export and feed page: never a server error.

The practice library (/praxisbeispiele/) has its own in test_hostile_get.py; new pages can use
the same helper (tests.security.hostile.assert_hostile_gets_never_fail).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.urls import reverse
from hypothesis import HealthCheck, settings

from notifications.models import scope_for
from tests.security.hostile import assert_hostile_gets_never_fail

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class HostileGet:
    name: str
    role: str
    url_name: str
    # The GET parameters the page reads; unknown ones are sent as well.
    params: tuple
    args: Callable = lambda world: []


OPARL_LIST_PARAMS = (
    "created_since",
    "created_until",
    "modified_since",
    "modified_until",
    "limit",
    "after",
    "omit_internal",
)
PAGES = [
    HostileGet("home", "representative", "home", ()),
    HostileGet("meeting list", "representative", "meetings:list", ("kommende", "seite")),
    HostileGet("meeting list for staff", "staff", "meetings:list", ("kommende", "seite")),
    HostileGet(
        "member directory", "representative", "members:directory", ("q", "district", "network")
    ),
    HostileGet("participation", "staff", "members:participation", ()),
    HostileGet("calendar subscription", "representative", "meetings:calendar_feed", ()),
    HostileGet("data export", "representative", "members:data_export", ()),
    HostileGet(
        "meeting detail", "representative", "meetings:detail", (), lambda world: [world.meeting.pk]
    ),
    HostileGet("meeting print", "staff", "meetings:print", (), lambda world: [world.meeting.pk]),
    HostileGet("meeting ics", "staff", "meetings:ics", (), lambda world: [world.meeting.pk]),
    HostileGet(
        "meeting mails",
        "staff",
        "notifications:scope_messages",
        (),
        lambda world: [scope_for(world.meeting)],
    ),
    HostileGet("mail previews", "staff", "notifications:preview_list", ()),
    HostileGet(
        "response link", "anonymous", "meetings:respond_by_link", (), lambda world: ["gefaelscht"]
    ),
    HostileGet("OParl bodies", "anonymous", "oparl:body_list", OPARL_LIST_PARAMS),
    HostileGet(
        "OParl meetings", "anonymous", "oparl:list", OPARL_LIST_PARAMS, lambda world: [1, "meeting"]
    ),
    HostileGet(
        "OParl papers", "anonymous", "oparl:list", OPARL_LIST_PARAMS, lambda world: [1, "paper"]
    ),
    HostileGet(
        "OParl meetings of a series",
        "anonymous",
        "oparl:organization_meetings",
        OPARL_LIST_PARAMS,
        lambda world: ["series", world.meeting.series_id],
    ),
    HostileGet("log-in", "anonymous", "account_login", ("next",)),
    HostileGet("sign-up", "anonymous", "account_signup", ("next",)),
]


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_hostile_query_strings_never_fail(page, role_users, client_for, world):
    client = client_for(role_users[page.role])
    assert_hostile_gets_never_fail(
        client, reverse(page.url_name, args=page.args(world)), page.params
    )


# The admin's change lists read search (q), ordering (o), page (p), "show all" and one
# parameter per list filter.
ADMIN_LIST_PARAMS = ("q", "o", "p", "all", "e", "_to_field", "_popup")
FEW_EXAMPLES = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _admin_filter_params(model_admin, request):
    names = []
    for spec in model_admin.get_list_filter(request):
        field = spec[0] if isinstance(spec, tuple) else spec
        if isinstance(field, str):
            names += [field, f"{field}__exact", f"{field}__id__exact", f"{field}__isnull"]
        else:
            names.append(getattr(field, "parameter_name", "") or "filter")
    return tuple(names)


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_hostile_query_strings_never_fail_in_admin_lists(model, admin_user, client_for, rf, world):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    params = ADMIN_LIST_PARAMS + _admin_filter_params(model_admin, request)
    assert_hostile_gets_never_fail(client_for(admin_user), url, params, FEW_EXAMPLES)


def test_calendar_feed_address_with_nul_is_not_found(client):
    assert client.get("/treffen/kalender/%00.ics").status_code == 404
