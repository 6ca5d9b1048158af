import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from members.models import District, Municipality
from members.permissions import STAFF_GROUP_NAME
from roundtable.slugs import german_slugify

# What agency staff may do in the admin: manage the members, meetings and practices apps.
STAFF_APPS = ("members", "meetings", "practices", "roundtable")
STAFF_EXCLUDED_MODELS = ("user",)

BUNDLED_REGION_DIR = Path(__file__).resolve().parent / "data"


def staff_group_sync() -> Group:
    """Create the staff group and give it every permission of the portal's own apps."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    permissions = Permission.objects.filter(content_type__app_label__in=STAFF_APPS).exclude(
        content_type__model__in=STAFF_EXCLUDED_MODELS
    )
    group.permissions.set(permissions)
    return group


@dataclass
class RegionLoadResult:
    districts_created: int = 0
    districts_updated: int = 0
    municipalities_created: int = 0
    municipalities_updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


_KINDS = {"Stadt": Municipality.Kind.CITY, "Gemeinde": Municipality.Kind.MUNICIPALITY}


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _update_or_create(model, lookup: dict, values: dict):
    """Like update_or_create, but saves only when something changed (so a rerun writes nothing)."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed)
    return instance, "updated"


@transaction.atomic
def region_load(*, data_dir: Path = BUNDLED_REGION_DIR) -> RegionLoadResult:
    """Load the region's districts and municipalities; updates rows in place, never duplicates.

    Keys are the AGS: a refreshed file with a new population or website updates the row.
    """
    result = RegionLoadResult()
    districts_by_name = {}
    for row in _read_csv(Path(data_dir) / "districts.csv"):
        district, outcome = _update_or_create(
            District,
            {"ags_prefix": row["ags_prefix"].strip()},
            {"name": row["name"].strip(), "seat": row["seat"].strip()},
        )
        districts_by_name[district.name] = district
        if outcome == "created":
            result.districts_created += 1
        elif outcome == "updated":
            result.districts_updated += 1
        else:
            result.unchanged += 1

    for line, row in enumerate(_read_csv(Path(data_dir) / "municipalities.csv"), start=2):
        ags = row["ags"].strip()
        district = districts_by_name.get(row["district"].strip())
        kind = _KINDS.get(row["kind"].strip())
        if district is None or kind is None or len(ags) != 8 or not ags.isdigit():
            result.errors.append(f"municipalities.csv line {line}: invalid row {row!r}")
            continue
        population = row.get("population", "").strip()
        population_date = row.get("population_date", "").strip()
        _municipality, outcome = _update_or_create(
            Municipality,
            {"ags": ags},
            {
                "name": row["name"].strip(),
                "slug": german_slugify(row["name"]),
                "kind": kind,
                "district": district,
                "population": int(population) if population else None,
                "population_date": date.fromisoformat(population_date) if population_date else None,
                "website": row.get("website", "").strip(),
            },
        )
        if outcome == "created":
            result.municipalities_created += 1
        elif outcome == "updated":
            result.municipalities_updated += 1
        else:
            result.unchanged += 1
    if result.errors:
        # Nothing is half-loaded: a bad file changes nothing.
        transaction.set_rollback(True)
    return result
