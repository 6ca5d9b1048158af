"""Real services for the integration tests: an SMTP server on loopback (aiosmtpd), a Celery
worker subprocess and a private redis-server."""

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from roundtable.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.1):
    """Poll until condition() is truthy; fail with a clear message after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


class RecordingHandler:
    """An SMTP server's behaviour, switchable by the test.

    - ``delay``: seconds to wait before answering DATA (a slow server).
    - ``temporary_failures``: recipient → how many RCPTs to answer with 451 first.
    - ``rejected``: recipients answered with 550 (permanent).
    - ``hold_after``: after this many accepted mails, DATA waits until ``release()`` and is
      then refused with 421; such mails are not delivered.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.delivered = []  # (recipient, parsed message)
        self.rcpt_attempts = Counter()
        self.temporary_failures = {}
        self.rejected = set()
        self.delay = 0.0
        self.hold_after = None
        self.held = 0
        self._released = False

    def release(self):
        self._released = True

    def recipients(self):
        with self.lock:
            return [recipient for recipient, _message in self.delivered]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_attempts[address] += 1
            attempt = self.rcpt_attempts[address]
        if address in self.rejected:
            return "550 5.1.1 Mailbox unavailable"
        if attempt <= self.temporary_failures.get(address, 0):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            hold = self.hold_after is not None and len(self.delivered) >= self.hold_after
            if hold:
                self.held += 1
        if hold:
            while not self._released:
                await asyncio.sleep(0.05)
            return "421 4.3.2 Service shutting down"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.delivered.append((recipient, parsed))
        return "250 2.0.0 Message accepted for delivery"


@contextmanager
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        handler.release()
        controller.stop()


def database_url_for_workers() -> str:
    """The database pytest-django created for this run, as a URL for other processes."""
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


class Worker:
    """``celery -A roundtable worker --pool=prefork --concurrency=2`` in its own process group."""

    def __init__(self, *, log_path: Path, env: dict):
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "roundtable",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--hostname=notifications-test-{uuid.uuid4().hex[:8]}@localhost",
        ]
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, timeout=60, what=f"the Celery worker (log: {log_path})")

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"Worker exited: {self.log_path.read_text()[-3000:]}")
        return b" ready." in self.log_path.read_bytes()

    def kill(self):
        """SIGKILL the main process and its pool children at once, like a crashed host."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        self.kill()
        self.log.close()


def worker_env(*, smtp_port: int, redis_url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for_workers(),
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        EMAIL_TIMEOUT="20",
        SECRET_KEY="integration-tests-only",
        DEBUG="false",
        NOTIFICATIONS_RETRY_BASE_SECONDS="0.3",
        NOTIFICATIONS_MAX_ATTEMPTS="5",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


@contextmanager
def worker(**kwargs):
    started = Worker(**kwargs)
    try:
        yield started
    finally:
        started.stop()


class RedisServer:
    """A private redis-server on a free port; stopping it never touches the shared one."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server")

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


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


@contextmanager
def broker_for_tests(directory: Path):
    """The suite's Redis (REDIS_URL) with an empty queue, or a private redis-server."""
    if settings.REDIS_URL:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
        yield settings.CELERY_BROKER_URL
        return
    server = RedisServer(directory)
    server.start()
    try:
        with celery_publishing_to(server.url):
            yield server.url
    finally:
        server.stop()
