"""Fixtures for the barriers domain: offer types, a few offers, a report factory."""

from __future__ import annotations

import pytest

from app.barriers import services
from app.barriers.models import Offer
from app.extensions import db

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


def details(codes=("transport",), affected="self", age="30_49", benefits="not_stated"):
    return {
        "barrier_types": list(codes),
        "affected": affected,
        "age_group": age,
        "participation_benefits": benefits,
    }


@pytest.fixture
def make_report(districts):
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
        report = services.create_report(
            author,
            offer=offer,
            offer_text=offer_text,
            district_from=districts[district],
            text=text,
            visibility=visibility,
            details=details(codes, **kwargs),
        )
        db.session.commit()
        return report

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
