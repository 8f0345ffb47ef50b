"""The mailto unsubscribe: a real SMTP (and LMTP) client sends to ``flask mail inbound``'s
server; the signed token in the subject switches that kind of mail off. Bad and forged tokens
are logged and ignored, mail to other addresses is refused, nothing raises. The mbox command
does the same for a mailbox file."""

from __future__ import annotations

import logging
import mailbox
import smtplib
import socket
from email.message import EmailMessage
from urllib.parse import unquote

import pytest
from itsdangerous import URLSafeSerializer

from app.extensions import db
from app.mail import inbound, services, worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailed(create_user, proposal_factory, notify, smtp):
    """A person who got a notification mail: (person, the mailto address, its subject)."""
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    worker.send_due()
    [message] = smtp.messages
    mailto = message["List-Unsubscribe"].split(",")[1].strip()[len("<mailto:") : -1]
    address, query = mailto.split("?", 1)
    assert query.startswith("subject=")
    return author, address, unquote(query[len("subject=") :])


@pytest.fixture
def inbound_server(app):
    controller = inbound.inbound_controller(app, "127.0.0.1", _free_port())
    controller.start()
    yield controller
    controller.stop()


def _send(controller, to: str, subject: str, *, lmtp: bool = False):
    message = EmailMessage()
    message["From"] = "someone@example.net"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("unsubscribe")
    client = smtplib.LMTP if lmtp else smtplib.SMTP
    with client(controller.hostname, controller.port) as connection:
        return connection.send_message(message)


def _own(user) -> str:
    db.session.expire_all()
    return services.preferences_of(user)["own"]


def test_mail_to_the_mailto_link_unsubscribes(mailed, inbound_server):
    author, address, subject = mailed
    assert address == "quartier@example.org" and subject.startswith("unsubscribe ")
    assert _own(author) == "immediately"
    assert _send(inbound_server, address, subject) == {}  # accepted for every recipient
    assert _own(author) == "never"
    # a reply ("Re: …") and a second mail are fine: idempotent
    _send(inbound_server, address, "Re: " + subject)
    assert _own(author) == "never"


@pytest.mark.parametrize(
    "subject",
    [
        "unsubscribe",  # no token
        "unsubscribe not-a-valid-token-at-all",
        "hello",
    ],
)
def test_bad_tokens_are_logged_and_ignored(mailed, inbound_server, caplog, subject):
    author, address, _subject = mailed
    with caplog.at_level(logging.WARNING, logger="app.mail.inbound"):
        assert _send(inbound_server, address, subject) == {}  # no hint to the sender
    assert _own(author) == "immediately"
    assert "unsubscribe mail ignored" in caplog.text


def test_a_forged_token_is_ignored(app, mailed, inbound_server, caplog):
    author, address, _subject = mailed
    forged = URLSafeSerializer("not the secret key", salt=services.UNSUBSCRIBE_SALT).dumps(
        {"u": author.id, "c": "own"}
    )
    with caplog.at_level(logging.WARNING, logger="app.mail.inbound"):
        _send(inbound_server, address, f"unsubscribe {forged}")
    assert _own(author) == "immediately"
    assert "bad or forged token" in caplog.text


def test_other_recipients_are_refused(mailed, inbound_server):
    _author, _address, subject = mailed
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(inbound_server, "somebody-else@example.org", subject)


def test_lmtp(app, mailed):
    author, address, subject = mailed
    controller = inbound.inbound_controller(app, "127.0.0.1", _free_port(), lmtp=True)
    controller.start()
    try:
        _send(controller, address, subject, lmtp=True)
    finally:
        controller.stop()
    assert _own(author) == "never"


def test_unsubscribe_mbox_command(runner, mailed, tmp_path, caplog):
    author, address, subject = mailed
    path = tmp_path / "unsubscribe.mbox"
    box = mailbox.mbox(path)
    for text in (subject, "unsubscribe forged.token.value", "Out of office"):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.net", address, text
        message.set_content("-")
        box.add(message)
    box.flush()
    box.close()
    result = runner.invoke(args=["mail", "unsubscribe-mbox", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 unsubscribed, 2 ignored" in result.output
    assert _own(author) == "never"
