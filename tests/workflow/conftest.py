"""Fixtures for the workflow: one input of each tracked type, made through its service."""

from __future__ import annotations

import pytest

from app.accounts.models import Office
from app.barriers import services as barriers
from app.extensions import db
from app.needs import services as needs


@pytest.fixture
def offices(app) -> dict[str, Office]:
    return {o.slug: o for o in db.session.scalars(db.select(Office))}


@pytest.fixture
def make_need(districts, categories, create_user):
    def factory(author=None, *, number="23", category="children-youth", title="Jugendraum"):
        district = districts[number]
        author = author or create_user("council_member", council=number)
        need = needs.create_need(
            author,
            district.council,
            title=title,
            description="Ein Raum fehlt.",
            category=categories[category],
            priority="high",
            place=needs.place_from_district(district.council, district),
        )
        db.session.commit()
        return need

    return factory


@pytest.fixture
def make_report(districts):
    def factory(author=None, *, number="23"):
        barriers.load_offer_types()
        report = barriers.create_report(
            author,
            offer=None,
            offer_text="Kurs im Stadtteil",
            district_from=districts[number],
            text="Der Bus fährt abends nicht.",
            visibility="public",
            details={
                "barrier_types": ["transport"],
                "affected": "self",
                "age_group": "30_49",
                "participation_benefits": "not_stated",
            },
        )
        db.session.commit()
        return report

    return factory
