"""Outbox rows are written with the notification, in its transaction, only for people who
should get mail."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.mail import services, worker
from app.mail.models import HELD, QUEUED, MailOutbox
from app.notifications.models import Notification


def _rows():
    return db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()


def test_a_notification_writes_an_outbox_row(create_user, proposal_factory, notify):
    author, reader = create_user(), create_user()
    proposal = proposal_factory(author)
    notify(reader, proposal)  # someone else's proposal: "followed", daily by default
    notify(author, proposal)  # a status change on one's own input: immediately
    rows = _rows()
    assert [(r.user_id, r.category, r.frequency, r.status) for r in rows] == [
        (reader.id, "followed", "daily", HELD),
        (author.id, "own", "immediately", QUEUED),
    ]
    notification_ids = db.session.scalars(select(Notification.id).order_by(Notification.id)).all()
    assert [r.idempotency_key for r in rows] == [f"n:{i}" for i in notification_ids]
    assert rows[1].address == author.email
    assert rows[1].payload["target_id"] == proposal.id


def test_the_outbox_row_is_rolled_back_with_the_event(create_user, proposal_factory, notify):
    author = create_user()
    proposal = proposal_factory(author)
    event = db.session.begin_nested()
    notify(author, proposal)
    assert db.session.scalar(select(func.count(MailOutbox.id))) == 1
    event.rollback()
    assert db.session.scalar(select(func.count(MailOutbox.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_no_row_for_unconfirmed_suppressed_or_never(create_user, proposal_factory, notify):
    author = create_user()
    proposal = proposal_factory(author)
    unconfirmed = create_user(confirmed=False)
    suppressed = create_user()
    services.suppress_address(suppressed.id, "550 no such user")
    never = create_user()
    services.set_preference(never, "followed", "never")
    for person in (unconfirmed, suppressed, never):
        notify(person, proposal)
    assert db.session.scalar(select(func.count(Notification.id))) == 3  # in-app still
    assert _rows() == []


def test_never_drops_what_waits_for_the_digest(create_user, proposal_factory, notify):
    reader = create_user()
    proposal = proposal_factory(create_user())
    notify(reader, proposal)
    services.set_preference(reader, "followed", "never")
    assert [r.status for r in _rows()] == ["suppressed"]


def test_mail_data_is_exported_and_erased_with_the_account(
    create_user, proposal_factory, notify, client, login
):
    person = create_user()
    proposal = proposal_factory(person)
    notify(person, proposal)
    notify(person, proposal, kind="new_comment")
    services.set_preference(person, "followed", "weekly")
    db.session.commit()
    login(person)
    exported = client.get("/konto/export.json").get_json()["mail"]
    assert exported["preferences"]["followed"] == "weekly"
    assert [m["kind"] for m in exported["mails"]] == ["status_changed", "new_comment"]
    response = client.post("/konto/loeschen", data={"password": "correct horse battery"})
    assert response.status_code == 302
    db.session.expire_all()
    assert _rows() == []
    assert services.preferences_of(person)["followed"] == "daily"  # no row left


def test_rows_of_people_gone_meanwhile_are_not_sent(create_user, proposal_factory, notify, smtp):
    person = create_user()
    notify(person, proposal_factory(person))
    person.email_confirmed_at = None  # e.g. the address changed and is not confirmed yet
    db.session.commit()
    assert worker.send_due()["sent"] == 0
    assert [r.status for r in _rows()] == ["suppressed"]
    assert smtp.messages == []


def test_waiting_rows_follow_a_changed_preference(create_user, proposal_factory, notify):
    reader = create_user()
    notify(reader, proposal_factory(create_user()))
    [row] = _rows()
    assert (row.status, row.frequency) == (HELD, "daily")
    services.set_preference(reader, "followed", "weekly")
    db.session.refresh(row)
    assert (row.status, row.frequency) == (HELD, "weekly")
    services.set_preference(reader, "followed", "immediately")
    db.session.refresh(row)
    assert (row.status, row.frequency) == (QUEUED, "immediately")
