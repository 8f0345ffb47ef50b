"""Fixtures for the proposals domain: the categories, a proposal factory."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.proposals import services

# Places in Erfurt (lat, lon) that lie in known districts.
ALTSTADT = (50.9785, 11.0265)
HERRENBERG = (50.9455, 11.0660)


@pytest.fixture
def app_overrides(tmp_path):
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads")}


@pytest.fixture
def citizen(create_user):
    return create_user()


@pytest.fixture
def make_proposal(districts, categories):
    def factory(author, *, title="Mehr Bänke am Anger", point=ALTSTADT, category="other", **kw):
        proposal = services.create_proposal(
            author,
            title=title,
            description=kw.pop("description", "Zum Ausruhen beim Einkaufen."),
            category=categories[category],
            place=services.place_from_point(*point),
            **kw,
        )
        db.session.commit()
        return proposal

    return factory


def form_data(categories=None, **changes):
    data = {
        "title": "Neue Sitzbänke am Anger",
        "description": "Am Anger fehlen Bänke zum Ausruhen.",
        "category": "other",
        "lat": str(ALTSTADT[0]),
        "lon": str(ALTSTADT[1]),
        "district": "",
        "address": "",
    }
    data.update(changes)
    return data
