"""Fixtures for the proposals domain: the categories, a proposal factory."""

from __future__ import annotations

from functools import partial

import pytest

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
def make_proposal(proposal_factory):
    """``make_proposal(author, title=…, point=ALTSTADT, category="other", …)``."""
    return partial(
        proposal_factory,
        title="Mehr Bänke am Anger",
        description="Zum Ausruhen beim Einkaufen.",
        point=ALTSTADT,
    )


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
