import shutil

import pytest
from django.core.management import call_command

from members.models import District, Municipality
from members.services import BUNDLED_REGION_DIR, region_load

pytestmark = pytest.mark.django_db


def test_region_load_creates_all_districts_and_municipalities():
    result = region_load()

    assert result.errors == []
    assert District.objects.count() == 5
    assert Municipality.objects.count() == 59
    werdohl = Municipality.objects.get(ags="05962060")
    assert werdohl.name == "Werdohl"
    assert werdohl.kind == Municipality.Kind.CITY
    assert werdohl.district.name == "Märkischer Kreis"
    assert werdohl.population == 17657
    assert werdohl.website == "https://www.werdohl.de"


def test_region_load_twice_changes_nothing():
    region_load()
    before = list(Municipality.objects.order_by("pk").values())

    second = region_load()

    assert second.municipalities_created == second.municipalities_updated == 0
    assert second.districts_created == second.districts_updated == 0
    assert list(Municipality.objects.order_by("pk").values()) == before


def test_region_load_updates_changed_rows_in_place(tmp_path):
    region_load()
    shutil.copy(BUNDLED_REGION_DIR / "districts.csv", tmp_path / "districts.csv")
    source = (BUNDLED_REGION_DIR / "municipalities.csv").read_text(encoding="utf-8")
    (tmp_path / "municipalities.csv").write_text(
        source.replace(
            "05962060,Werdohl,Stadt,Märkischer Kreis,17657",
            "05962060,Werdohl,Stadt,Märkischer Kreis,18000",
        ),
        encoding="utf-8",
    )

    result = region_load(data_dir=tmp_path)

    assert result.municipalities_updated == 1
    assert Municipality.objects.count() == 59
    assert Municipality.objects.get(ags="05962060").population == 18000


def test_region_load_with_a_bad_row_loads_nothing(tmp_path):
    shutil.copy(BUNDLED_REGION_DIR / "districts.csv", tmp_path / "districts.csv")
    source = (BUNDLED_REGION_DIR / "municipalities.csv").read_text(encoding="utf-8")
    (tmp_path / "municipalities.csv").write_text(
        source + "123,Irgendwo,Stadt,Nirgendkreis,1,2019-12-31,\n"
    )

    result = region_load(data_dir=tmp_path)

    assert result.errors
    assert Municipality.objects.count() == 0


def test_load_region_command_reads_the_shared_files_when_given():
    call_command("load_region", data_dir=BUNDLED_REGION_DIR)

    assert Municipality.objects.filter(district__name="Kreis Olpe").count() == 7
