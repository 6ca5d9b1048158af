"""Representatives are listed by name only after they opt in on their profile."""

import json

import pytest
from django.urls import reverse

from members.models import Representative
from tests.oparl.conftest import api

pytestmark = pytest.mark.django_db

PROFILE = {
    "contact-first_name": "Wiebke",
    "contact-last_name": "Werdohl",
    "contact-email": "kontakt@werdohl.example",
    "account-language": "de",
}


def test_the_profile_offers_the_listing_switched_off_with_an_explanation(
    representative_user, client_for
):
    page = client_for(representative_user).get(reverse("members:profile")).content.decode()

    assert 'name="contact-listed_in_open_data"' in page
    assert 'name="contact-listed_in_open_data" checked' not in page
    assert "Open-Data-Schnittstelle" in page
    assert "nie veröffentlicht" in page


def test_opting_in_and_out_on_the_profile_lists_and_withdraws_the_person(
    representative_user, client_for, oparl
):
    client = client_for(representative_user)
    representative = Representative.objects.get(user=representative_user)
    assert oparl.response(api(f"person/{representative.pk}")).status_code == 404

    client.post(reverse("members:profile"), {**PROFILE, "contact-listed_in_open_data": "on"})
    person = oparl.get(api(f"person/{representative.pk}"))
    assert person["name"] == "Wiebke Werdohl"
    assert "email" not in person and "phone" not in person

    client.post(reverse("members:profile"), PROFILE)
    assert oparl.get(api(f"person/{representative.pk}"))["deleted"] is True


def test_the_data_export_says_whether_the_person_is_listed(representative_user, client_for):
    client = client_for(representative_user)
    client.post(reverse("members:profile"), {**PROFILE, "contact-listed_in_open_data": "on"})

    exported = json.loads(client.get(reverse("members:data_export")).content)

    assert exported["representatives"][0]["listed_in_open_data"] is True


def test_the_privacy_page_explains_the_interface_and_the_consent(client):
    page = client.get(reverse("legal_page", args=["privacy"])).content.decode()

    assert "Open-Data-Schnittstelle (OParl)" in page
    assert "„meinen Namen in der Open-Data-Schnittstelle nennen“" in page
    assert "widerrufen" in page
