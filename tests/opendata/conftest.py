"""Fixtures of the open-data tests: a small city with every kind of published data, and some
that must not be published (a hidden proposal, the people's names and addresses, a barrier
cell below the threshold)."""

from __future__ import annotations

import pytest

from app.barriers import services as barrier_services
from app.extensions import db
from app.measures import services as measure_services
from app.needs import services as need_services
from app.opendata import registry
from tests.conftest import barrier_details

ALTSTADT = (50.9785, 11.0265)  # district 01
HERRENBERG = (50.9455, 11.0660)
AUTHOR_NAME = "Hildegard Namensprobe"
AUTHOR_EMAIL = "hildegard.namensprobe@example.org"
HIDDEN_TITLE = "Verborgener Vorschlag XJ9"


@pytest.fixture
def offer_list(districts):
    barrier_services.load_offer_types()
    types = {t.slug: t for t in barrier_services.offer_types()}
    made = [
        barrier_services.save_offer(
            None,
            None,
            name=name,
            type_id=types[slug].id,
            address="Teststraße 1",
            provider="Testträger",
            lat=lat,
            lon=lon,
        )
        for name, slug, (lat, lon) in (
            ("Bibliothek Testplatz", "library", ALTSTADT),
            ("Jugendhaus Testweg", "youth-house", HERRENBERG),
        )
    ]
    db.session.commit()
    return made


@pytest.fixture
def scene(districts, categories, create_user, proposal_factory, offer_list):
    """Three published proposals (two at map points, one only "in district 23") and a hidden
    one; one council need at a point; two offers; barrier reports: offer 0 × transport = 5
    people (published), offer 1 × offer_cost = 2 (below the threshold)."""
    author = create_user(name=AUTHOR_NAME, email=AUTHOR_EMAIL)
    published = [
        proposal_factory(author, title="Bänke am Anger", point=ALTSTADT, supports=2),
        proposal_factory(author, title="Spielplatz", point=HERRENBERG),
        proposal_factory(author, title="Treffpunkt", number="23"),
    ]
    proposal_factory(author, title=HIDDEN_TITLE, point=ALTSTADT, state="hidden")
    mayor = create_user("mayor", council="23", name="Erika Bürgermeisterin")
    district = districts["23"]
    need = need_services.create_need(
        mayor,
        district.council,
        title="Jugendraum",
        description="Ein Raum am Abend fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=need_services.place_from_point(
            district.council, district.label_lat, district.label_lon
        ),
        linked_proposal_ids=(),
    )
    people = [create_user(name=f"Person Namensprobe {i}") for i in range(7)]
    report = barrier_services.create_report(
        people[0],
        offer=offer_list[0],
        offer_text="",
        district_from=districts["23"],
        text="Der Bus fährt abends nicht.",
        visibility="public",
        details=barrier_details(("transport",), affected="client", age="80_plus"),
    )
    for person in people[1:5]:
        barrier_services.set_affected(person, report, barrier_details(("transport",)))
    small = barrier_services.create_report(
        people[5],
        offer=offer_list[1],
        offer_text="",
        district_from=districts["25"],
        text="Zu teuer.",
        visibility="public",
        details=barrier_details(("offer_cost",)),
    )
    barrier_services.set_affected(people[6], small, barrier_details(("offer_cost",)))
    planner = create_user("planner", name="Paul Planer")
    measure = measure_services.save_measure(
        planner,
        None,
        measure_services.MeasureData(
            title="Bänke für die Altstadt",
            status_key="decided",
            office_ids=list(measure_services.user_office_ids(planner)),
            district_ids=[districts["01"].id],
            places=[(*ALTSTADT, "Anger")],
        ),
    )
    measure_services.link_input(planner, measure, "proposal", published[0].id)
    db.session.commit()
    return {"proposals": published, "need": need, "offers": offer_list, "author": author}


@pytest.fixture
def keys(app) -> list[str]:
    return [dataset.key for dataset in registry.datasets()]


@pytest.fixture
def full_scene(scene, demo_indicators):
    """The scene and the demo indicator series with its social index (``load_demo_data()``,
    restored from the session's snapshot): every dataset has rows."""
    return scene
