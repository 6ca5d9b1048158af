"""`make test` on a machine without servers: tests/services.py starts private ones."""

import contextlib
import subprocess

import pytest

from tests import services

pytestmark = pytest.mark.integration


def test_private_postgres_and_redis_start_answer_and_stop():
    with contextlib.ExitStack() as stack:
        database_url = services._start_private_postgres(stack)
        redis_url = services._start_private_redis(stack)
        database_port = int(database_url.split(":")[2].split("/")[0])
        redis_port = int(redis_url.split(":")[2].split("/")[0])
        answer = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(database_port),
                "-U",
                "postgres",
                "-tAc",
                "SELECT 1",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert answer == "1"
        assert services._answers(("127.0.0.1", redis_port), b"PING\r\n", b"+PONG")
    assert not services._answers(("127.0.0.1", database_port))
    assert not services._answers(("127.0.0.1", redis_port))


def test_runner_uses_the_urls_that_are_set(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/set_by_caller")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    # "--version" makes pytest answer without running any test.
    assert services.main(["--version"]) == 0
    assert "DATABASE_URL as set and REDIS_URL as set" in capsys.readouterr().out
