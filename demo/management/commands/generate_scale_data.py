from django.core.management.base import BaseCommand

from demo.scale_data import ScaleSize, scale_data_generate, scale_data_present


class Command(BaseCommand):
    help = "Fill the database with reproducible scale data for benchmarks (use an empty database)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--practices", type=int, default=ScaleSize.practices)
        parser.add_argument("--municipalities", type=int, default=ScaleSize.municipalities)
        parser.add_argument("--representatives", type=int, default=ScaleSize.representatives)
        parser.add_argument("--meetings", type=int, default=ScaleSize.meetings)

    def handle(self, *args, seed, practices, municipalities, representatives, meetings, **opts):
        size = ScaleSize(
            municipalities=municipalities,
            representatives=representatives,
            meetings=meetings,
            practices=practices,
        )
        if scale_data_present(size):
            self.stdout.write("Scale data is already present; nothing to do.")
            return
        counts = scale_data_generate(seed=seed, size=size)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
