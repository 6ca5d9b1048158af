import re

import pytest
from playwright.sync_api import expect

from practices.models import Adoption, Practice
from tests.factories import PASSWORD, TopicFactory
from tests.practices.factories import IndexedPracticeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def search(page, live_server, text):
    page.goto(f"{live_server.url}/praxisbeispiele/")
    page.get_by_role("searchbox", name="Suche").fill(text)
    page.get_by_role("searchbox", name="Suche").press("Enter")
    page.wait_for_url("**/praxisbeispiele/?*")


def test_members_find_adopt_contribute_and_publish(page, live_server, login, role_users):
    werdohl = role_users["representative"]
    olpe = role_users["other_representative"]
    staff = role_users["staff"]
    topic = TopicFactory(name="Willkommenskultur", slug="willkommenskultur")
    werdohl_municipality = werdohl.representatives.get().municipality
    IndexedPracticeFactory(
        title="Willkommenstasche",
        summary="Werdohl begrüßt Neubürger mit einer Tasche voller Informationen.",
        implementation="Ausgabe im Bürgerbüro.",
        municipalities=[werdohl_municipality],
        topics=[topic],
    )

    # A representative of Olpe finds Werdohl's example and records the adoption.
    login(olpe.email, PASSWORD)
    search(page, live_server, "Willkommenstaschen")
    expect(page.locator("#result-count")).to_contain_text("1 Beispiel gefunden")
    page.get_by_role("link", name="Willkommenstasche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommenstasche")
    page.get_by_label("Wie ist es gelaufen?").fill("Seit März verteilen wir 200 Taschen.")
    page.get_by_role("button", name="Wir haben das übernommen").click()
    expect(page.locator(".adoptions")).to_contain_text("Seit März verteilen wir 200 Taschen.")
    assert Adoption.objects.get().municipality.name == "Olpe"

    # Werdohl's representative shares a new example and submits it.
    page.context.clear_cookies()
    login(werdohl.email, PASSWORD)
    page.goto(f"{live_server.url}/praxisbeispiele/")
    page.get_by_role("link", name="Neues Beispiel teilen").click()
    page.get_by_label(re.compile(r"^Titel( \*)?:?$")).fill("Neubürgerfrühstück")
    page.locator("#id_summary").fill(
        "Einmal im Quartal frühstückt der Bürgermeister mit Neubürgern."
    )
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neubürgerfrühstück")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.locator(".messages")).to_contain_text("Die Agentur prüft das Beispiel")
    assert Practice.objects.get(title="Neubürgerfrühstück").status == "submitted"

    # Staff publish it, also for visitors.
    page.context.clear_cookies()
    login(staff.email, PASSWORD)
    page.goto(f"{live_server.url}/praxisbeispiele/")
    page.locator(".practice-workbench").get_by_role("link", name="Neubürgerfrühstück").click()
    page.get_by_label("Veröffentlichen").check()
    page.get_by_label("Auch Besuchern ohne Anmeldung zeigen").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.locator(".messages")).to_contain_text("veröffentlicht")

    # It appears in the search and in the public feed.
    search(page, live_server, "Neubürgerfrühstück")
    expect(page.locator(".practice-cards")).to_contain_text("Neubürgerfrühstück")
    feed = page.request.get(f"{live_server.url}/praxisbeispiele/feed/")
    assert "Neubürgerfrühstück" in feed.text()
