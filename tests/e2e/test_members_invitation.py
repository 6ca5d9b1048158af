import re

import pytest
from django.core import mail

from members.models import Representative
from roundtable.celery import app
from tests.factories import PASSWORD, RepresentativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Sauerland-Kaffee-2026"


@pytest.fixture
def eager_celery():
    # The invitation task runs inside the live server's thread, so the mail lands in
    # Django's in-memory outbox (django.core.mail.outbox) of this test process.
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_staff_invite_representative_who_sets_password_and_lands_on_start_page(
    page, live_server, login, staff_user, municipality, eager_celery
):
    invited = RepresentativeFactory(
        municipality=municipality,
        first_name="Ines",
        last_name="Neumann",
        email="ines.neumann@example.org",
    )
    login(staff_user.email, PASSWORD)

    page.goto(f"{live_server.url}/mitglieder/kommune/{municipality.slug}/")
    page.get_by_role("button", name="Ines Neumann in das Portal einladen").click()

    page.get_by_text("Eine Einladung in das Portal wird an ines.neumann@example.org").wait_for()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines.neumann@example.org"]
    path = re.search(r"https?://[^/\s]+(/mitglieder/einladung/\S+/)", message.body).group(1)

    representative_context = page.context.browser.new_context(locale="de-DE")
    invited_page = representative_context.new_page()
    invited_page.set_default_timeout(10_000)
    invited_page.goto(f"{live_server.url}{path}")
    assert invited_page.locator("h1").inner_text() == "Ihr Konto anlegen"
    assert "ines.neumann@example.org" in invited_page.locator("main").inner_text()
    invited_page.get_by_label(re.compile(r"^Neues Passwort(?! bestätigen)")).fill(NEW_PASSWORD)
    invited_page.get_by_label("Neues Passwort bestätigen").fill(NEW_PASSWORD)
    invited_page.get_by_role("button", name="Konto anlegen").click()

    invited_page.wait_for_url(f"{live_server.url}/")
    assert invited_page.locator("h1").inner_text() == "Willkommen, Werdohl"
    invited.refresh_from_db()
    assert invited.user is not None
    assert invited.user.email == "ines.neumann@example.org"
    assert Representative.objects.get(user=invited.user).municipality == municipality

    # The link works once only.
    invited_page.goto(f"{live_server.url}{path}")
    assert invited_page.locator("h1").inner_text() == "Einladungslink nicht gültig"
    representative_context.close()
