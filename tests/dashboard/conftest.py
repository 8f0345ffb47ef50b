"""Fixtures for the council dashboard: people, proposals, needs, flags in two councils.

District 23 has the council "Moskauer Platz" (slug moskauer-platz), district 25 the council
"Johannesplatz" – the other council in the tests."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest

from app.core.time import utcnow
from app.extensions import db
from app.moderation.models import Flag
from app.needs.models import Need
from tests.workflow.helpers import put_status

URL = "/ortsteilrat/moskauer-platz/"


@pytest.fixture
def people(districts, create_user):
    return {
        "anonymous": None,
        "citizen": create_user(),
        "mayor": create_user("mayor", council="23"),
        "member": create_user("council_member", council="23"),
        "other mayor": create_user("mayor", council="25"),
        "other member": create_user("council_member", council="25"),
        "planner": create_user("planner"),
        "admin": create_user("admin"),
    }


@pytest.fixture
def make_proposal(proposal_factory):
    """``make_proposal(author=None, number="23", supports=0, days_ago=None, state=…)``."""
    return partial(proposal_factory, state="visible")


@pytest.fixture
def make_need(districts, categories):
    from app.districts.models import District

    def factory(
        title="Spielplatz sanieren",
        *,
        number="23",
        priority="high",
        status="new",
        days_ago=None,
        state="visible",
        author=None,
        commit=True,
    ):
        district: District = districts[number]
        need = Need(
            title=title,
            description="Der Spielplatz ist alt.",
            category_id=categories["children-youth"].id,
            priority=priority,
            council_id=district.council_id,
            district_id=district.id,
            lat=district.label_lat,
            lon=district.label_lon,
            address="Moskauer Platz 1",
            place_from_map=False,
            author_id=getattr(author, "id", None),
            author_role="mayor",
            moderation_state=state,
        )
        if days_ago is not None:
            need.created_at = utcnow() - timedelta(days=days_ago)
        db.session.add(need)
        db.session.flush()
        put_status("need", need, status)
        if commit:
            db.session.commit()
        return need

    return factory


@pytest.fixture
def make_flag(districts):
    def factory(target, *, number="23", resolved=False, reporter=None):
        flag = Flag(
            target_type="proposal",
            target_id=target.id,
            district_id=districts[number].id,
            reporter_id=getattr(reporter, "id", None),
            reason="insult",
            resolved_at=utcnow() if resolved else None,
        )
        db.session.add(flag)
        db.session.commit()
        return flag

    return factory
