"""A Celery worker subprocess (``celery -A roundtable worker``) in its own process group."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from realparts.processes import ROOT, kill_group, stop_group, wait_for
from roundtable.celery import app as celery_app


class Worker:
    """Started by the constructor, which returns once the worker logs " ready."."""

    def __init__(self, *, log_path: Path, env: dict, concurrency: int = 2, name: str = "realparts"):
        self.log_path = Path(log_path)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "roundtable",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",  # the " ready." line is logged at INFO
            f"--hostname={name}-{uuid.uuid4().hex[:8]}@localhost",
        ]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(self._ready, timeout=60, what=f"the Celery worker (log: {self.log_path})")
        except BaseException:
            self.stop()
            raise

    def _ready(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"The worker exited: {self.log_path.read_text()[-3000:]}")
        return b" ready." in self.log_path.read_bytes()

    def kill(self):
        """SIGKILL the main process and its pool children at once, like a crashed host."""
        kill_group(self.process)

    def stop(self, *, graceful: bool = False):
        if graceful:
            stop_group(self.process)
        else:
            self.kill()
        self.log.close()


def database_url_for_workers() -> str:
    """The database this process uses (pytest-django's test database), as a URL."""
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


def worker_env(*, smtp_port: int, redis_url: str, database_url: str | None = None, **extra):
    """The environment of a worker that sends to the SMTP server on ``smtp_port``;
    ``extra`` overrides single variables."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url or database_url_for_workers(),
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        EMAIL_TIMEOUT="20",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "integration-tests-only",
        DEBUG="false",
        # Retries quick enough for a test to watch them.
        NOTIFICATIONS_RETRY_BASE_SECONDS="0.3",
        NOTIFICATIONS_MAX_ATTEMPTS="5",
    )
    env.pop("CACHE_URL", None)
    env.update({key: str(value) for key, value in extra.items()})
    return env


@contextmanager
def worker(**kwargs):
    started = Worker(**kwargs)
    try:
        yield started
    finally:
        started.stop()


@contextmanager
def celery_publishing_to(url: str):
    """Make this process publish tasks to another broker for a while."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app._after_fork()  # drop pooled connections to the old broker
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        celery_app._after_fork()
