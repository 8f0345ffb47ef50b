"""Fixtures for the proposals domain: the categories, a proposal factory."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.proposals import services

# Places in Erfurt (lat, lon) that lie in known districts.
ALTSTADT = (50.9785, 11.0265)
HERRENBERG = (50.9455, 11.0660)


@pytest.fixture
def categories(app):
    services.load_categories()
    db.session.commit()
    return {c.slug: c for c in services.categories()}
