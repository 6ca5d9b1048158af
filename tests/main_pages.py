"""The portal's main pages, checked by the accessibility and HTML-validity tests.

One entry per page and role: ``(role, url name, args)``, where ``args`` is a callable that
receives the users of each role (the ``role_users`` fixture) and returns the URL's
arguments. A new feature adds its pages here; every check then covers them.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from django.urls import reverse

ALL_ROLES = ("anonymous", "other_representative", "representative", "staff", "admin")


def no_args(users: dict[str, Any]) -> list[Any]:
    return []


class MainPage(NamedTuple):
    role: str
    url_name: str
    args: Callable[[dict[str, Any]], list[Any]] = no_args

    @property
    def id(self) -> str:
        return f"{self.role}-{self.url_name}"

    def url(self, users: dict[str, Any]) -> str:
        return reverse(self.url_name, args=self.args(users))


MAIN_PAGES: list[MainPage] = [
    *(MainPage(role, "home") for role in ALL_ROLES),
    MainPage("anonymous", "account_login"),
    MainPage("anonymous", "account_reset_password"),
    MainPage("anonymous", "account_reset_password_done"),
    MainPage("anonymous", "account_signup"),
    *(
        MainPage("anonymous", "legal_page", lambda users, kind=kind: [kind])
        for kind in ("imprint", "privacy", "accessibility")
    ),
    # An unknown legal page answers with the portal's 404 page.
    MainPage("anonymous", "legal_page", lambda users: ["gibt-es-nicht"]),
    MainPage("representative", "account_email"),
    MainPage("representative", "account_change_password"),
    MainPage("representative", "mfa_index"),
    MainPage("staff", "admin:index"),
    MainPage("admin", "admin:index"),
]
