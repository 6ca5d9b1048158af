"""`make run` from the README really serves the portal, with a Celery worker and beat."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    request = urllib.request.Request(url, headers={"Accept-Language": "de"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


def wait_for(url, process, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("make run exited early")
        try:
            return get(url)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_make_run_serves_start_login_and_admin_then_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}
    }
    env["VAR_DIR"] = str(tmp_path / "var")
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "run", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        status, start_page = wait_for(f"{base}/healthz", process)
        assert status == 200

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

        # The worker and beat come up beside the web server, on the embedded broker.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            output = (tmp_path / "run.log").read_text()
            if "ready." in output and "beat: Starting" in output:
                break
            time.sleep(0.5)
        output = (tmp_path / "run.log").read_text()
        assert "ready." in output, output[-3000:]
        assert "beat: Starting" in output, output[-3000:]
        assert "admin@example.org" in output
        assert (tmp_path / "var" / "db.sqlite3").exists()
        # Everything the embedded broker writes stays under VAR_DIR, not in the checkout.
        assert (tmp_path / "var" / "celery-broker" / "control").is_dir()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise

    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/healthz")
    leftover = subprocess.run(  # noqa: S603
        ["pgrep", "-g", str(process.pid)],
        capture_output=True,
        text=True,  # noqa: S607
    )
    assert leftover.stdout.strip() == ""
