"""A real SMTP server on loopback (aiosmtpd) and a worker that delivers the outbox to it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps what arrives."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 OK"

    def messages_to(self, address: str) -> list[Message]:
        """Every message delivered to the address, parsed as a mail client would."""
        return [
            message_from_bytes(envelope.content, policy=default)
            for envelope in self.envelopes
            if address in envelope.rcpt_tos
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_inbox(**controller_options: Any) -> Iterator[tuple[Inbox, int]]:
    """Run an SMTP server on a free loopback port for the block; yield its inbox and port."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **controller_options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
