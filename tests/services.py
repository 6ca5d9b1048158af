"""Run the test suite against real PostgreSQL and Redis, whatever the machine has.

`make test` calls this instead of pytest directly:

- DATABASE_URL / REDIS_URL set: they are used as they are.
- Otherwise the local servers are used when they answer (PostgreSQL on 127.0.0.1:5432 as
  user postgres, Redis on 127.0.0.1:6379).
- Otherwise private ones are started under var/test-services/ on free ports and stopped
  afterwards; as root, Debian's postgresql and redis-server are installed when missing.

It prints which it used, runs pytest with the arguments given and exits with its code.
Only the standard library: it runs before anything else is configured.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
LOCAL_POSTGRES = ("127.0.0.1", 5432)
LOCAL_REDIS = ("127.0.0.1", 6379)


def _answers(address, probe: bytes = b"", expect: bytes = b"") -> bool:
    try:
        with socket.create_connection(address, timeout=1) as connection:
            if probe:
                connection.sendall(probe)
                return connection.recv(64).startswith(expect)
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start within {seconds:.0f} s")


def _apt_install(package: str) -> None:
    if os.geteuid() != 0:
        raise SystemExit(f"Please install Debian's {package} (or set the *_URL variables).")
    print(f"Installing Debian's {package} …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        _apt_install("postgresql")
        found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1]


def _as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; Debian's package creates the user "postgres".
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _start_private_postgres(stack: contextlib.ExitStack) -> str:
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    base = VAR / "test-services"
    base.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="postgres-", dir=base))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        # The server's user must be able to pass through var/ (traverse only, no listing).
        for folder in (VAR, base):
            folder.chmod(folder.stat().st_mode | 0o011)
    port = _free_port()
    subprocess.run(
        _as_postgres_user(
            [initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off"
    subprocess.run(
        _as_postgres_user(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(data / "log"), "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )

    def stop():
        subprocess.run(
            _as_postgres_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(data, ignore_errors=True)

    stack.callback(stop)
    _wait(lambda: _answers(("127.0.0.1", port)), "PostgreSQL")
    return f"postgres://postgres@127.0.0.1:{port}/roundtable"


def _start_private_redis(stack: contextlib.ExitStack) -> str:
    server = shutil.which("redis-server")
    if server is None:
        _apt_install("redis-server")
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    stack.callback(process.wait)
    stack.callback(process.terminate)
    _wait(lambda: _answers(("127.0.0.1", port), b"PING\r\n", b"+PONG"), "Redis")
    return f"redis://127.0.0.1:{port}/0"


def main(pytest_args: list[str]) -> int:
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if env.get("DATABASE_URL"):
            database = "DATABASE_URL as set"
        elif _answers(LOCAL_POSTGRES):
            env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/roundtable"
            database = "the local PostgreSQL on 127.0.0.1:5432"
        else:
            env["DATABASE_URL"] = _start_private_postgres(stack)
            database = f"a private PostgreSQL ({env['DATABASE_URL']}), stopped afterwards"
        if env.get("REDIS_URL"):
            redis = "REDIS_URL as set"
        elif _answers(LOCAL_REDIS, b"PING\r\n", b"+PONG"):
            env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
            env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
            redis = "the local Redis on 127.0.0.1:6379"
        else:
            env["REDIS_URL"] = _start_private_redis(stack)
            env.setdefault("CACHE_URL", env["REDIS_URL"].rsplit("/", 1)[0] + "/1")
            redis = f"a private Redis ({env['REDIS_URL']}), stopped afterwards"
        print(f"Tests use {database} and {redis}.", flush=True)
        return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
