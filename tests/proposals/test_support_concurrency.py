"""Concurrent supports on PostgreSQL: many people at once, and one person double-clicking."""

import threading

import pytest

from app.accounts.models import User
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal

# Twenty threads, each with its own connection: their commits must be real.
pytestmark = [pytest.mark.postgres_only, pytest.mark.committing]


@pytest.fixture
def app_overrides(tmp_path):
    # 20 threads hold a connection each at the same time
    return {
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 5},
    }


def _run(app, pairs):
    barrier = threading.Barrier(len(pairs))
    errors = []

    def work(user_id, proposal_id):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                proposal = db.session.get(Proposal, proposal_id)
                barrier.wait(timeout=10)
                services.support(user, proposal)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []


@pytest.fixture
def require_postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_twenty_people_at_once(app, require_postgres, create_user, citizen, make_proposal):
    proposal = make_proposal(citizen)
    people = [create_user().id for _ in range(20)]
    _run(app, [(uid, proposal.id) for uid in people])
    assert services.support_count(proposal.id) == 20


def test_one_person_twenty_times(app, require_postgres, create_user, citizen, make_proposal):
    proposal = make_proposal(citizen)
    uid = create_user().id
    _run(app, [(uid, proposal.id)] * 20)
    assert services.support_count(proposal.id) == 1
