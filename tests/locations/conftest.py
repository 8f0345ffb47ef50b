"""Fixtures of the location tests: inhabitants and an indicator for the districts, offers,
planners, and a scenario factory that goes through the service."""

from __future__ import annotations

import pytest

from app.barriers.models import Offer, OfferType
from app.extensions import db
from app.indicators.models import Indicator, IndicatorValue
from app.locations import services

ADMIN = "/verwaltung/standorte/"


@pytest.fixture
def planner(create_user):
    return create_user("planner", office="social-planning")


@pytest.fixture
def figures(districts) -> dict[str, Indicator]:
    """Inhabitants 2023 for every district (1,000 + 100 × number); ``sgb2_rate`` 2023 equal to
    the district's number for every district but 53 (so 53 has no value)."""
    made = {}
    for code, unit, direction in (("inhabitants", "count", 0), ("sgb2_rate", "percent", 1)):
        indicator = Indicator(
            code=code,
            name_de=f"{code} de",
            name_en=f"{code} en",
            unit=unit,
            topic="population",
            direction=direction,
        )
        db.session.add(indicator)
        db.session.flush()
        made[code] = indicator
    for number, district in districts.items():
        n = int(number)
        db.session.add(
            IndicatorValue(
                indicator_id=made["inhabitants"].id,
                district_id=district.id,
                year=2023,
                value=1000.0 + 100 * n,
            )
        )
        if number != "53":
            db.session.add(
                IndicatorValue(
                    indicator_id=made["sgb2_rate"].id,
                    district_id=district.id,
                    year=2023,
                    value=float(n),
                )
            )
    db.session.commit()
    return made


@pytest.fixture
def library(districts) -> Offer:
    """One library, at district 01's label point."""
    kind = db.session.scalar(db.select(OfferType).where(OfferType.slug == "library"))
    d = districts["01"]
    offer = Offer(
        name="Stadtbibliothek", type_id=kind.id, lat=d.label_lat, lon=d.label_lon, district_id=d.id
    )
    db.session.add(offer)
    db.session.commit()
    return offer


@pytest.fixture
def make_scenario(planner):
    def factory(title="Nächster Standort ThINKA", rows=None, actor=None, office_id=None):
        rows = rows or [
            services.CriterionRow("indicator", {"code": "sgb2_rate"}, 0, 2),
            services.CriterionRow("distance", {"offer_type": "library"}, 0, 1),
            services.CriterionRow("barriers", {"barrier_type": "transport"}, 0, 1),
        ]
        actor = actor or planner
        if office_id is None:
            office_id = next(iter(services.user_office_ids(actor)), None)
        scenario = services.save_scenario(
            actor,
            None,
            services.ScenarioData(title=title, question="Wo?", office_id=office_id, criteria=rows),
        )
        db.session.commit()
        return scenario

    return factory
