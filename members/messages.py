"""The mail kinds of members, registered with the outbox (imported by MembersConfig.ready)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.kinds import MessageKind

PORTAL_INVITATION = "portal_invitation"
# allauth's mails (password reset, address confirmation, ...), rendered by the account
# adapter from allauth's templates.
ACCOUNT = "account"


def _portal_invitation_sample() -> dict:
    site = settings.SITE_URL
    return {
        "recipient_name": "Erika Mustermann",
        "municipality_name": "Werdohl",
        "invite_url": f"{site}/mitglieder/einladung/beispiel/",
        "expires_at": datetime(2026, 12, 17, 18, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)),
    }


def _allauth_sample(name: str) -> str:
    site = settings.SITE_URL
    return render_to_string(
        f"account/email/password_reset_key_{name}.txt",
        {
            "current_site": {"name": "Runder Tisch", "domain": site.split("//", 1)[-1]},
            "password_reset_url": f"{site}/konto/passwort/zuruecksetzen/beispiel/",
        },
    ).strip()


def _account_sample() -> dict:
    # Lazy: the preview renders it in the language it shows.
    render = lazy(_allauth_sample, str)
    return {"mail_subject": render("subject"), "mail_text": render("message")}


kinds.register(
    MessageKind(
        name=PORTAL_INVITATION,
        label=_("Portal invitation"),
        sample_context=_portal_invitation_sample,
    )
)
kinds.register(
    MessageKind(
        name=ACCOUNT,
        label=_("Account mail (password, address)"),
        sample_context=_account_sample,
        template_base="account",
    )
)
