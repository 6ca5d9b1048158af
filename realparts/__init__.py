"""The real parts the portal runs with, started for the integration tests and `make bench`:
a Celery worker, an SMTP server on loopback, a private redis-server and gunicorn, each on a
free port and in its own process group.

Nothing here is imported by the portal itself; tests/ and bench/ import it.
"""

from realparts.gunicorn import Gunicorn
from realparts.processes import free_port, wait_for
from realparts.redis import RedisServer
from realparts.smtp import CountingHandler, RecordingHandler, smtp_server
from realparts.worker import (
    Worker,
    celery_publishing_to,
    database_url_for_workers,
    worker,
    worker_env,
)

__all__ = [
    "CountingHandler",
    "Gunicorn",
    "RecordingHandler",
    "RedisServer",
    "Worker",
    "celery_publishing_to",
    "database_url_for_workers",
    "free_port",
    "smtp_server",
    "wait_for",
    "worker",
    "worker_env",
]
