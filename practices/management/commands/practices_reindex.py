from django.core.management.base import BaseCommand

from practices.models import Practice
from practices.search import search_index_rebuild


class Command(BaseCommand):
    help = "Recompute the full-text search index of all good-practice examples (PostgreSQL)."

    def handle(self, *args, **options):
        search_index_rebuild()
        self.stdout.write(f"{Practice.objects.count()} examples indexed.")
