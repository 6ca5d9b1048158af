import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from roundtable.models import LegalPage
from tests.factories import MeetingFactory, PracticeFactory

pytestmark = pytest.mark.django_db


def test_start_page_is_german_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()
    assert "Anmelden" in response.content.decode()


def test_start_page_in_english_when_the_browser_asks(client):
    response = client.get("/", headers={"accept-language": "en"})

    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_language_switch_sets_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert response["Content-Language"] == "en"


def test_user_language_is_used_after_log_in(client_for, representative_user):
    representative_user.language = "en"
    representative_user.save()

    response = client_for(representative_user).get("/")

    assert response["Content-Language"] == "en"


def test_anonymous_start_page_describes_the_round_table_without_member_content(client):
    content = client.get("/").content.decode()

    assert "Runder Tisch" in content
    assert "Nächste Treffen" not in content


def test_member_start_page_shows_next_meetings_and_newest_practices(
    client_for, representative_user
):
    MeetingFactory(title="Digitaler Austausch")
    PracticeFactory(title="Willkommenstasche")

    content = client_for(representative_user).get("/").content.decode()

    assert "Digitaler Austausch" in content
    assert "Willkommenstasche" in content


@pytest.mark.parametrize("kind", ["imprint", "privacy", "accessibility"])
def test_legal_pages_have_default_content(client, kind):
    response = client.get(reverse("legal_page", args=[kind]))

    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_default_privacy_policy_states_what_the_export_holds_and_what_a_deletion_removes(
    client, settings
):
    settings.NOTIFICATIONS_BODY_RETENTION_DAYS = 180

    content = client.get(
        reverse("legal_page", args=["privacy"]), headers={"accept-language": "de"}
    ).content.decode()

    assert "Ihre Daten zum Herunterladen" in content
    assert "Ihre Einladungen zu kommenden Treffen werden zurückgezogen." in content
    assert "nur der Vermerk, dass eine E-Mail zugestellt wurde, bleibt" in content
    assert "wird 180 Tage nach dem Versand gelöscht" in content


def test_legal_page_edited_by_staff_replaces_default_and_is_sanitised(client):
    LegalPage.objects.create(
        kind="imprint",
        language="de",
        title="Impressum der Agentur",
        body="**Anbieter**\n\n<script>alert(1)</script>",
    )

    content = client.get(reverse("legal_page", args=["imprint"])).content.decode()

    assert "Impressum der Agentur" in content
    assert "<strong>Anbieter</strong>" in content
    assert "<script>alert(1)" not in content


def test_unknown_page_gives_styled_404(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_healthz_answers(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_no_third_party_resources_on_pages(client):
    content = client.get("/").content.decode()

    assert "http://" not in content.replace("http://testserver", "")
    assert "https://" not in content


def test_content_security_policy_forbids_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_favicon_ico_leads_to_the_portal_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")
