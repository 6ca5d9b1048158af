"""Every URL of the project, listed from the URL configuration, with who may open it.

A new route fails the matrix test until it is classified here. Each entry says which access
rule applies and how to build its arguments from the test world (see conftest `world`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "other_representative", "representative", "staff", "admin")

# What a GET request answers per role: "ok" (200), "login" (redirect to the log-in page),
# "forbidden" (403), "not_found" (404), "redirect" (any redirect), "no_error" (anything below 500).
PUBLIC = dict.fromkeys(ROLES, "ok")
MEMBERS = {"anonymous": "login", **dict.fromkeys(ROLES[1:], "ok")}
STAFF = {
    "anonymous": "login",
    "other_representative": "forbidden",
    "representative": "forbidden",
    "staff": "ok",
    "admin": "ok",
}
STAFF_POST = {**STAFF, "staff": "redirect", "admin": "redirect"}
SIGNED_IN = {"anonymous": "login", **dict.fromkeys(ROLES[1:], "ok")}
NO_ERROR = dict.fromkeys(ROLES, "no_error")
OPARL_UNKNOWN = dict.fromkeys(ROLES, "not_found")


@dataclass(frozen=True)
class Route:
    access: dict
    args: Callable = lambda world: []
    query: str = ""
    # POST-only routes are requested with an empty POST (the permission gate comes first).
    method: str = "get"


ROUTES = {
    "home": Route(PUBLIC),
    "healthz": Route(PUBLIC),
    "favicon": Route(dict.fromkeys(ROLES, "redirect")),
    "readyz": Route(PUBLIC),
    "legal_page": Route(PUBLIC, lambda world: ["imprint"]),
    "set_language": Route(NO_ERROR),
    # allauth: flows for visitors (logged-in users are redirected) and account pages.
    "account_login": Route(NO_ERROR),
    "account_logout": Route(NO_ERROR),
    "account_inactive": Route(NO_ERROR),
    "account_signup": Route(NO_ERROR),
    "account_reauthenticate": Route(NO_ERROR),
    "account_email": Route(SIGNED_IN),
    "account_email_verification_sent": Route(NO_ERROR),
    "account_change_password": Route(SIGNED_IN),
    "account_set_password": Route(NO_ERROR),
    "account_reset_password": Route(NO_ERROR),
    "account_confirm_login_code": Route(NO_ERROR),
    "account_confirm_email": Route(NO_ERROR, lambda world: ["invalid-key"]),
    "account_reset_password_from_key_done": Route(NO_ERROR),
    "account_reset_password_from_key": Route(NO_ERROR, lambda world: ["1", "invalid-key"]),
    "account_reset_password_done": Route(NO_ERROR),
    "mfa_index": Route(SIGNED_IN),
    "mfa_authenticate": Route(NO_ERROR),
    "mfa_reauthenticate": Route(NO_ERROR),
    "mfa_activate_totp": Route(NO_ERROR),
    "mfa_deactivate_totp": Route(NO_ERROR),
    "mfa_view_recovery_codes": Route(NO_ERROR),
    "mfa_generate_recovery_codes": Route(NO_ERROR),
    "mfa_download_recovery_codes": Route(NO_ERROR),
    # members
    "members:directory": Route(MEMBERS),
    "members:municipality_detail": Route(MEMBERS, lambda world: [world.municipality.slug]),
    "members:network_detail": Route(MEMBERS, lambda world: [world.network.slug]),
    "members:participation": Route(dict.fromkeys(ROLES, "redirect")),
    "meetings:participation": Route(STAFF),
    "members:profile": Route(SIGNED_IN),
    "members:data_export": Route(SIGNED_IN),
    "members:account_delete": Route(SIGNED_IN),
    "members:representative_invite": Route(
        {**STAFF, "staff": "redirect", "admin": "redirect"},
        lambda world: [world.representative.pk],
        method="post",
    ),
    # The signed single-use key is the permission: a wrong key gives a clear page.
    "members:invitation_accept": Route(NO_ERROR, lambda world: ["ungueltiger-schluessel"]),
    # notifications (staff only)
    "notifications:scope_messages": Route(
        STAFF, lambda world: [f"meetings.meeting:{world.meeting.pk}"]
    ),
    "notifications:message_detail": Route(STAFF, lambda world: [world.message.pk]),
    "notifications:message_html": Route(STAFF, lambda world: [world.message.pk]),
    "notifications:message_resend": Route(
        {**STAFF, "staff": "no_error", "admin": "no_error"},
        lambda world: [world.message.pk],
        method="post",
    ),
    "notifications:preview_list": Route(STAFF),
    "notifications:preview": Route(STAFF, lambda world: ["invitation", "de"]),
    "notifications:preview_html": Route(STAFF, lambda world: ["invitation", "de"]),
    "notifications:outbox": Route(STAFF),
    # meetings: members read, staff manage
    "meetings:list": Route(MEMBERS),
    "meetings:create": Route(STAFF),
    "meetings:calendar_feed": Route(MEMBERS),
    # Secret-token addresses need no log-in; a wrong token is simply not found.
    "meetings:feed": Route(dict.fromkeys(ROLES, "not_found"), lambda world: ["falsch"]),
    "meetings:respond_by_link": Route(NO_ERROR, lambda world: ["gefaelscht"]),
    # Only the invited person answers their invitation (staff record attendance instead).
    "meetings:respond": Route(
        {
            "anonymous": "login",
            "other_representative": "forbidden",
            "representative": "redirect",
            "staff": "forbidden",
            "admin": "forbidden",
        },
        lambda world: [world.invitation.pk],
        method="post",
    ),
    "meetings:substitute": Route(
        {
            "anonymous": "login",
            "other_representative": "forbidden",
            "representative": "no_error",
            "staff": "no_error",
            "admin": "no_error",
        },
        lambda world: [world.invitation.pk],
        method="post",
    ),
    "meetings:detail": Route(MEMBERS, lambda world: [world.meeting.pk]),
    "meetings:print": Route(MEMBERS, lambda world: [world.meeting.pk]),
    "meetings:ics": Route(MEMBERS, lambda world: [world.meeting.pk]),
    "meetings:edit": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:copy": Route(STAFF_POST, lambda world: [world.meeting.pk], method="post"),
    "meetings:update_send": Route(STAFF_POST, lambda world: [world.meeting.pk], method="post"),
    "meetings:cancel": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:agenda": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:agenda_item_edit": Route(
        STAFF, lambda world: [world.meeting.pk, world.agenda_item.pk]
    ),
    "meetings:agenda_item_delete": Route(
        STAFF_POST, lambda world: [world.meeting.pk, world.agenda_item.pk], method="post"
    ),
    # Without a direction the move is refused as a bad request.
    "meetings:agenda_item_move": Route(
        {**STAFF, "staff": "no_error", "admin": "no_error"},
        lambda world: [world.meeting.pk, world.agenda_item.pk],
        method="post",
    ),
    "meetings:audience": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:responses": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:attendance": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:minutes": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:documents": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:document": Route(MEMBERS, lambda world: [world.meeting.pk, world.document.pk]),
    "meetings:document_delete": Route(
        STAFF_POST, lambda world: [world.meeting.pk, world.document.pk], method="post"
    ),
    "meetings:action_items": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:action_item_edit": Route(
        STAFF, lambda world: [world.meeting.pk, world.action_item.pk]
    ),
    "meetings:action_item_list": Route(STAFF),
    "meetings:series_list": Route(STAFF),
    "meetings:series_create": Route(STAFF),
    "meetings:series_edit": Route(STAFF, lambda world: [world.meeting.series_id]),
    "meetings:action_item_export": Route(STAFF),
    "meetings:responses_export": Route(STAFF, lambda world: [world.meeting.pk, "xlsx"]),
    "meetings:remind_open": Route(STAFF, lambda world: [world.meeting.pk]),
    "meetings:action_item_status": Route(
        {**STAFF, "staff": "no_error", "admin": "no_error"},
        lambda world: [world.meeting.pk, world.action_item.pk],
        method="post",
    ),
    # practices: the library is public for public examples, members see all published ones
    "practices:list": Route(PUBLIC),
    "practices:export": Route(PUBLIC),
    "practices:feed": Route(PUBLIC),
    # Saving a search needs an account; an empty post saves the whole library.
    "practices:subscribe": Route(
        {"anonymous": "login", **dict.fromkeys(ROLES[1:], "redirect")}, method="post"
    ),
    # The signed token is the permission: a wrong one gives a clear page to everybody.
    "practices:unsubscribe": Route(PUBLIC, lambda world: ["falsch"]),
    "practices:create": Route(
        {**MEMBERS, "other_representative": "ok"},
    ),
    "practices:create_from_agenda_item": Route(
        STAFF_POST, lambda world: [world.host_agenda_item.pk], method="post"
    ),
    "practices:detail": Route(MEMBERS, lambda world: [world.practice.slug]),
    # Files: the same rule as the practice they belong to.
    "practices:attachment": Route(
        MEMBERS, lambda world: [world.practice.slug, world.practice_image.pk]
    ),
    # Drafts: only their own municipality and staff may open or edit them; to anybody
    # else they do not exist.
    "practices:edit": Route(
        {
            **STAFF,
            "anonymous": "not_found",
            "representative": "ok",
            "other_representative": "not_found",
        },
        lambda world: [world.draft_practice.slug],
    ),
    "practices:submit": Route(
        {
            **STAFF_POST,
            "anonymous": "not_found",
            "representative": "redirect",
            "other_representative": "not_found",
        },
        lambda world: [world.draft_practice.slug],
        method="post",
    ),
    "practices:review": Route(
        {**STAFF_POST, "staff": "no_error", "admin": "no_error"},
        lambda world: [world.submitted_practice.slug],
        method="post",
    ),
    "practices:adopt": Route(
        {
            **MEMBERS,
            "anonymous": "not_found",
            "other_representative": "no_error",
            "representative": "no_error",
            "staff": "no_error",
            "admin": "no_error",
        },
        lambda world: [world.practice.slug],
        method="post",
    ),
    # OParl: public JSON for everybody, the same for every role. The world's meeting,
    # example and representative are not public, so the interface does not know them.
    "oparl:system": Route(PUBLIC),
    "oparl:body_list": Route(PUBLIC),
    "oparl:body": Route(PUBLIC, lambda world: [1]),
    "oparl:list": Route(PUBLIC, lambda world: [1, "meeting"]),
    "oparl:organization": Route(PUBLIC, lambda world: ["municipality", world.municipality.pk]),
    "oparl:organization_meetings": Route(PUBLIC, lambda world: ["series", world.meeting.series_id]),
    "oparl:person": Route(OPARL_UNKNOWN, lambda world: [world.representative.pk]),
    "oparl:membership": Route(OPARL_UNKNOWN, lambda world: [world.representative.pk]),
    "oparl:meeting": Route(OPARL_UNKNOWN, lambda world: [world.meeting.pk]),
    "oparl:agendaitem": Route(OPARL_UNKNOWN, lambda world: [world.agenda_item.pk]),
    "oparl:consultation": Route(OPARL_UNKNOWN, lambda world: [world.agenda_item.pk]),
    "oparl:paper": Route(OPARL_UNKNOWN, lambda world: [world.practice.pk]),
    "oparl:location": Route(OPARL_UNKNOWN, lambda world: [world.meeting.pk]),
    "oparl:legislativeterm": Route(OPARL_UNKNOWN, lambda world: [1]),
    "oparl:file": Route(OPARL_UNKNOWN, lambda world: ["document", world.document.pk]),
    "oparl:file_access": Route(OPARL_UNKNOWN, lambda world: ["document", world.document.pk]),
    "oparl:file_download": Route(OPARL_UNKNOWN, lambda world: ["document", world.document.pk]),
    "oparl:not_found": Route(OPARL_UNKNOWN, lambda world: ["gibt-es-nicht"]),
}

# Routes that exist only in some configurations (DEBUG media serving, benchmark endpoint).
CONDITIONAL_PATTERNS = {"media/<path:path>", "bench/bare"}


def project_routes():
    """(route pattern, name) of every URL the project answers, admin included."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name
                if namespace and name:
                    name = f"{namespace}:{name}"
                yield prefix + str(pattern.pattern), name

    return list(walk(get_resolver().url_patterns))
