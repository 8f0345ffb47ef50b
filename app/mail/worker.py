"""Delivering due outbox rows.

Claiming: a short transaction selects due rows (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so
parallel workers never take the same row), marks them ``sending`` with a lease and commits.
Then each mail is sent and its row marked ``sent`` (with its Message-ID) or scheduled again.
A worker that dies leaves its rows ``sending``; once the lease has run out another pass takes
them again. SQLite has no row locks: run one worker there.

What a retry can double: a crash (or a lost connection) after the SMTP server accepted a mail
and before its row was marked sent makes a later pass send it again — with the same
Message-ID, derived from the row's idempotency key, so receiving MTAs and mail clients can drop
the duplicate. A retry can never produce a different second mail: the idempotency key is unique
per recipient × event, and digests take their items in the transaction that writes the digest row.

Errors: 4xx replies and connection problems are retried after 1, 5, 25 and 125 minutes (at
most 5 attempts, then ``failed``); a 5xx refusal of the recipient or the message fails the row
at once and suppresses the address (the person sees it on the account page).
"""

from __future__ import annotations

import signal
import smtplib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from email.message import Message
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import and_, or_, select, update

from ..accounts.models import User
from ..core.mail import outbox as memory_outbox
from ..core.time import utcnow
from ..extensions import db
from . import messages, services
from .digests import send_digests, send_staff_digests
from .models import FAILED, QUEUED, SENDING, SENT, SUPPRESSED, MailOutbox

MAX_ATTEMPTS = 5
BACKOFF_MINUTES = (1, 5, 25, 125)  # after attempt 1, 2, 3, 4; the 5th failure is final
LEASE = timedelta(minutes=10)


class PermanentError(Exception):
    def __init__(self, message: str, *, suppress: bool) -> None:
        super().__init__(message)
        self.suppress = suppress


class TransientError(Exception):
    pass


# --- transports -----------------------------------------------------------------------------


class Transport:
    """One connection for a whole pass (``smtp``), or the development/test backends."""

    def __init__(self, app: Flask) -> None:
        self.config = app.config
        self.backend = app.config["MAIL_BACKEND"]
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        return smtp

    def send(self, message: Message) -> None:
        if self.backend == "memory":
            memory_outbox().append(message)
            return
        if self.backend == "console":
            print(f"\n--- E-mail (console backend) ---\n{message}\n---\n", flush=True)
            return
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            self._raise(code, text, recipient=True)
        except smtplib.SMTPSenderRefused as exc:
            self._raise(exc.smtp_code, exc.smtp_error, recipient=False)
        except smtplib.SMTPConnectError as exc:
            self.close()
            raise TransientError(f"connect: {exc.smtp_code} {exc.smtp_error!r}")
        except smtplib.SMTPResponseException as exc:  # SMTPDataError and the rest
            self._raise(exc.smtp_code, exc.smtp_error, recipient=True)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientError(f"{type(exc).__name__}: {exc}")

    def _raise(self, code: int, text: Any, *, recipient: bool) -> None:
        if isinstance(text, bytes):
            text = text.decode(errors="replace")
        detail = f"{code} {text}"
        if 500 <= code < 600:
            raise PermanentError(detail, suppress=recipient)
        self.close()  # after a 4xx the session may be unusable: start afresh
        raise TransientError(detail)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


# --- one pass -------------------------------------------------------------------------------


def _due(now: datetime):
    return or_(
        and_(MailOutbox.status == QUEUED, MailOutbox.next_attempt_at <= now),
        and_(MailOutbox.status == SENDING, MailOutbox.lease_until < now),
    )


def claim(now: datetime, limit: int) -> list[int]:
    """Take up to ``limit`` due rows for this worker (commits)."""
    query = select(MailOutbox.id).where(_due(now)).order_by(MailOutbox.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(MailOutbox)
            .where(MailOutbox.id.in_(ids))
            .values(
                status=SENDING,
                lease_until=now + LEASE,
                attempts=MailOutbox.attempts + 1,
            )
        )
    db.session.commit()
    return ids


