import re
import shutil
import time

import pytest
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium, never a downloaded browser. A missing browser fails the tests.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    # A missing element should fail within seconds, not half a minute.
    page.set_default_timeout(10_000)


def log_in_through_form(page, live_server, email, password):
    """Log in through the real log-in form, with the second factor where the person has one."""
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(konto/2fa/authenticate/)?$"))
    if "/2fa/" in page.url:
        # Staff and admins have a second factor: type the current code like an app would.
        page.locator("input[name=code]").fill(totp_code_for(email))
        page.locator("main").get_by_role("button").first.click()
        page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def login(page, live_server):
    """Log in through the real log-in form."""

    def do_login(email, password):
        log_in_through_form(page, live_server, email, password)

    return do_login


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A German browser in Berlin, like most of the portal's users.
    return {**browser_context_args, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


_CODES_TYPED: dict[str, int] = {}


def totp_code_for(email):
    """The current TOTP code of the user's authenticator (as an authenticator app shows it).

    allauth accepts each code once; a second log-in within the same 30 s waits for the next
    code, as a person with an authenticator app would.
    """
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    if _CODES_TYPED.get(email) == counter:
        time.sleep((counter + 1) * app_settings.TOTP_PERIOD - time.time() + 0.1)
        counter += 1
    _CODES_TYPED[email] = counter
    return format_hotp_value(hotp_value(secret, counter))
