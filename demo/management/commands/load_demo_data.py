from django.core.management.base import BaseCommand

from demo.demo_data import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load the region and the demo data (fictional people); running it twice changes nothing."

    def handle(self, *args, **options):
        logins = demo_data_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        for login in logins:
            where = f" ({login.municipality})" if login.municipality else ""
            self.stdout.write(f"  {login.role:<15} {login.email:<22} {DEMO_PASSWORD}{where}")
