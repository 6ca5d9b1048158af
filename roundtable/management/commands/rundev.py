"""Serve the portal for local development together with a Celery worker and Celery beat.

Prepares the database and demo data, then runs the three processes until Ctrl-C, which
stops all of them.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.demo_data import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_data_load


class Command(BaseCommand):
    help = "Migrate, load demo data and serve the portal with a Celery worker and beat."
    # The checks may open the SQLite database under var/, which must exist first.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Mail links and calendar feeds must point at the address actually served, so the
        # served port decides SITE_URL unless the environment names one explicitly.
        site_url = os.environ.get("SITE_URL") or f"http://{host}:{port}"
        settings.SITE_URL = site_url.rstrip("/")
        self.check()
        # The embedded broker (no REDIS_URL) keeps its queue in folders under var/.
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_data_load()
        database = settings.DATABASES["default"]
        self.stdout.write(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
        self.stdout.write(f"Celery broker: {settings.CELERY_BROKER_URL.split('@')[-1]}")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for login in logins:
            where = f" – {login.municipality}" if login.municipality else ""
            self.stdout.write(f"  {login.role:<15} {login.email}{where}")
        self.stdout.write(
            "Admin and staff also need a one-time code: add the demo TOTP secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app (or run "
            f"`oathtool --totp -b {DEMO_TOTP_SECRET}`)."
        )
        self.stdout.write(f"Portal: {settings.SITE_URL}/  (Ctrl-C stops everything)")
        # Written before the servers start, whether or not stdout is a terminal (under a
        # pipe Python buffers it, and the servers' lines would come first).
        self.stdout.flush()

        python = sys.executable
        commands = [
            [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            [
                python,
                "-m",
                "celery",
                "-A",
                "roundtable",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
            ],
            [
                python,
                "-m",
                "celery",
                "-A",
                "roundtable",
                "beat",
                "--loglevel=INFO",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ],
        ]
        env = {**os.environ, "DEBUG": "true", "SITE_URL": settings.SITE_URL}
        processes = [subprocess.Popen(command, env=env) for command in commands]  # noqa: S603

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            deadline = time.monotonic() + 15
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Stopped.")
