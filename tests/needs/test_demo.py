from sqlalchemy import func, select

from app.demo.loader import load_demo
from app.extensions import db
from app.needs.models import Need, NeedProposalLink


def test_demo_needs(app, districts):
    load_demo()
    db.session.commit()
    needs = list(db.session.scalars(select(Need)).unique())
    assert 5 <= len(needs) <= 8
    assert all(n.is_demo and n.council.slug == "moskauer-platz" for n in needs)
    assert {n.author_role for n in needs} == {"mayor", "council_member"}
    assert all(n.district.council_id == n.council_id for n in needs)
    assert db.session.scalar(select(func.count()).select_from(NeedProposalLink)) == 1
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Need.id))) == len(needs)
