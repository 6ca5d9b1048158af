from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.services import BUNDLED_REGION_DIR, region_load


class Command(BaseCommand):
    help = "Load the region's districts and municipalities from CSV files (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=BUNDLED_REGION_DIR,
            help="Folder with districts.csv and municipalities.csv (default: the bundled copy).",
        )

    def handle(self, *args, data_dir, **options):
        result = region_load(data_dir=data_dir)
        if result.errors:
            raise CommandError("\n".join(["Nothing was loaded:", *result.errors]))
        self.stdout.write(
            f"Districts: {result.districts_created} created, {result.districts_updated} updated. "
            f"Municipalities: {result.municipalities_created} created, "
            f"{result.municipalities_updated} updated. Unchanged: {result.unchanged}."
        )
