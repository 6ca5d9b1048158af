"""A private redis-server on a free port: stopping or pausing it never touches a shared one."""

import signal
import socket
import subprocess
from pathlib import Path

from realparts.processes import free_port, wait_for


class RedisServer:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.port = None
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        """Start (or start again, on the same port, after ``stop``)."""
        self.port = self.port or free_port()
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [  # noqa: S607 - Debian's redis-server from PATH
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
        wait_for(self.answers, timeout=10, what="redis-server")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.settimeout(0.5)
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def pause(self):
        """SIGSTOP: connections are accepted by the kernel but nothing answers (a hung server)."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()
