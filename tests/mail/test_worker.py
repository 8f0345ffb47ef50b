"""The worker against a real SMTP server: headers, parts, language, links; no second
sending; back-off on 4xx; 5xx suppresses; the same Message-ID on a retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.core.time import as_utc, utcnow
from app.extensions import db
from app.mail import worker
from app.mail.messages import message_id
from app.mail.models import FAILED, QUEUED, SENDING, SENT, MailOutbox


def _row(user) -> MailOutbox:
    return db.session.scalars(select(MailOutbox).where(MailOutbox.user_id == user.id)).one()


@pytest.fixture
def base_url(app):
    app.config["BASE_URL"] = "https://quartier.example.org/erfurt"
    return app.config["BASE_URL"]


@pytest.mark.parametrize(
    "locale,greeting,kind_text",
    [("de", "Hallo", "Status geändert"), ("en", "Hello", "Status changed")],
)
def test_delivered_message(
    create_user, proposal_factory, notify, smtp, base_url, locale, greeting, kind_text
):
    author = create_user(name="Ada")
    author.locale = locale
    proposal = proposal_factory(author, title="Mehr Bänke am Anger")
    notify(author, proposal)
    db.session.commit()

    assert worker.send_due() == {"sent": 1, "failed": 0, "retry": 0}
    [message] = smtp.messages
    row = _row(author)
    assert row.status == SENT and row.sent_at is not None
    assert message["Message-ID"] == row.message_id == message_id(row.idempotency_key)
    assert message["To"] == author.email
    assert message["From"] == "Quartier <quartier@example.org>"
    assert message["Date"]
    assert message["Subject"] == f"Quartier: {kind_text} – Mehr Bänke am Anger"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (part.strip() for part in message["List-Unsubscribe"].split(","))
    assert https.startswith(f"<{base_url}/mail/abbestellen/")
    token = https.rstrip(">").rsplit("/", 1)[1]
    assert mailto == f"<mailto:quartier@example.org?subject=unsubscribe%20{token}>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"{base_url}/vorschlaege/{proposal.id}"
    for body in (text, html):
        assert greeting in body and "Ada" in body and kind_text in body
        assert link in body  # absolute, from BASE_URL (never the request host)
        assert f"{base_url}/mail/abbestellen/" in body
    assert "<img" not in html  # no tracking pixels


def test_a_second_pass_sends_nothing(create_user, proposal_factory, notify, smtp):
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    assert worker.send_due()["sent"] == 1
    assert worker.send_due() == {"sent": 0, "failed": 0, "retry": 0}
    assert len(smtp.messages) == 1


def test_4xx_is_retried_after_back_off_and_delivered_once(
    create_user, proposal_factory, notify, smtp
):
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    now = utcnow()
    smtp.replies.append("451 4.3.0 Try again later")
    assert worker.send_due(now)["retry"] == 1
    row = _row(author)
    assert (row.status, row.attempts) == (QUEUED, 1)
    assert "451" in row.last_error
    assert as_utc(row.next_attempt_at) == now + timedelta(minutes=1)
    assert worker.send_due(now + timedelta(seconds=59))["sent"] == 0  # not due yet
    assert worker.send_due(now + timedelta(minutes=1))["sent"] == 1
    assert worker.send_due(now + timedelta(hours=5))["sent"] == 0
    assert len(smtp.messages) == 1
    assert _row(author).status == SENT and _row(author).attempts == 2


def test_back_off_grows_and_gives_up_after_five_attempts(
    create_user, proposal_factory, notify, smtp
):
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    now = utcnow()
    smtp.replies.extend(["421 4.7.0 Busy"] * 5)
    waits = []
    for _ in range(5):
        worker.send_due(now)
        row = _row(author)
        if row.status == QUEUED:
            waits.append(as_utc(row.next_attempt_at) - now)
            now = as_utc(row.next_attempt_at)
    assert waits == [timedelta(minutes=m) for m in (1, 5, 25, 125)]
    assert (row.status, row.attempts) == (FAILED, 5)
    assert smtp.messages == []
    assert db.session.get(User, author.id).mail_suppressed_at is None  # not permanent


def test_5xx_fails_and_suppresses_the_address(
    create_user, proposal_factory, notify, smtp, client, login
):
    author = create_user()
    proposal = proposal_factory(author)
    notify(author, proposal)
    notify(author, proposal, kind="official_response")
    db.session.commit()
    smtp.replies.append("550 5.1.1 No such user")
    assert worker.send_due() == {"sent": 0, "failed": 1, "retry": 0}
    rows = db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()
    assert [r.status for r in rows] == [FAILED, "suppressed"]
    assert "550" in rows[0].last_error
    person = db.session.get(User, author.id)
    assert person.mail_suppressed_at is not None
    notify(author, proposal)  # no new mail to a suppressed address
    assert db.session.scalar(select(db.func.count(MailOutbox.id))) == 2
    assert smtp.messages == []

    db.session.commit()
    login(author)
    page = client.get("/konto").get_data(as_text=True)
    assert "Der empfangende Mail-Server hat sie abgelehnt" in page
    assert client.post("/konto/e-mail-wieder-zustellen").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, author.id).mail_suppressed_at is None
    assert "abgelehnt" not in client.get("/konto").get_data(as_text=True)


def test_a_crash_after_acceptance_resends_the_same_message_id(
    create_user, proposal_factory, notify, smtp
):
    """The server accepted the mail but our status update was lost (the worker died): once
    the lease has run out the row goes again — with the very same Message-ID."""
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    now = utcnow()
    worker.send_due(now)
    row = _row(author)
    row.status, row.lease_until = SENDING, now + worker.LEASE  # as if the update never happened
    db.session.commit()
    assert worker.send_due(now + timedelta(minutes=5))["sent"] == 0  # lease still running
    assert worker.send_due(now + worker.LEASE + timedelta(seconds=1))["sent"] == 1
    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"] == _row(author).message_id
    assert first.get_body(("plain",)).get_content() == second.get_body(("plain",)).get_content()


def test_a_crash_repeats_at_most_the_running_batch(
    app, create_user, proposal_factory, notify, smtp, monkeypatch
):
    """The worker dies while sending its second batch of 3: the first batch is committed and
    never repeated; only the mails of the second batch the server had accepted go again, with
    their Message-IDs; rows not reached are sent once."""
    app.config["MAIL_BATCH_SIZE"] = 3
    people = [create_user() for _ in range(7)]
    for person in people:  # on their own proposals: mailed at once
        notify(person, proposal_factory(person))
    db.session.commit()
    real_send = worker.Transport.send
    sent = []

    def crashing_send(self, message):
        if len(sent) == 5:
            raise RuntimeError("the worker process dies")
        real_send(self, message)
        sent.append(message["Message-ID"])

    monkeypatch.setattr(worker.Transport, "send", crashing_send)
    now = utcnow()
    with pytest.raises(RuntimeError):
        worker.send_due(now)
    db.session.rollback()
    statuses = [_row(p).status for p in people]
    assert statuses == [SENT] * 3 + [SENDING] * 3 + [QUEUED]
    monkeypatch.setattr(worker.Transport, "send", real_send)
    assert worker.send_due(now + worker.LEASE + timedelta(seconds=1))["sent"] == 4
    ids = [m["Message-ID"] for m in smtp.messages]
    repeated = {i for i in ids if ids.count(i) > 1}
    assert repeated == set(sent[3:5])  # the two accepted mails of the broken batch, same IDs
    assert len(ids) == 9 and {_row(p).status for p in people} == {SENT}
