"""The mailto half of RFC 8058 unsubscribe: mail to the unsubscribe address whose subject
carries the signed token (``unsubscribe <token>``, as ``List-Unsubscribe`` offers it)
switches that kind of mail off for that person, like a POST to the https link.

Two ways in: ``flask mail inbound`` runs an SMTP (or LMTP) server on ``MAIL_INBOUND_HOST`` /
``MAIL_INBOUND_PORT`` that the city's mail server forwards the unsubscribe address to, and
``flask mail unsubscribe-mbox FILE`` reads a mailbox file that the city fetches the address
into. A missing, bad or forged token is logged and ignored, never raised: the sender is not
told anything (no backscatter), and one bad message never stops the others."""

from __future__ import annotations

import email
import logging
import mailbox
import re
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default as default_policy
from email.utils import parseaddr

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from flask import Flask

from ..extensions import db
from . import services

log = logging.getLogger(__name__)

# the token after "unsubscribe" in the subject ("Re: " and the like in front are fine)
_SUBJECT = re.compile(r"\bunsubscribe\s+([A-Za-z0-9_\-\.]{10,500})", re.IGNORECASE)


def unsubscribe_address(config) -> str:
    """The bare address of the mailto link (``MAIL_UNSUBSCRIBE_MAILTO``, else the sender)."""
    return parseaddr(config.get("MAIL_UNSUBSCRIBE_MAILTO") or config["MAIL_DEFAULT_SENDER"])[1]


@dataclass
class Outcome:
    unsubscribed: int = 0
    ignored: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.unsubscribed += other.unsubscribed
        self.ignored += other.ignored
        self.reasons += other.reasons


def _ignored(reason: str, message: Message) -> Outcome:
    log.warning(
        "unsubscribe mail ignored (%s): from %r, subject %r",
        reason,
        str(message.get("From", ""))[:200],
        str(message.get("Subject", ""))[:200],
    )
    return Outcome(ignored=1, reasons=[reason])


def process_message(message: Message) -> Outcome:
    """Unsubscribe what the message's token names (flushes; the caller commits)."""
    try:
        subject = str(message.get("Subject", "") or "")
        found = _SUBJECT.search(subject)
        if found is None:
            return _ignored("no token", message)
        read = services.read_unsubscribe_token(found.group(1))
        if read is None:
            return _ignored("bad or forged token", message)
        user, category = read
        services.unsubscribe(user, category)
        log.info("unsubscribed user %s from %s by mail", user.id, category)
        return Outcome(unsubscribed=1)
    except Exception:  # noqa: BLE001 - a broken message must never stop the server
        log.exception("unsubscribe mail could not be processed")
        db.session.rollback()
        return Outcome(ignored=1, reasons=["error"])


def process_bytes(raw: bytes) -> Outcome:
    return process_message(email.message_from_bytes(raw, policy=default_policy))


def process_mbox(path: str) -> Outcome:
    """Every message of an mbox file, each committed on its own."""
    total = Outcome()
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for key in box.iterkeys():
            try:
                raw = box.get_bytes(key)
            except Exception:  # noqa: BLE001 - a damaged entry: skip it, keep going
                log.exception("mbox entry %s unreadable", key)
                total.add(Outcome(ignored=1, reasons=["unreadable"]))
                continue
            total.add(process_bytes(raw))
            db.session.commit()
    finally:
        box.close()
    return total


class UnsubscribeHandler:
    """aiosmtpd handler: accepts mail only for the unsubscribe address; each message is
    processed in an app context and committed. Bad tokens are accepted and dropped (250), so
    nobody learns from the reply whether a token was valid."""

    def __init__(self, app: Flask):
        self.app = app
        self.address = unsubscribe_address(app.config).lower()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if parseaddr(address)[1].lower() != self.address:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.app.app_context():
            try:
                process_bytes(envelope.content)
                db.session.commit()
            except Exception:  # noqa: BLE001 - e.g. the database is down: ask to retry
                db.session.rollback()
                log.exception("unsubscribe mail not stored")
                return "451 4.3.0 Please try again later"
            finally:
                db.session.remove()
        return "250 Message accepted"


class _LMTPController(Controller):
    def factory(self):
        return LMTP(self.handler, **self.SMTP_kwargs)


def inbound_controller(app: Flask, host: str, port: int, *, lmtp: bool = False) -> Controller:
    """The (not yet started) SMTP or LMTP server for the unsubscribe address."""
    handler = UnsubscribeHandler(app)
    kind = _LMTPController if lmtp else Controller
    return kind(handler, hostname=host, port=port)
