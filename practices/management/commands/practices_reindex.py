from django.core.management.base import BaseCommand

from practices.models import Practice
from practices.services import practice_search_index_update


class Command(BaseCommand):
    help = "Recompute the full-text search index of all good-practice examples (PostgreSQL)."

    def handle(self, *args, **options):
        ids = list(Practice.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            practice_search_index_update(practice_ids=ids[start : start + 500])
        self.stdout.write(f"{len(ids)} examples indexed.")
