"""gunicorn serving the portal on a free port, configured as in production
(roundtable/gunicorn.conf.py) except what a measurement must hold fixed."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from realparts.processes import ROOT, free_port, stop_group


class Gunicorn:
    """``workers`` is fixed for every figure of a run; ``max_requests=0`` turns worker
    recycling off (at benchmark rates it restarts each worker every few seconds)."""

    def __init__(
        self, *, workers: int, log_path: Path, env: dict | None = None, max_requests: int = 0
    ):
        self.port = free_port()
        self.workers = workers
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        environment = {
            **(env or os.environ),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_ACCESSLOG": "",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_MAX_REQUESTS": str(max_requests),
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "roundtable" / "gunicorn.conf.py"),
            "--no-control-socket",
            "roundtable.wsgi",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
                command, cwd=ROOT, env=environment, stdout=log, stderr=log, start_new_session=True
            )
        if not self.wait_until_answering(timeout=120):
            self.stop()
            raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_answering(self, timeout: float = 60, answers: int = 20) -> bool:
        """True once the server has answered `answers` health checks in a row, each within
        a second (workers that are still starting do not belong in a measurement)."""
        in_a_row = 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and in_a_row < answers:
            if self.process.poll() is not None:
                return False
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:  # noqa: S310
                    fast = answer.status == 200 and time.monotonic() - started < 1
                    in_a_row = in_a_row + 1 if fast else 0
            except OSError:
                in_a_row = 0
                time.sleep(0.3)
        return in_a_row >= answers

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def workers_rss_mb(self) -> list[float]:
        """Resident memory of each worker in MiB (Linux /proc)."""
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def workers_cpu_seconds(self) -> float:
        """User plus system CPU time used so far by all workers (Linux /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self):
        stop_group(self.process, timeout=30)
