"""Fixtures for the back office: inputs of every tracked type, made through their services,
with their work items put where a test needs them."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest

from app.accounts.models import Office
from app.core.time import utcnow
from app.extensions import db
from app.needs import services as needs
from app.workflow import services as workflow

INBOX = "/verwaltung/eingang/"
_minutes = itertools.count(1)


def listed(response) -> list[str]:
    """The ``type-id`` keys of the inbox's rows, in their order."""
    assert response.status_code in (200, 400), response.status_code
    return re.findall(r'data-item="([a-z_]+-\d+)"', response.get_data(as_text=True))


def key(target_type: str, obj) -> str:
    return f"{target_type}-{obj.id}"


@pytest.fixture
def offices(app) -> dict[str, Office]:
    return {o.slug: o for o in db.session.scalars(db.select(Office))}


def _age(target_type: str, obj, days_ago: float | None):
    item = workflow.item_for(target_type, obj.id)
    if days_ago is not None:
        # distinct times (minutes apart) so that orders are deterministic
        item.created_at = utcnow() - timedelta(days=days_ago, minutes=next(_minutes))
    db.session.flush()
    return item


@pytest.fixture
def make_proposal(proposal_factory, people):
    """``make_proposal(title=…, number="23", category="other", days_ago=None)`` → (proposal,
    work item); committed unless ``commit=False``."""

    def factory(*, days_ago: float | None = None, commit: bool = True, **kw):
        kw.setdefault("description", "Zum Ausruhen.")
        proposal = proposal_factory(people["author"], commit=False, **kw)
        item = _age("proposal", proposal, days_ago)
        if commit:
            db.session.commit()
        return proposal, item

    return factory


@pytest.fixture
def make_need(districts, categories, people):
    def factory(*, number="23", title="Jugendraum", days_ago: float | None = None):
        district = districts[number]
        need = needs.create_need(
            people["council_member"] if number == "23" else people["other_mayor"],
            district.council,
            title=title,
            description="Ein Raum fehlt.",
            category=categories["children-youth"],
            priority="high",
            place=needs.place_from_district(district.council, district),
        )
        item = _age("need", need, days_ago)
        db.session.commit()
        return need, item

    return factory


@pytest.fixture
def make_report(people, barrier_report_factory):
    def factory(*, number="23", days_ago: float | None = None):
        report = barrier_report_factory(people["citizen"], number=number, commit=False)
        item = _age("barrier_report", report, days_ago)
        db.session.commit()
        return report, item

    return factory
