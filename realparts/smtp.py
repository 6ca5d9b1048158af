"""SMTP servers on loopback (aiosmtpd): one that records and misbehaves on request, one that
only counts."""

import asyncio
import logging
import threading
from collections import Counter
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from realparts.processes import free_port


class CountingHandler:
    """Accepts every message and counts the recipients (for throughput measurements)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
        return "250 2.0.0 Message accepted for delivery"


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
def smtp_server(handler=None):
    """Yields (handler, port) of an SMTP server on loopback; a RecordingHandler by default."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = handler or RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        if hasattr(handler, "release"):
            handler.release()
        controller.stop()
