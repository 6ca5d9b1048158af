"""What the admin exports imports back unchanged, for every resource and both file formats."""

import re
from datetime import date

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Municipality, Network, NetworkMembership, Representative
from members.resources import MunicipalityResource, NetworkMembershipResource
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db

ADMINS = {
    "municipality": ("kommunen-und-organisationen", Municipality),
    "representative": ("vertretungen", Representative),
    "network": ("netzwerke-und-projekte", Network),
    "networkmembership": ("netzwerk-mitgliedschaften", NetworkMembership),
}


@pytest.fixture
def region():
    """Towns, a district administration and the agency (no AGS), people and networks."""
    district = DistrictFactory(name="Märkischer Kreis", ags_prefix="05962")
    werdohl = MunicipalityFactory(
        ags="05962060",
        name="Werdohl",
        slug="werdohl",
        district=district,
        population=17000,
        population_date=date(2024, 12, 31),
        website="https://www.werdohl.de/",
    )
    olpe = MunicipalityFactory(ags="05966024", name="Olpe", slug="olpe", district=None)
    district_office = MunicipalityFactory(
        ags=None,
        name="Kreisverwaltung Märkischer Kreis",
        slug="kreisverwaltung-05962",
        kind=Municipality.Kind.DISTRICT_ADMINISTRATION,
        district=district,
    )
    agency = MunicipalityFactory(
        ags=None,
        name="Südwestfalen Agentur",
        slug="suedwestfalen-agentur",
        kind=Municipality.Kind.AGENCY,
        district=None,
    )
    RepresentativeFactory(
        municipality=werdohl,
        email="mara@werdohl.example.org",
        salutation="ms",
        title="Dr.",
        job_title="Stadtmarketing; Öffentlichkeitsarbeit",
        is_main_contact=True,
    )
    RepresentativeFactory(
        municipality=werdohl,
        email="ben@werdohl.example.org",
        job_title='=HYPERLINK("https://example.org")',
        phone="+49 2392 123",
    )
    RepresentativeFactory(municipality=district_office, email="kreis@example.org")
    RepresentativeFactory(municipality=agency, email="team@example.org", function="agency")
    smart = NetworkFactory(
        name="Smart Cities: 5 für Südwestfalen",
        slug="smart-cities",
        description="Fünf Pionierkommunen, mehrzeilig\nbeschrieben.",
        starts_on=date(2021, 1, 1),
    )
    NetworkMembershipFactory(network=smart, municipality=olpe, role="pioneer", starts_on=None)
    NetworkMembershipFactory(
        network=smart, municipality=agency, role="partner", starts_on=date(2021, 1, 1)
    )
    NetworkMembershipFactory(
        network=smart,
        municipality=werdohl,
        role="member",
        starts_on=date(2022, 5, 1),
        ends_on=date(2023, 4, 30),
    )


def _format_value(client, model_name, wanted):
    form = client.get(reverse(f"admin:members_{model_name}_export")).context["form"]
    return next(value for value, label in form.fields["format"].choices if label == wanted)


def _export(client, model_name, file_format):
    url = reverse(f"admin:members_{model_name}_export")
    form = client.get(url).context["form"]
    data = {
        "format": _format_value(client, model_name, file_format),
        "resource": 0,
        **{
            name: "on" for name, field in form.fields.items() if getattr(field, "resource_name", "")
        },
    }
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response


def _dry_run(client, model_name, file_format, name, content):
    url = reverse(f"admin:members_{model_name}_import")
    form = client.get(url).context["form"]
    file_format_value = next(
        value for value, label in form.fields["format"].choices if label == file_format
    )
    upload = SimpleUploadedFile(name, content)
    return client.post(url, {"import_file": upload, "format": file_format_value, "resource": 0})


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("model_name", list(ADMINS))
def test_every_admin_export_imports_back_without_a_change(
    model_name, file_format, region, staff_user, client_for
):
    client = client_for(staff_user)
    stem, model = ADMINS[model_name]
    before = list(model.objects.order_by("pk").values())

    exported = _export(client, model_name, file_format)
    filename = re.search(r'filename="([^"]+)"', exported["Content-Disposition"]).group(1)
    preview = _dry_run(client, model_name, file_format, filename, exported.content)

    assert filename == f"{stem}-{timezone.localdate().isoformat()}.{file_format}"
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors(), [
        error.error for _n, errors in result.row_errors() for error in errors
    ]
    assert not result.has_validation_errors(), [
        (row.values, row.error_dict) for row in result.invalid_rows
    ]
    expected_rows = model.objects.exclude(
        **({"anonymised_at__isnull": False} if model is Representative else {})
    ).count()
    assert result.totals["skip"] == expected_rows > 0
    assert result.totals["new"] == result.totals["update"] == result.totals["delete"] == 0
    assert list(model.objects.order_by("pk").values()) == before


def test_csv_export_opens_in_german_spreadsheet_programs(region, staff_user, client_for):
    response = _export(client_for(staff_user), "municipality", "csv")

    assert response.content.startswith("\ufeff".encode())
    header, *rows = response.content.decode("utf-8-sig").splitlines()
    assert header == "ags;slug;name;kind;district;population;population_date;website;is_active"
    assert "05966024;olpe;Olpe;city;;20000;;;1" in rows


def test_organisations_without_ags_are_matched_by_their_slug(region):
    exported = MunicipalityResource().export()
    dataset = tablib.Dataset(headers=exported.headers)
    for row in exported.dict:
        if row["slug"] == "suedwestfalen-agentur":
            row["name"] = "Südwestfalen Agentur GmbH"
        dataset.append(list(row.values()))

    result = MunicipalityResource().import_data(dataset, dry_run=False)

    assert result.totals["update"] == 1 and result.totals["new"] == 0
    assert Municipality.objects.get(slug="suedwestfalen-agentur").name == (
        "Südwestfalen Agentur GmbH"
    )


def test_a_town_without_ags_is_refused_with_a_german_message(region):

    dataset = tablib.Dataset(
        ["", "neustadt", "Neustadt", "city"], headers=["ags", "slug", "name", "kind"]
    )

    with translation.override("de"):
        result = MunicipalityResource().import_data(dataset, dry_run=True)
        messages = [str(message) for row in result.invalid_rows for message in row.error.messages]

    assert messages == ["Städte und Gemeinden brauchen ihren AGS."]
    assert not Municipality.objects.filter(slug="neustadt").exists()


def test_network_memberships_import_from_a_new_file(region):

    dataset = tablib.Dataset(
        ["smart-cities", "5962060", "Pionierkommune", "2024-01-01", ""],
        headers=["network", "municipality", "role", "starts_on", "ends_on"],
    )

    result = NetworkMembershipResource().import_data(dataset, dry_run=False)

    assert result.totals["new"] == 1
    assert (
        NetworkMembership.objects.get(municipality__slug="werdohl", starts_on=date(2024, 1, 1)).role
        == "pioneer"
    )


def test_export_form_labels_the_columns_in_german(staff_user, client_for):
    response = client_for(staff_user).get(
        reverse("admin:members_municipality_export"), headers={"accept-language": "de"}
    )
    page = response.content.decode()

    assert "Einwohnerzahl zum Stichtag (population_date)" in page
    assert "Alle auswählen" in page
    assert "Population Date" not in page
