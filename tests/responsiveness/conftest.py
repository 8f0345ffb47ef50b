"""Fixtures for the responsiveness figures: inputs made through the proposals' service, their
work items' office, status and timestamps then set directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from app.accounts.models import Office
from app.core.time import utcnow
from app.extensions import db
from app.workflow import services as workflow

# A fixed creation time well in the past: every duration is exact whole days.
BASE = (utcnow() - timedelta(days=200)).replace(microsecond=0)


@pytest.fixture
def offices(app) -> dict[str, Office]:
    return {o.slug: o for o in db.session.scalars(db.select(Office))}


@pytest.fixture
def make_items(proposal_factory, offices):
    """``make_items(n, office="social-planning", number="23", response_days=[…],
    closure_days=[…], created=BASE, due_days=None)``: ``n`` proposals in district ``number``
    whose work items belong to ``office``; the i-th item was first answered
    ``response_days[i]`` days and closed ``closure_days[i]`` days after its creation (lists
    shorter than ``n``: the rest unanswered / open). Returns the work items."""

    def factory(
        n: int,
        *,
        office: str | None = "social-planning",
        number: str = "23",
        response_days: Sequence[float] = (),
        closure_days: Sequence[float] = (),
        created: datetime | Sequence[datetime] = BASE,
        due_days: int | None = None,
    ):
        done = workflow.status_by_key("done")
        items = []
        for i in range(n):
            proposal = proposal_factory(number=number, title=f"Eingabe {i}", commit=False)
            item = workflow.item_for("proposal", proposal.id)
            start = created[i] if isinstance(created, Sequence) else created
            item.created_at = start
            item.office_id = offices[office].id if office else None
            if due_days is not None:
                item.due_on = (start + timedelta(days=due_days)).date()
            if i < len(response_days):
                item.first_response_at = start + timedelta(days=response_days[i])
            if i < len(closure_days):
                item.status = done
                item.closed_at = start + timedelta(days=closure_days[i])
            items.append(item)
        db.session.commit()
        return items

    return factory
