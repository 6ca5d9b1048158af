"""A good-practice example's review by mail, end to end: the browser drives the portal, a real
Celery worker sends the outbox over SMTP to aiosmtpd on loopback, and the people read the
mails that arrived (realparts/)."""

import re

import pytest
from playwright.sync_api import expect

from practices.models import Practice
from realparts import (
    smtp_server,
    wait_for,
    worker,
    worker_env,
)
from tests.factories import PASSWORD, RepresentativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def arrived(smtp, recipient, subject_start, *, count=1):
    """Wait until ``count`` mails whose subject starts so have reached ``recipient``."""

    def found():
        with smtp.lock:
            mails = [
                message
                for address, message in smtp.delivered
                if address == recipient and message["Subject"].startswith(subject_start)
            ]
        return mails if len(mails) >= count else None

    return wait_for(found, timeout=60, what=f"{subject_start!r} to {recipient}")[-1]


def text_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def link_in(mail, live_server) -> str:
    return re.search(rf"{re.escape(live_server.url)}/\S+", text_of(mail)).group(0)


def test_a_practice_goes_through_review_and_adoption_with_a_mail_at_each_step(
    page, live_server, login, role_users, municipality, tmp_path, broker, settings
):
    settings.SITE_URL = live_server.url
    author = role_users["representative"]  # Werdohl
    staff = role_users["staff"]
    olpe = role_users["other_representative"]
    RepresentativeFactory(
        municipality=municipality, email="chefin@werdohl.example.org", is_main_contact=True
    )
    title = "Neubürgerfrühstück"

    with smtp_server() as (smtp, port):
        env = worker_env(smtp_port=port, redis_url=broker)
        with worker(log_path=tmp_path / "worker.log", env=env):
            # Werdohl's representative shares an example and submits it.
            login(author.email, PASSWORD)
            page.goto(f"{live_server.url}/praxisbeispiele/neu/")
            page.locator("#id_title").fill(title)
            page.locator("#id_summary").fill("Einmal im Quartal frühstücken wir mit Neubürgern.")
            page.get_by_role("button", name="Entwurf speichern").click()
            page.get_by_role("button", name="Zur Prüfung einreichen").click()
            expect(page.locator(".messages")).to_contain_text("Die Agentur prüft das Beispiel")

            # Staff are told, follow the mail's link and ask for changes.
            mail = arrived(smtp, staff.email, "Neues Praxisbeispiel zur Prüfung")
            assert title in mail["Subject"]
            page.context.clear_cookies()
            login(staff.email, PASSWORD)
            page.goto(link_in(mail, live_server))
            page.get_by_label("Überarbeitung erbitten").check()
            page.get_by_label("Kommentar für die Verfasser").fill(
                "Bitte ergänzen Sie die Kosten pro Frühstück."
            )
            page.get_by_role("button", name="Entscheidung speichern").click()
            expect(page.locator(".messages")).to_contain_text("zurückgegeben")

            # The author reads the comment in the mail and again at the top of the draft.
            mail = arrived(smtp, author.email, "Bitte überarbeiten Sie Ihr Praxisbeispiel")
            assert "Bitte ergänzen Sie die Kosten pro Frühstück." in text_of(mail)
            arrived(smtp, "chefin@werdohl.example.org", "Bitte überarbeiten Sie Ihr Praxisbeispiel")
            page.context.clear_cookies()
            login(author.email, PASSWORD)
            page.goto(link_in(mail, live_server))
            expect(page.locator(".open-review")).to_contain_text("Kosten pro Frühstück")
            page.get_by_role("link", name="Bearbeiten").click()
            page.locator("#id_resources").fill("Etwa 150 Euro pro Frühstück.")
            page.get_by_role("button", name="Entwurf speichern").click()
            page.get_by_role("button", name="Zur Prüfung einreichen").click()
            expect(page.locator(".messages")).to_contain_text("Die Agentur prüft das Beispiel")

            # Staff are told again and publish it; the author's side is told.
            mail = arrived(smtp, staff.email, "Neues Praxisbeispiel zur Prüfung", count=2)
            page.context.clear_cookies()
            login(staff.email, PASSWORD)
            page.goto(link_in(mail, live_server))
            page.get_by_label("Veröffentlichen").check()
            page.get_by_role("button", name="Entscheidung speichern").click()
            expect(page.locator(".messages")).to_contain_text("veröffentlicht")
            published = arrived(smtp, author.email, "Ihr Praxisbeispiel wurde veröffentlicht")
            arrived(smtp, "chefin@werdohl.example.org", "Ihr Praxisbeispiel wurde veröffentlicht")

            # Olpe adopts it; Werdohl's main contact is told.
            page.context.clear_cookies()
            login(olpe.email, PASSWORD)
            page.goto(link_in(published, live_server))
            page.get_by_label("Wie ist es gelaufen?").fill("Wir laden jetzt auch ein.")
            page.get_by_role("button", name="Wir haben das übernommen").click()
            expect(page.locator(".adoptions")).to_contain_text("Wir laden jetzt auch ein.")
            mail = arrived(
                smtp, "chefin@werdohl.example.org", "Olpe hat Ihr Praxisbeispiel übernommen"
            )
            assert "Wir laden jetzt auch ein." in text_of(mail)

    assert Practice.objects.get(title=title).status == Practice.Status.PUBLISHED
    # Each mail arrived once: nobody was told of their own action.
    assert sorted(smtp.recipients()) == sorted(
        [staff.email] * 2
        + [author.email, "chefin@werdohl.example.org"] * 2
        + ["chefin@werdohl.example.org"]
    )
