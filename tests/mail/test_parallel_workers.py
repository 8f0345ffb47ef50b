"""Two workers at once on PostgreSQL (``FOR UPDATE SKIP LOCKED``) send each row exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.core.time import utcnow
from app.extensions import db
from app.mail import worker
from app.mail.models import SENT, MailOutbox

pytestmark = [pytest.mark.committing, pytest.mark.postgres_only]

ROWS = 1000


@pytest.fixture(autouse=True)
def _postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite: one worker)")


def test_two_workers_send_each_of_1000_rows_exactly_once(app, create_user, proposal_factory, smtp):
    author = create_user()
    proposal = proposal_factory(author)
    now = utcnow()
    db.session.execute(
        MailOutbox.__table__.insert(),
        [
            {
                "user_id": author.id,
                "address": author.email,
                "kind": "status_changed",
                "category": "own",
                "frequency": "immediately",
                "payload": {"target_type": "proposal", "target_id": proposal.id},
                "idempotency_key": f"parallel:{i}",
                "status": "queued",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for i in range(ROWS)
        ],
    )
    db.session.commit()

    results: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            with app.app_context():  # a session (and connection) of its own
                start.wait()
                results.append(worker.send_due(batch=25))
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(r["sent"] for r in results) != [0, ROWS], "one worker did everything"
    assert sum(r["sent"] for r in results) == ROWS
    ids = Counter(m["Message-ID"] for m in smtp.messages)
    assert len(ids) == ROWS and set(ids.values()) == {1}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(MailOutbox.status == SENT)) == ROWS
