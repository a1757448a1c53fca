"""A real SMTP server for tests (aiosmtpd), on a free port of 127.0.0.1.

`smtp_server()` runs one for a block: `server.wait_for(count, timeout)` blocks until that many
messages have arrived (a condition variable, no polling); `server.messages` holds them parsed,
with their envelope. The `smtp_inbox` fixture runs one for a test with the app pointed at it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

# Another process may take the free port between the probe and the bind: try again.
BIND_ATTEMPTS = 5


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    # The message as it came over the wire (to check how headers are written).
    raw: bytes = b""


@dataclass
class SmtpServer:
    port: int
    messages: list[Received] = field(default_factory=list)
    # Reply codes to give to the next DATA commands, in order (e.g. a 451 then a 550).
    refusals: list[str] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._arrived:
            if self.refusals:
                return self.refusals.pop(0)
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(
                Received(
                    envelope.mail_from, list(envelope.rcpt_tos), message, bytes(envelope.content)
                )
            )
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        """The messages once `count` have arrived; fails after `timeout` seconds."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        assert arrived, f"{len(self.messages)} message(s) received, {count} expected"
        return list(self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 for the duration of the block."""
    for attempt in range(BIND_ATTEMPTS):
        server = SmtpServer(port=_free_port())
        controller = Controller(server, hostname="127.0.0.1", port=server.port)
        try:
            controller.start()
        except OSError:
            if attempt == BIND_ATTEMPTS - 1:
                raise
            continue
        break
    try:
        yield server
    finally:
        controller.stop()


class Inbox:
    """The messages a test's server accepted, parsed, with helpers to read them."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    @property
    def messages(self) -> list[EmailMessage]:
        return [received.message for received in self.server.messages]

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to this address."""
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())


@pytest.fixture
def smtp_inbox(app: Flask) -> Iterator[Inbox]:
    """Run an SMTP server for the test and point the app at it."""
    with smtp_server() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False)
        try:
            yield Inbox(server)
        finally:
            app.config.update(SMTP_HOST=None)
