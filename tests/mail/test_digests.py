"""Daily 07:00 and weekly Monday 07:00 Europe/Berlin digests (DST-correct), none when empty,
never twice for the same items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail import services, worker
from app.mail.digests import last_slot, send_digests
from app.mail.models import DIGESTED, HELD, MailOutbox


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "now,slot",
    [
        # winter time (CET, UTC+1): 07:00 is 06:00 UTC
        (utc(2027, 3, 27, 5, 59), utc(2027, 3, 26, 6, 0)),
        (utc(2027, 3, 27, 6, 0), utc(2027, 3, 27, 6, 0)),
        # 28 March 2027: clocks go forward at 02:00; 07:00 CEST is 05:00 UTC
        (utc(2027, 3, 28, 4, 59), utc(2027, 3, 27, 6, 0)),
        (utc(2027, 3, 28, 5, 0), utc(2027, 3, 28, 5, 0)),
        (utc(2027, 3, 28, 5, 30), utc(2027, 3, 28, 5, 0)),
        # 31 October 2027: clocks go back at 03:00; 07:00 CET is 06:00 UTC again
        (utc(2027, 10, 31, 5, 30), utc(2027, 10, 30, 5, 0)),
        (utc(2027, 10, 31, 6, 0), utc(2027, 10, 31, 6, 0)),
    ],
)
def test_daily_slot_across_the_clock_changes(now, slot):
    assert last_slot(now, "daily") == slot


@pytest.mark.parametrize(
    "now,slot",
    [
        (utc(2027, 3, 29, 4, 59), utc(2027, 3, 22, 6, 0)),  # Monday after the change, 06:59 CEST
        (utc(2027, 3, 29, 5, 0), utc(2027, 3, 29, 5, 0)),  # Monday 07:00 CEST
        (utc(2027, 4, 4, 23, 0), utc(2027, 3, 29, 5, 0)),  # Sunday night, still last Monday
        (utc(2027, 10, 25, 5, 0), utc(2027, 10, 25, 5, 0)),  # last summer Monday
        (utc(2027, 11, 1, 5, 30), utc(2027, 10, 25, 5, 0)),  # 06:30 CET: not yet
        (utc(2027, 11, 1, 6, 0), utc(2027, 11, 1, 6, 0)),  # Monday 07:00 CET
    ],
)
def test_weekly_slot_is_monday_seven_across_the_clock_changes(now, slot):
    assert last_slot(now, "weekly") == slot


def _held(person, proposal, notify, created_at: datetime, kind: str = "new_comment"):
    notify(person, proposal, kind=kind)
    row = db.session.scalars(select(MailOutbox).order_by(MailOutbox.id.desc()).limit(1)).one()
    assert row.status == HELD
    row.created_at = created_at
    return row


def test_daily_digest_collects_once_and_not_when_empty(create_user, proposal_factory, notify, smtp):
    reader = create_user(name="Lea")
    reader.locale = "en"
    proposal = proposal_factory(create_user(), title="Bänke am Anger")
    # DST day: the slot is 05:00 UTC (07:00 CEST)
    first = _held(reader, proposal, notify, utc(2027, 3, 27, 20, 0))
    second = _held(reader, proposal, notify, utc(2027, 3, 28, 4, 0), kind="status_changed")
    late = _held(reader, proposal, notify, utc(2027, 3, 28, 5, 1))  # after the slot
    db.session.commit()

    assert send_digests(utc(2027, 3, 28, 4, 59)) == 0  # 06:59 CEST: not yet (UTC+1 would say 05:59)
    assert send_digests(utc(2027, 3, 28, 5, 0)) == 1
    assert send_digests(utc(2027, 3, 28, 5, 10)) == 0  # the same slot again: nothing
    db.session.commit()
    assert [r.status for r in (first, second, late)] == [DIGESTED, DIGESTED, HELD]
    digest = db.session.get(MailOutbox, first.digest_id)
    assert digest.payload["items"] == [first.id, second.id]
    assert digest.idempotency_key == f"digest:daily:{reader.id}:2027-03-28"

    worker.send_due(utc(2027, 3, 28, 5, 10))
    [message] = smtp.messages
    assert message["Subject"] == "Quartier: your daily summary (2)"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Hello Lea" in body
        assert "New comment" in body and "Status changed" in body and "Bänke am Anger" in body
        assert f"http://localhost/vorschlaege/{proposal.id}" in body

    # the next day: only the late one; after that nothing is left, so no mail at all
    assert send_digests(utc(2027, 3, 29, 5, 0)) == 1
    assert send_digests(utc(2027, 3, 30, 5, 0)) == 0
    db.session.commit()
    worker.send_due(utc(2027, 3, 30, 5, 0))
    assert len(smtp.messages) == 2
    assert smtp.messages[1]["Subject"] == "Quartier: your daily summary (1)"


def test_weekly_digest_and_its_one_click_unsubscribe(
    create_user, proposal_factory, notify, smtp, client
):
    reader = create_user()
    services.set_preference(reader, "followed", "weekly")
    services.set_preference(reader, "district", "weekly")
    proposal = proposal_factory(create_user())
    _held(reader, proposal, notify, utc(2027, 10, 27, 12, 0))
    db.session.commit()
    assert send_digests(utc(2027, 10, 31, 23, 0)) == 0  # Sunday: a daily run finds nothing
    assert send_digests(utc(2027, 11, 1, 5, 59)) == 0  # Monday 06:59 CET
    assert send_digests(utc(2027, 11, 1, 6, 0)) == 1
    db.session.commit()
    worker.send_due(utc(2027, 11, 1, 6, 0))
    [message] = smtp.messages
    assert message["Subject"] == "Quartier: Ihre wöchentliche Zusammenfassung (1)"
    path = message["List-Unsubscribe"].split(",")[0].strip()[1:-1].removeprefix("http://localhost")
    assert client.post(path).status_code == 200
    db.session.expire_all()
    prefs = services.preferences_of(reader)
    assert (prefs["followed"], prefs["district"], prefs["own"]) == ("never", "never", "immediately")


def test_digest_skips_people_suppressed_meanwhile(create_user, proposal_factory, notify):
    reader = create_user()
    _held(reader, proposal_factory(create_user()), notify, utc(2027, 1, 1, 12, 0))
    services.suppress_address(reader.id, "550")
    assert send_digests(utc(2027, 1, 2, 6, 0)) == 0


def test_digest_command(runner, create_user, proposal_factory, notify):
    reader = create_user()
    _held(reader, proposal_factory(create_user()), notify, datetime.now(UTC) - timedelta(days=2))
    db.session.commit()
    result = runner.invoke(args=["mail", "digests"])
    assert result.exit_code == 0 and "1 digests queued" in result.output
