"""`make run` from the README really serves the portal, with a Celery worker and beat, on the
embedded default (SQLite and a file-system broker), and stops cleanly on Ctrl-C.

One `make run` serves every test in this module: migrating and loading the demo data into a
fresh SQLite database takes most of a minute on 2 cores.
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from demo.demo_data import DEMO_PASSWORD
from realparts import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
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

# The viewer's facts are one hand-written statement; on SQLite its dates and booleans come
# back as text and integers and go through the ORM's converters.
COMPARE_VIEWER_FACTS = """
from members import permissions
from members.models import Representative, User
from members.selectors import viewer_facts_get
checked = 0
for user in User.objects.all():
    facts = viewer_facts_get(user=user, staff_group_name=permissions.STAFF_GROUP_NAME)
    expected = (
        Representative.objects.current().filter(user=user)
        .select_related("municipality__district")
        .order_by("-is_main_contact", "-starts_on", "pk").first()
    )
    assert facts.in_staff_group is user.groups.filter(name=permissions.STAFF_GROUP_NAME).exists()
    if expected is None:
        assert facts.representative is None, user.email
        continue
    ours = facts.representative
    for model_field in Representative._meta.concrete_fields:
        mine, theirs = getattr(ours, model_field.attname), getattr(expected, model_field.attname)
        assert (type(mine), mine) == (type(theirs), theirs), (user.email, model_field.name)
    assert ours.municipality.name == expected.municipality.name
    assert ours.municipality.district == expected.municipality.district
    checked += 1
print("checked", checked)
"""


def get(url):
    request = urllib.request.Request(url, headers={"Accept-Language": "de"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


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


@dataclass
class Portal:
    process: subprocess.Popen
    base: str
    var: Path
    log_path: Path
    env: dict

    def output(self) -> str:
        return self.log_path.read_text()

    def stop(self):
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}
    }
    env["VAR_DIR"] = str(tmp_path / "var")
    log_path = tmp_path / "run.log"
    process = subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "run", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w+"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    portal = Portal(process, f"http://127.0.0.1:{port}", tmp_path / "var", log_path, env)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, "make run exited early:\n" + portal.output()[-3000:]
            assert time.monotonic() < deadline, portal.output()[-3000:]
            try:
                get(f"{portal.base}/healthz")
            except OSError:
                time.sleep(0.5)
                continue
            # The worker and beat come up beside the web server, on the embedded broker.
            if "ready." in portal.output() and "beat: Starting" in portal.output():
                break
            time.sleep(0.5)
        yield portal
    finally:
        portal.stop()


def test_make_run_serves_start_login_and_admin_with_a_worker_and_beat(portal):
    base = portal.base
    status, start_page = get(f"{base}/")
    assert status == 200
    assert "Runder Tisch" in start_page
    assert get(f"{base}/konto/login/")[0] == 200
    status, admin_page = get(f"{base}/admin/login/")
    assert status == 200
    assert "Verwaltung Runder Tisch" in admin_page
    # Absolute links (mails, feeds, .ics) name the port actually served, not 8000.
    status, feed = get(f"{base}/praxisbeispiele/feed/")
    assert status == 200
    assert f"<id>{base}/praxisbeispiele/willkommenstasche-werdohl/</id>" in feed
    assert "127.0.0.1:8000" not in feed

    # The library with its filters counted on SQLite (one UNION ALL statement).
    status, library = get(f"{base}/praxisbeispiele/")
    assert status == 200
    assert "Märkischer Kreis" in library
    assert 'value="05962"' in library  # the district filter offers it

    output = portal.output()
    assert "admin@example.org" in output
    assert (portal.var / "db.sqlite3").exists()
    # Everything the embedded broker writes stays under VAR_DIR, not in the checkout.
    assert (portal.var / "celery-broker" / "control").is_dir()


def test_worker_and_web_write_to_sqlite_at_once_without_database_is_locked(portal):
    emails = re.findall(r"^\s+\S+\s+(\S+@\S+)", portal.output(), re.MULTILINE)
    assert emails, portal.output()[-3000:]

    # Staff queue mail (which the worker sends and marks) while members log in.
    queue = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", QUEUE_MESSAGES],
        cwd=ROOT,
        env={**portal.env, "DEBUG": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(
            pool.map(
                lambda n: log_in(portal.base, emails[n % len(emails)], DEMO_PASSWORD),
                range(LOGINS),
            )
        )
    queue_output, _ = queue.communicate(timeout=300)
    assert queue.returncode == 0, queue_output.decode()[-3000:]

    sent = 0
    deadline = time.monotonic() + 90
    database = sqlite3.connect(portal.var / "db.sqlite3", timeout=30)
    try:
        while sent < MESSAGES and time.monotonic() < deadline:
            sent = database.execute(
                "SELECT count(*) FROM notifications_outgoingmessage "
                "WHERE state = 'sent' AND idempotency_key LIKE 'sqlite-concurrency-%'"
            ).fetchone()[0]
            time.sleep(0.5)
    finally:
        database.close()

    assert statuses == [200] * LOGINS
    assert "database is locked" not in portal.output(), portal.output()[-5000:]
    # Every message went out at once, none had to wait for the sweep.
    assert sent == MESSAGES, portal.output()[-3000:]


def test_viewer_facts_on_sqlite_match_the_orm_for_every_demo_user(portal):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", COMPARE_VIEWER_FACTS],
        cwd=ROOT,
        env={**portal.env, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    checked = int(re.search(r"checked (\d+)", result.stdout).group(1))
    assert checked >= 2  # the demo's representatives with an account


def test_ctrl_c_stops_the_web_server_the_worker_and_beat(portal):
    portal.stop()
    assert portal.process.returncode is not None
    with pytest.raises(OSError):
        get(f"{portal.base}/healthz")
    leftover = subprocess.run(  # noqa: S603
        ["pgrep", "-g", str(portal.process.pid)],  # noqa: S607
        capture_output=True,
        text=True,
    )
    assert leftover.stdout.strip() == ""
