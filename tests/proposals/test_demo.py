import time

from sqlalchemy import func, select

from app.demo import load_demo
from app.extensions import db
from app.proposals.models import Proposal, Support


def test_demo_proposals_load_once_and_fast(app, districts):
    started = time.perf_counter()
    load_demo()
    db.session.commit()
    assert time.perf_counter() - started < 10
    count = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.is_demo.is_(True)))
    assert count == 300
    assert db.session.scalar(select(func.count(Support.id))) > 300
    districts_used = db.session.scalar(select(func.count(func.distinct(Proposal.district_id))))
    assert districts_used >= 40
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Proposal.id))) == 300
