"""Outgoing mail: logged in development, kept in memory in tests, SMTP in production."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def outbox() -> list[EmailMessage]:
    """Messages sent with the ``memory`` backend (tests)."""
    return current_app.extensions.setdefault("quartier_outbox", [])


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)

    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        outbox().append(message)
    elif backend == "console":
        current_app.logger.warning("E-mail (not sent, console backend):\n%s", message)
        print(f"\n--- E-mail to {to} ---\nSubject: {subject}\n\n{body}\n---\n", flush=True)
    elif backend == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    else:  # pragma: no cover - configuration error
        raise RuntimeError(f"Unknown MAIL_BACKEND {backend!r}")
