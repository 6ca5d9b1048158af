"""The benchmark's settings: its own database and Redis, production-like HTTP settings."""

import gc
import os
import secrets
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
RESULTS = ROOT / "bench" / "results.json"
PROFILES = VAR / "bench-profiles"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/roundtable_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
REQUESTS_PER_PAGE = int(os.environ.get("BENCH_REQUESTS", "30"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
BARE_SECONDS = int(os.environ.get("BENCH_BARE_SECONDS", "3"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
LOAD_USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
# Every throughput figure of a run uses the same number of gunicorn workers (the issue's
# comparison with Indico ran 2 workers each), whatever the machine's core count.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
REDIS_OUTAGE_SECONDS = int(os.environ.get("BENCH_REDIS_OUTAGE_SECONDS", "10"))


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


PROC_STAT = Path("/proc/stat")


def cpu_times(stat_text: str | None = None) -> tuple[int, int] | None:
    """(steal, total) clock ticks of all CPUs so far, from /proc/stat; None elsewhere.

    Steal is the time the hypervisor gave to other guests while this machine wanted to run.
    """
    if stat_text is None:
        try:
            stat_text = PROC_STAT.read_text()
        except OSError:
            return None
    fields = stat_text.splitlines()[0].split()
    if fields[0] != "cpu" or len(fields) < 9:
        return None
    # user nice system idle iowait irq softirq steal (guest time is inside user already)
    ticks = [int(value) for value in fields[1:9]]
    return ticks[7], sum(ticks)


def steal_share(before, after) -> float | None:
    """The share of CPU time stolen between two cpu_times() readings."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def freeze_like_a_worker():
    """What is loaded so far leaves the garbage collector's view, as gunicorn does before it
    forks a worker (roundtable/gunicorn.conf.py), so in-process figures see the same
    collections a worker sees."""
    gc.freeze()


def setup_environment():
    # A database of its own: the scale data must never land in a development database.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.pop("CACHE_URL", None)
    os.environ["BENCHMARK_ENDPOINTS"] = "true"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    # Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ[name] = "false"
    os.environ["SECURE_HSTS_SECONDS"] = "0"
    # As recommended for production (README): keep database connections between requests.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    os.environ.setdefault("STATIC_ROOT", str(VAR / "bench-static"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    database = os.environ["DATABASE_URL"]
    name = database.rsplit("/", 1)[-1]
    server = database.rsplit("/", 1)[0] + "/postgres"

    with psycopg.connect(server, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
