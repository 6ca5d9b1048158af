"""The portal addresses its users formally ("Sie"), django-allauth's pages included.

allauth's own German catalog says "du"; roundtable/locale_overrides translates those
entries again. These tests render allauth's main pages in German and look for informal words.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import import_export
import polib
import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

INFORMAL = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|hast|bist|kannst|musst|"
    r"möchtest|willst|erhältst|siehst|gib|klicke?|erstelle|bestätige|melde|versuche|wähle|"
    r"kontaktiere|lass|überprüfe|verwende|folge|nutze|rufe)\b",
    re.IGNORECASE,
)


class VisibleText(HTMLParser):
    """Text a person sees or hears: text nodes plus labels held in attributes."""

    HIDDEN = {"script", "style", "template"}
    SPOKEN_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden_depth += 1
        attributes = dict(attrs)
        self.parts += [v for k, v in attributes.items() if k in self.SPOKEN_ATTRIBUTES and v]
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth:
            self.parts.append(data)


def visible_text(response):
    parser = VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def informal_words(response):
    return sorted({match.group(0) for match in INFORMAL.finditer(visible_text(response))})


@pytest.fixture
def german_client():
    return Client(headers={"accept-language": "de"})


@pytest.fixture
def logged_in_client(german_client, representative_user):
    # Through the real forms: two-factor pages ask for a recent re-authentication.
    response = german_client.post(
        reverse("account_login"), {"login": representative_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    response = german_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return german_client


def test_informal_pattern_finds_informal_address():
    # Guards the check itself.
    text = "Bitte gib deine E-Mail-Adresse ein, dann klicke auf Senden. Hast du Fragen?"

    assert {m.group(0).lower() for m in INFORMAL.finditer(text)} == {
        "gib",
        "deine",
        "klicke",
        "hast",
        "du",
    }
    assert not INFORMAL.search("Bitte geben Sie Ihre E-Mail-Adresse ein. Durch Dirk.")


@pytest.mark.parametrize(
    "url_name",
    [
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
        "account_signup",
        "account_login",
    ],
)
def test_anonymous_allauth_page_uses_formal_german(german_client, url_name):
    response = german_client.get(reverse(url_name))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "de"
    assert informal_words(response) == []


def test_invalid_password_reset_link_uses_formal_german(german_client):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "falsch"})

    response = german_client.get(url, follow=True)

    assert response.status_code == 200
    assert "fordern Sie einen neuen Link an" in visible_text(response)
    assert informal_words(response) == []


@pytest.mark.parametrize(
    ("url_name", "expected_template"),
    [
        ("account_logout", "account/logout.html"),
        ("account_change_password", "account/password_change.html"),
        ("account_email", "account/email.html"),
        ("mfa_index", "mfa/index.html"),
        ("mfa_activate_totp", "mfa/totp/activate_form.html"),
        ("mfa_generate_recovery_codes", "mfa/recovery_codes/generate.html"),
    ],
)
def test_signed_in_allauth_page_uses_formal_german(logged_in_client, url_name, expected_template):
    response = logged_in_client.get(reverse(url_name))

    assert response.status_code == 200
    assert expected_template in [template.name for template in response.templates]
    assert informal_words(response) == []


def test_recovery_codes_page_uses_formal_german(logged_in_client, representative_user):
    TOTP.activate(representative_user, generate_totp_secret())
    RecoveryCodes.activate(representative_user)

    response = logged_in_client.get(reverse("mfa_view_recovery_codes"))

    assert response.status_code == 200
    assert "mfa/recovery_codes/index.html" in [template.name for template in response.templates]
    assert informal_words(response) == []


def test_allauth_sign_in_and_sign_out_are_translated_as_verbs():
    with translation.override("de"):
        assert translation.gettext("Sign In") == "Anmelden"
        assert translation.gettext("Sign Out") == "Abmelden"
        assert translation.gettext("You have signed out.") == "Sie haben sich abgemeldet."


def test_every_informal_allauth_entry_is_translated_formally():
    # After an allauth upgrade this names the new informal entries to translate in
    # roundtable/locale_overrides/de/LC_MESSAGES/django.po.
    allauth_catalog = polib.pofile(
        str(Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po")
    )
    informal_ids = [
        entry.msgid
        for entry in allauth_catalog.translated_entries()
        if INFORMAL.search(entry.msgstr or " ".join(entry.msgstr_plural.values()))
    ]

    with translation.override("de"):
        still_informal = {
            msgid: translation.gettext(msgid)
            for msgid in informal_ids
            if INFORMAL.search(translation.gettext(msgid))
        }

    assert len(informal_ids) > 50
    assert still_informal == {}


def test_import_export_speaks_formal_german_in_the_admin():
    # django-import-export's German catalog says "du" in places and leaves some entries
    # untranslated (e.g. "Select all"); the overrides translate them formally.
    catalog = polib.pofile(
        str(Path(import_export.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po")
    )
    informal_or_missing = [
        entry.msgid
        for entry in catalog
        if not entry.obsolete
        and (
            not entry.translated()
            or INFORMAL.search(entry.msgstr or " ".join(entry.msgstr_plural.values()))
        )
    ]

    with translation.override("de"):
        still_wrong = {
            msgid: translation.gettext(msgid)
            for msgid in informal_or_missing
            if INFORMAL.search(translation.gettext(msgid)) or translation.gettext(msgid) == msgid
        }

    assert "Select all" in informal_or_missing
    assert still_wrong == {}
