import html5lib
import pytest
from django.urls import reverse

from members.services import portal_invitation_token
from tests.factories import RepresentativeFactory
from tests.members.factories import PortalInvitationFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.w3.org/1999/xhtml}"


def assert_accessible(content):
    document = html5lib.parse(content)
    assert len(document.findall(f".//{NS}h1")) == 1
    labelled = {label.get("for") for label in document.iter(f"{NS}label")}
    for element in document.iter():
        if element.tag not in {f"{NS}input", f"{NS}select", f"{NS}textarea"}:
            continue
        if element.get("type") in {"hidden", "submit"}:
            continue
        assert element.get("id") in labelled, element.attrib
    assert "style=" not in content
    assert "<script>" not in content


@pytest.mark.parametrize(
    "url_name",
    ["members:directory", "members:profile", "members:account_delete"],
)
def test_member_pages_have_one_heading_and_labelled_inputs(url_name, staff_user, client_for):
    response = client_for(staff_user).get(reverse(url_name))

    assert_accessible(response.content.decode())


def test_profile_of_representative_is_accessible(representative_user, client_for):
    response = client_for(representative_user).get(reverse("members:profile"))

    assert_accessible(response.content.decode())


def test_municipality_page_is_accessible(municipality, staff_user, client_for):
    RepresentativeFactory(municipality=municipality)

    response = client_for(staff_user).get(
        reverse("members:municipality_detail", args=[municipality.slug])
    )

    assert_accessible(response.content.decode())


def test_invitation_page_is_accessible(municipality, client):
    invitation = PortalInvitationFactory(representative__municipality=municipality)

    response = client.get(
        reverse("members:invitation_accept", args=[portal_invitation_token(invitation=invitation)])
    )

    assert_accessible(response.content.decode())
