"""The embedded default (SQLite): the worker and web requests write at once without locking."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from demo.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent.parent
MESSAGES = 30
LOGINS = 12

QUEUE_MESSAGES = f"""
from django.db import transaction
from notifications import kinds, services
for number in range({MESSAGES}):
    with transaction.atomic():
        services.message_queue(
            kind="invitation",
            recipient_email=f"empfaenger{{number}}@example.org",
            idempotency_key=f"sqlite-concurrency-{{number}}",
            template_base="invitation",
            context=kinds.sample_context("invitation"),
        )
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_in(base, email, password):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/konto/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/konto/login/", data=data, headers={"Referer": f"{base}/konto/login/"}
    )
    with opener.open(request, timeout=60) as response:  # noqa: S310 - loopback only
        return response.status


# Migrating, loading the demo data and starting three processes takes a while on 2 cores.
@pytest.mark.timeout(900)
def test_worker_and_web_write_to_sqlite_at_once_without_database_is_locked(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(VAR_DIR=str(tmp_path / "var"), DEBUG="true")
    log_path = tmp_path / "run.log"
    log = log_path.open("w+")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "rundev", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while "ready." not in log_path.read_text() or "Portal:" not in log_path.read_text():
            assert process.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.5)
        emails = re.findall(r"^\s+\S+\s+(\S+@\S+)", log_path.read_text(), re.MULTILINE)
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310 - loopback
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.5)

        # Staff queue mail (which the worker sends and marks) while members log in.
        queue = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", QUEUE_MESSAGES],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(
                pool.map(
                    lambda n: log_in(base, emails[n % len(emails)], DEMO_PASSWORD), range(LOGINS)
                )
            )
        queue_output, _ = queue.communicate(timeout=300)
        assert queue.returncode == 0, queue_output.decode()[-3000:]

        sent = 0
        deadline = time.monotonic() + 90
        database = sqlite3.connect(tmp_path / "var" / "db.sqlite3", timeout=30)
        while sent < MESSAGES and time.monotonic() < deadline:
            sent = database.execute(
                "SELECT count(*) FROM notifications_outgoingmessage WHERE state = 'sent'"
            ).fetchone()[0]
            time.sleep(1)
        database.close()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)

    output = log_path.read_text()
    assert statuses == [200] * LOGINS
    assert "database is locked" not in output, output[-5000:]
    # Every message went out at once, none had to wait for the sweep.
    assert sent == MESSAGES, output[-3000:]
