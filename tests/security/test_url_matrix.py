"""Every URL is requested by every role; unclassified routes and wrong answers fail."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from members.services import STAFF_APPS, STAFF_EXCLUDED_MODELS
from tests.security.routes import CONDITIONAL_PATTERNS, ROLES, ROUTES, project_routes

pytestmark = pytest.mark.django_db


def classify_admin(name):
    """Django admin: staff manage the portal's own models, admins everything."""
    parts = name.removeprefix("admin:").split("_")
    model_routes = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in apps.get_models()}
    staff_allowed = False
    for prefix, model in model_routes.items():
        if name.removeprefix("admin:").startswith(prefix + "_"):
            staff_allowed = (
                model._meta.app_label in STAFF_APPS
                and model._meta.model_name not in STAFF_EXCLUDED_MODELS
            )
            break
    else:
        staff_allowed = parts[0] in {"index", "app", "autocomplete", "jsi18n", "view", "password"}
    return staff_allowed


def _admin_can_add(name):
    if not name.endswith("_add"):
        return True
    for model, model_admin in admin.site._registry.items():
        if name == f"admin:{model._meta.app_label}_{model._meta.model_name}_add":
            request = RequestFactory().get("/")
            request.user = type(
                "Superuser",
                (),
                {"is_active": True, "is_superuser": True, "has_perm": lambda *a, **k: True},
            )()
            return model_admin.has_add_permission(request)
    return True


def test_every_route_is_classified():
    unclassified = [
        (route, name)
        for route, name in project_routes()
        if not (name and (name in ROUTES or name.startswith("admin:")))
        and not route.startswith("admin/")
        and route not in CONDITIONAL_PATTERNS
    ]

    assert unclassified == []


def _expected_ok(outcome, response, login_url):
    status = response.status_code
    if outcome == "ok":
        return status == 200
    if outcome == "login":
        return status == 302 and response["Location"].startswith(login_url)
    if outcome == "forbidden":
        return status == 403
    if outcome == "not_found":
        return status == 404
    if outcome == "redirect":
        return status in (301, 302, 303)
    return status < 500


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_classified(role, role_users, client_for, world):
    client = client_for(role_users[role])
    login_url = reverse("account_login")
    wrong = []
    for route, name in project_routes():
        if not name or name.startswith("admin:") or route in CONDITIONAL_PATTERNS:
            continue
        entry = ROUTES[name]
        url = reverse(name, args=entry.args(world)) + entry.query
        response = client.post(url) if entry.method == "post" else client.get(url)
        if not _expected_ok(entry.access[role], response, login_url):
            wrong.append((name, url, entry.access[role], response.status_code))

    assert wrong == [], "\n".join(map(str, wrong))


@pytest.mark.parametrize("role", ROLES)
def test_admin_routes_answer_each_role(role, role_users, client_for):
    client = client_for(role_users[role])
    wrong = []
    for route, name in project_routes():
        if not (name and name.startswith("admin:")) or name == "admin:logout":
            continue
        if "<" in route:
            # Object pages: a missing object still goes through the permission gate first.
            args = ["999999999"] * route.count("<")
            if name == "admin:view_on_site":
                args = ["1", "1"]
            if name == "admin:app_list":
                args = ["members"]
        else:
            args = []
        try:
            url = reverse(name, args=args)
        except Exception:  # noqa: BLE001 - patterns with typed converters
            continue
        response = client.get(url)
        status = response.status_code
        if role in ("anonymous", "other_representative", "representative"):
            ok = status == 302 and "/admin/login/" in response["Location"]
            if name in {"admin:login", "admin:jsi18n"} or name == "admin:view_on_site":
                ok = status < 500
        elif role == "staff":
            ok = status < 500 and (status != 200 or classify_admin(name))
            if not classify_admin(name):
                ok = status in (403, 302, 404)
        else:
            # The autocomplete endpoint refuses requests without its parameters, and some
            # models are never added by hand (e.g. portal invitations come from an action).
            ok = status < 500 and (
                status != 403 or name == "admin:autocomplete" or not _admin_can_add(name)
            )
        if not ok:
            wrong.append((name, url, status))

    assert wrong == [], "\n".join(map(str, wrong))