def _record(row: MailOutbox, now: datetime, error: Exception | None) -> str:
    if error is None:
        row.status, row.sent_at, row.last_error = SENT, now, None
        row.lease_until = None
        row.message_id = messages.message_id(row.idempotency_key)
        return SENT
    row.last_error = str(error)[:1000]
    row.lease_until = None
    if isinstance(error, PermanentError):
        row.status = FAILED
        if error.suppress and row.user_id is not None:
            services.suppress_address(row.user_id, row.last_error)
        return FAILED
    if row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
        return FAILED
    row.status = QUEUED
    row.next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[row.attempts - 1])
    return "retry"


def send_due(now: datetime | None = None, *, batch: int | None = None) -> dict[str, int]:
    """Deliver every due row once (one pass). Returns counts by outcome.

    Messages are built here (the database session stays in this thread) while a sender
    thread talks SMTP over one connection, one message in flight: building the next mail
    overlaps with waiting for the server's answer to the previous one.
    """
    app = current_app._get_current_object()
    # rows claimed and committed together: a crash between the server's acceptance and the
    # commit repeats at most this many mails (``MAIL_BATCH_SIZE``, docs/operations.md)
    batch = batch or app.config.get("MAIL_BATCH_SIZE", 50)
    counts = {SENT: 0, FAILED: 0, "retry": 0}
    transport = Transport(app)
    fixed_now = now
    cache: dict = {}  # item descriptions per target and language, for this pass
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-smtp") as sender:

        def finish(pending: tuple[MailOutbox, Future] | None, now: datetime) -> None:
            if pending is None:
                return
            row, future = pending
            try:
                future.result()
                error: Exception | None = None
            except (PermanentError, TransientError) as exc:
                error = exc
            counts[_record(row, now, error)] += 1

        try:
            while True:
                now = fixed_now or utcnow()
                ids = claim(now, batch)
                if not ids:
                    break
                rows = db.session.scalars(
                    select(MailOutbox).where(MailOutbox.id.in_(ids)).order_by(MailOutbox.id)
                ).all()
                user_ids = {r.user_id for r in rows if r.user_id is not None}
                users = {
                    u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
                }
                pending = None
                with app.test_request_context("/", base_url=app.config["BASE_URL"]):
                    for row in rows:
                        user = users.get(row.user_id)
                        if row.user_id is not None and (
                            user is None or not services.mailable(user)
                        ):
                            # deleted, unconfirmed or suppressed since the row was written
                            row.status, row.lease_until = SUPPRESSED, None
                            row.last_error = "recipient no longer reachable"
                            continue
                        message = messages.build(row, user, cache)
                        finish(pending, now)
                        pending = None
                        if row.status != SENDING:
                            continue  # suppressed meanwhile (a 5xx for the same address)
                        pending = (row, sender.submit(transport.send, message))
                    finish(pending, now)
                # One commit per claimed batch: a crash before it repeats at most this batch's
                # mails (with the same Message-IDs); see the module docstring.
                db.session.commit()
                if len(cache) > 10_000:
                    cache.clear()
                if fixed_now is not None and len(ids) < batch:
                    break
        finally:
            sender.submit(transport.close).result()
    return counts


# --- the long-running worker ----------------------------------------------------------------


def run_worker(interval: float = 5.0, *, digests: bool = True, once: bool = False) -> None:
    """Pass after pass until SIGTERM/SIGINT; the running pass is finished first."""
    stop = threading.Event()

    def _stop(signum, frame) -> None:
        stop.set()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.is_set():
            try:
                if digests:
                    send_digests()
                    send_staff_digests()
                    db.session.commit()
                send_due()
            except Exception:  # a database hiccup must not end the worker
                db.session.rollback()
                current_app.logger.exception("mail worker pass failed")
            db.session.remove()
            if once:
                break
            stop.wait(interval)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


# --- development: the console backend without a second process ------------------------------


def init_console_flush(app: Flask) -> None:
    """With ``MAIL_BACKEND=console`` (``make run``) the outbox is delivered to the console
    right after each request that queued mail (after its commit: a rolled-back request's rows
    are gone). Production and tests never send inside a request."""

    @app.teardown_request
    def _flush_outbox(exc: BaseException | None) -> None:
        if app.config["MAIL_BACKEND"] != "console" or exc is not None:
            return
        if not g.pop("quartier_mail_queued", False):
            return
        try:
            db.session.rollback()  # what the request did not commit is not mail
            send_due()
        except Exception:  # development convenience only: never break the response
            db.session.rollback()
            app.logger.exception("console mail flush failed")
