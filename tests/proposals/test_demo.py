from sqlalchemy import func, select

from app.demo.loader import load_demo
from app.extensions import db
from app.proposals.models import Proposal, Support


def test_demo_proposals_load_once_and_in_bulk(app, districts, count_queries):
    # Speed is measured in bench/, not here: the test bounds the statements instead. 300
    # proposals and their supports written row by row would take well over 1,000. The four
    # demo measures go through the measures' services (validation, history, each linked
    # proposal's workflow status and notifications): about 450 statements of the bound.
    with count_queries() as counter:
        load_demo()
        db.session.commit()
    assert counter.count < 1200
    count = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.is_demo.is_(True)))
    assert count == 300
    assert db.session.scalar(select(func.count(Support.id))) > 300
    districts_used = db.session.scalar(select(func.count(func.distinct(Proposal.district_id))))
    assert districts_used >= 40
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Proposal.id))) == 300
