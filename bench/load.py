"""50 concurrent users for 60 s against gunicorn + PostgreSQL + Redis + a worker (locust),
once as is and once with Redis stopped for 10 s in the middle."""

import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.urls import reverse
from django.utils.http import urlencode

from bench.throughput import wrk
from meetings.models import Invitation

ROOT = Path(__file__).resolve().parent.parent


def _warm_up(base_url, config):
    """A server in service has rendered its pages before: every worker does so once here.

    A freshly started worker compiles templates and loads catalogues on its first requests;
    unwarmed, that start-up made the load test's slowest percent (p99 about 3.6 s).
    """
    cookie = config["people"][0]["cookie"]
    for url in [*config["pages"], config["people"][0]["form_url"]]:
        wrk(base_url + url, cookie=cookie, seconds=1)


def run(context, base_url, users, seconds, *, meanwhile=None):
    """Results of one locust run; ``meanwhile`` (a callable) runs in a thread alongside it."""
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    meeting = context.meeting
    config = {
        "pages": [
            reverse("home"),
            reverse("meetings:list"),
            reverse("meetings:detail", args=[meeting.pk]),
            f"{reverse('practices:list')}?{urlencode({'q': 'Neubürger'})}",
            reverse("members:directory"),
        ],
        "people": [
            {
                "cookie": person["cookie"],
                "invitation": person["invitation"],
                "form_url": reverse("meetings:detail", args=[meeting.pk]),
                "respond_url": reverse("meetings:respond", args=[person["invitation"]]),
            }
            for person in context.load_users
        ],
    }
    (folder / "config.json").write_text(json.dumps(config))
    _warm_up(base_url, config)
    env = {
        **os.environ,
        "BENCH_LOAD_CONFIG": str(folder / "config.json"),
        "BENCH_LOAD_LOG": str(folder / "acknowledged.json"),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        # People arrive over the first ten seconds, not all in the same millisecond (all at
        # once, the first requests queue behind each other: p99 was about 0.7 s here).
        "-r",
        str(max(1, users // 10)),
        "-t",
        f"{seconds}s",
        # At the end each user finishes the task it is in. Killed at once (locust's default),
        # an answer in flight could be saved by the portal without reaching the user, and the
        # check below would count the answer acknowledged before it as lost.
        "--stop-timeout",
        "10",
        "--host",
        base_url,
        "--csv",
        str(folder / "stats"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    helper = threading.Thread(target=meanwhile, daemon=True) if meanwhile else None
    if helper:
        helper.start()
    subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603
    if helper:
        helper.join()
    with open(folder / "stats_stats.csv", encoding="utf-8") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    server_errors = 0
    failures_file = folder / "stats_failures.csv"
    if failures_file.exists():
        with open(failures_file, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if "50" in row["Error"] or "status 5" in row["Error"]:
                    server_errors += int(row["Occurrences"])
    acknowledged = json.loads((folder / "acknowledged.json").read_text())
    last_answer = {}
    for invitation_id, answer in acknowledged:
        last_answer[invitation_id] = answer
    stored = dict(Invitation.objects.filter(pk__in=last_answer).values_list("pk", "response"))
    lost = sum(1 for pk, answer in last_answer.items() if stored.get(pk) != answer)
    return {
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "server_errors_5xx": server_errors,
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p99_ms": float(total["99%"]),
        "answers_acknowledged": len(acknowledged),
        "answers_lost": lost,
    }


def redis_outage(redis_server, *, after: float, seconds: float, log: list):
    """A ``meanwhile`` for run(): stop the private Redis after ``after`` seconds, start it again
    ``seconds`` later on the same port (an empty one, as after a crash)."""

    def outage():
        time.sleep(after)
        log.append(("redis stopped", time.monotonic()))
        redis_server.stop()
        time.sleep(seconds)
        redis_server.start()
        log.append(("redis started", time.monotonic()))

    return outage
