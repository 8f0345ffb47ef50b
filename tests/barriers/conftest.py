"""Fixtures for the barriers domain: offer types, a few offers, a report factory."""

from __future__ import annotations

import pytest

from app.barriers import services
from app.barriers.models import Offer
from app.extensions import db
from tests.conftest import barrier_details

# Places in Erfurt (lat, lon) that lie in known districts.
ALTSTADT = (50.9785, 11.0265)
HERRENBERG = (50.9455, 11.0660)


@pytest.fixture
def offer_types(app):
    services.load_offer_types()
    db.session.commit()
    return {t.slug: t for t in services.offer_types()}


@pytest.fixture
def offers(districts, offer_types):
    made = []
    for name, slug, (lat, lon) in (
        ("Bibliothek Testplatz", "library", ALTSTADT),
        ("Jugendhaus Testweg", "youth-house", HERRENBERG),
    ):
        made.append(
            services.save_offer(
                None,
                None,
                name=name,
                type_id=offer_types[slug].id,
                address="Teststraße 1",
                provider="Testträger",
                lat=lat,
                lon=lon,
            )
        )
    db.session.commit()
    return made


details = barrier_details  # the personal details of a report, as the form asks them


@pytest.fixture
def make_report(barrier_report_factory):
    def factory(
        author,
        offer: Offer | None,
        *,
        codes=("transport",),
        district="23",
        visibility="public",
        text="Der Bus fährt abends nicht.",
        offer_text="",
        **kwargs,
    ):
        return barrier_report_factory(
            author,
            offer=offer,
            offer_text=offer_text,
            number=district,
            text=text,
            visibility=visibility,
            details=details(codes, **kwargs),
        )

    return factory


def report_data(offer_id="", **overrides) -> dict:
    data = {
        "offer": str(offer_id),
        "offer_text": "",
        "barrier_types": ["transport", "escort"],
        "affected": "self",
        "age_group": "30_49",
        "participation_benefits": "not_stated",
        "district_from": "23",
        "text": "Der Bus fährt abends nicht.",
        "visibility": "public",
    }
    data.update(overrides)
    return data
