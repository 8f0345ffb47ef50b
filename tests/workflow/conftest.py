"""Fixtures for the workflow: one input of each tracked type, made through its service."""

from __future__ import annotations

import pytest

from app.accounts.models import Office
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
def make_report(barrier_report_factory):
    return barrier_report_factory
