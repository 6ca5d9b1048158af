import pytest
import tablib

from members.models import Municipality, Representative
from members.resources import MunicipalityResource, RepresentativeResource
from tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

MUNICIPALITY_HEADERS = ["ags", "name", "kind", "district", "population", "population_date"]


@pytest.fixture
def district():
    return DistrictFactory(name="Märkischer Kreis", ags_prefix="05962")


def municipality_rows(*rows):
    return tablib.Dataset(*rows, headers=MUNICIPALITY_HEADERS)


def test_municipality_import_good_file(district):
    dataset = municipality_rows(
        ["05962060", "Werdohl", "Stadt", "Märkischer Kreis", "17000", "2024-12-31"],
        ["5962004", "Balve", "city", "Märkischer Kreis", "11000", ""],
    )

    result = MunicipalityResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    werdohl = Municipality.objects.get(ags="05962060")
    assert werdohl.kind == "city" and werdohl.slug == "werdohl" and werdohl.population == 17000
    # Spreadsheets drop leading zeros; the key is restored.
    assert Municipality.objects.get(ags="05962004").name == "Balve"


def test_municipality_dry_run_changes_nothing(district):
    dataset = municipality_rows(["05962060", "Werdohl", "Stadt", "Märkischer Kreis", "17000", ""])

    result = MunicipalityResource().import_data(dataset, dry_run=True)

    assert result.totals["new"] == 1
    assert not Municipality.objects.exists()


def test_municipality_import_with_bad_rows_imports_nothing(district):
    dataset = municipality_rows(
        ["05962060", "Werdohl", "Stadt", "Märkischer Kreis", "17000", ""],
        ["0596ABC", "Kaputt", "Stadt", "Märkischer Kreis", "", ""],
        ["05962012", "Ohne Kreis", "Stadt", "Kein Kreis", "", ""],
        ["05962016", "Falsche Art", "Dorf", "Märkischer Kreis", "", ""],
    )

    result = MunicipalityResource().import_data(dataset, dry_run=False)

    assert result.has_validation_errors() or result.has_errors()
    failed_rows = {row.number for row in result.invalid_rows} | {
        number for number, _errors in result.row_errors()
    }
    assert failed_rows == {2, 3, 4}
    assert not Municipality.objects.exists()


def test_municipality_reimport_updates_instead_of_duplicating(district):
    MunicipalityResource().import_data(
        municipality_rows(["05962060", "Werdohl", "Stadt", "Märkischer Kreis", "17000", ""]),
        dry_run=False,
    )

    result = MunicipalityResource().import_data(
        municipality_rows(["05962060", "Werdohl", "Stadt", "Märkischer Kreis", "17500", ""]),
        dry_run=False,
    )

    assert result.totals["update"] == 1
    assert Municipality.objects.filter(ags="05962060").count() == 1
    assert Municipality.objects.get(ags="05962060").population == 17500


REPRESENTATIVE_HEADERS = [
    "municipality",
    "email",
    "first_name",
    "last_name",
    "function",
    "is_main_contact",
    "starts_on",
]


def test_representative_import_and_reimport_updates(district):
    werdohl = MunicipalityFactory(ags="05962060", name="Werdohl", district=district)
    agency = MunicipalityFactory(ags=None, slug="suedwestfalen-agentur", kind="agency")
    first = tablib.Dataset(
        ["05962060", "Anna@Example.org", "Anna", "Muster", "Stadtmarketing", "1", "2024-01-01"],
        ["suedwestfalen-agentur", "ben@example.org", "Ben", "Beispiel", "agency", "0", ""],
        headers=REPRESENTATIVE_HEADERS,
    )
    again = tablib.Dataset(
        ["05962060", "anna@example.org", "Anna", "Neu", "city_marketing", "1", "2024-01-01"],
        headers=REPRESENTATIVE_HEADERS,
    )

    created = RepresentativeResource().import_data(first, dry_run=False)
    updated = RepresentativeResource().import_data(again, dry_run=False)

    assert not created.has_errors() and not created.has_validation_errors()
    assert updated.totals["update"] == 1
    anna = Representative.objects.get(email="anna@example.org", municipality=werdohl)
    assert anna.last_name == "Neu" and anna.is_main_contact
    assert Representative.objects.filter(municipality=agency).count() == 1
    assert Representative.objects.count() == 2


def test_representative_import_rejects_second_main_contact(district):
    MunicipalityFactory(ags="05962060", name="Werdohl", district=district)
    dataset = tablib.Dataset(
        ["05962060", "anna@example.org", "Anna", "Muster", "city_marketing", "1", "2024-01-01"],
        ["05962060", "ben@example.org", "Ben", "Beispiel", "city_marketing", "1", "2024-01-01"],
        ["99999999", "cara@example.org", "Cara", "Probe", "city_marketing", "0", "2024-01-01"],
        headers=REPRESENTATIVE_HEADERS,
    )

    result = RepresentativeResource().import_data(dataset, dry_run=False)

    assert result.has_validation_errors() or result.has_errors()
    assert not Representative.objects.exists()


def test_municipality_import_from_xlsx_with_numeric_keys(district):
    spreadsheet = municipality_rows([5962060, "Werdohl", "Stadt", "Märkischer Kreis", 17000, ""])
    loaded = tablib.Dataset().load(spreadsheet.export("xlsx"), format="xlsx")

    result = MunicipalityResource().import_data(loaded, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert Municipality.objects.get(ags="05962060").population == 17000


def test_municipality_export_round_trips(district):
    MunicipalityFactory(ags="05962060", name="Werdohl", district=district)

    exported = MunicipalityResource().export()

    assert exported.dict[0]["ags"] == "05962060"
    assert exported.dict[0]["district"] == "Märkischer Kreis"
    assert exported.dict[0]["kind"] == "city"
    result = MunicipalityResource().import_data(exported, dry_run=False)
    assert result.totals["skip"] == 1
    assert Municipality.objects.count() == 1
