"""Fixtures for official responses: categories, proposals in known councils' districts."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.proposals import services as proposals


@pytest.fixture
def make_proposal(districts, categories):
    """A proposal in district ``number`` (23 = Moskauer Platz, a council of its own)."""

    def factory(author, *, number="23", title="Mehr Bänke am Moskauer Platz", **kw):
        proposal = proposals.create_proposal(
            author,
            title=title,
            description=kw.pop("description", "Zum Ausruhen."),
            category=categories[kw.pop("category", "other")],
            place=proposals.place_from_district(districts[number]),
            **kw,
        )
        db.session.commit()
        return proposal

    return factory
