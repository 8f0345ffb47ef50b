"""A real SMTP server in-process (aiosmtpd on 127.0.0.1, a free port) that records what it
receives and can be told to refuse recipients with 4xx or 5xx replies."""

from __future__ import annotations

import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from app.notifications import services as notifications


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []
        self.replies: list[str] = []  # answers to the next RCPT commands, e.g. "451 …"

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.replies.clear()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            reply = self.replies.pop(0) if self.replies else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_controller():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp(smtp_controller) -> Recorder:
    recorder = smtp_controller.handler
    recorder.reset()
    yield recorder
    recorder.reset()


@pytest.fixture
def app_overrides(smtp_controller) -> dict:
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_DEFAULT_SENDER": "Quartier <quartier@example.org>",
    }


@pytest.fixture
def notify():
    """``notify(user, proposal, kind="status_changed")``: one notification (and its mail)."""

    def do(user, proposal, kind: str = "status_changed", actor=None) -> None:
        notifications.notify_users(
            [user.id], kind=kind, target_type="proposal", target_id=proposal.id, actor=actor
        )

    return do
