"""Fixtures for the needs domain: categories, council people, a need factory, form data."""

from __future__ import annotations

from functools import partial

import pytest

from app.extensions import db
from app.needs import services

MOSKAUER_PLATZ = "23"  # council "Moskauer Platz" (one district)
HERRENBERG = "15"  # council "Herrenberg"
BERLIN = (52.5200, 13.4050)  # outside Erfurt


@pytest.fixture
def mayor(create_user, districts):
    return create_user("mayor", council=MOSKAUER_PLATZ, name="Erika Muster")


@pytest.fixture
def member(create_user, districts):
    return create_user("council_member", council=MOSKAUER_PLATZ, name="Max Rat")


@pytest.fixture
def other_member(create_user, districts):
    """A council member of Herrenberg."""
    return create_user("council_member", council=HERRENBERG)


@pytest.fixture
def citizen(create_user, districts):
    return create_user()


def point_in(district) -> tuple[float, float]:
    return (district.label_lat, district.label_lon)


@pytest.fixture
def make_need(districts, categories):
    def factory(author, *, title="Treffpunkt für Jugendliche", number=MOSKAUER_PLATZ, **kw):
        district = districts[number]
        council = district.council
        point = kw.pop("point", None)
        place = (
            services.place_from_point(council, *point)
            if point
            else services.place_from_district(council, district)
        )
        need = services.create_need(
            author,
            council,
            title=title,
            description=kw.pop("description", "Ein Raum am Abend fehlt."),
            category=categories[kw.pop("category", "children-youth")],
            priority=kw.pop("priority", "high"),
            place=place,
            linked_proposal_ids=kw.pop("linked_proposal_ids", ()),
            **kw,
        )
        db.session.commit()
        return need

    return factory


@pytest.fixture
def make_proposal(proposal_factory):
    return partial(
        proposal_factory,
        title="Jugendtreff länger öffnen",
        description="Bitte auch abends.",
        category="children-youth",
        number=MOSKAUER_PLATZ,
    )


def form_data(**changes) -> dict:
    data = {
        "title": "Treffpunkt für Jugendliche",
        "description": "Jugendliche haben abends keinen Ort.",
        "category": "children-youth",
        "priority": "high",
        "lat": "",
        "lon": "",
        "district": MOSKAUER_PLATZ,
        "address": "",
    }
    data.update(changes)
    return data
