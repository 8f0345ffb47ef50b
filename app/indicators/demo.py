"""Synthetic demo data: the catalogue of demo indicators, the SYNTHETIC series (not real
statistics) and a default social index definition. Never loaded in production.

Services flush, never commit; the route or CLI command commits once.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from ..core.time import utcnow
from ..extensions import db
from . import demo_series
from .catalogue import IndicatorError, list_indicators
from .models import (
    SYNTHETIC_SOURCE,
    ImportBatch,
    IndexDefinition,
    Indicator,
    IndicatorValue,
    IndicatorValueChange,
)
from .values import all_districts

# Demo indicators: the demo series' topic and unit names mapped onto the catalogue's.
_DEMO_TOPICS = {
    "inhabitants": "population",
    "sgb2_rate": "income",
    "children_sgb2": "children",
    "unemployment": "labour",
    "single_parent": "children",
    "foreign_nationals": "migration",
    "over65": "age",
    "grammar_school": "education",
}
DEFAULT_INDEX_NAME = "Sozialindex Erfurt (Demo)"
DEFAULT_STATUS = ("unemployment", "sgb2_rate", "children_sgb2", "grammar_school")
DEFAULT_DYNAMIC = ("unemployment", "sgb2_rate", "children_sgb2")


def load_demo_data(actor: Any = None) -> int:
    """Load the catalogue of demo indicators, the SYNTHETIC series and a default index
    definition. Idempotent: returns the number of values written (0 the second time).
    Refused where demo content is not allowed (production)."""
    if not current_app.config.get("DEMO_CONTENT_ALLOWED"):
        raise IndicatorError("Demo content is never loaded in production.")
    indicators = {i.code: i for i in list_indicators()}
    for position, meta in enumerate(demo_series.INDICATORS):
        if meta.code in indicators:
            continue
        indicator = Indicator(
            code=meta.code,
            name_de=meta.name_de,
            name_en=meta.name_en,
            unit="count" if meta.unit == "persons" else "percent",
            topic=_DEMO_TOPICS.get(meta.code, "population"),
            direction=meta.direction,
            source=SYNTHETIC_SOURCE,
            licence="CC0 1.0",
            description=meta.description,
            synthetic=True,
            position=position,
        )
        db.session.add(indicator)
        indicators[meta.code] = indicator
    db.session.flush()
    by_number = {d.number: d.id for d in all_districts()}
    existing = set(
        db.session.execute(
            select(IndicatorValue.indicator_id, IndicatorValue.district_id, IndicatorValue.year)
        )
    )
    batch = None
    written = 0
    mappings = []
    for number, code, year, value in demo_series.generate():
        district_id = by_number.get(number)
        indicator = indicators[code]
        if district_id is None or (indicator.id, district_id, year) in existing:
            continue
        if batch is None:
            batch = ImportBatch(
                created_by_id=getattr(actor, "id", None),
                filename="demo_series.py",
                stated_source=SYNTHETIC_SOURCE,
                layout="demo",
                status="applied",
                applied_at=utcnow(),
            )
            db.session.add(batch)
            db.session.flush()
        mappings.append(
            {
                "indicator_id": indicator.id,
                "district_id": district_id,
                "year": year,
                "value": float(value),
                "batch_id": batch.id,
                "updated_at": utcnow(),
            }
        )
        written += 1
    if mappings:
        db.session.execute(IndicatorValue.__table__.insert(), mappings)
        # Recorded like any import, so the demo batch can be rolled back as a whole.
        db.session.execute(
            IndicatorValueChange.__table__.insert(),
            [
                {
                    "batch_id": batch.id,
                    "indicator_id": m["indicator_id"],
                    "district_id": m["district_id"],
                    "year": m["year"],
                }
                for m in mappings
            ],
        )
        batch.new_count = written
    if db.session.scalar(select(IndexDefinition.id).limit(1)) is None:
        db.session.add(
            IndexDefinition(
                name=DEFAULT_INDEX_NAME,
                status_codes=list(DEFAULT_STATUS),
                dynamic_codes=list(DEFAULT_DYNAMIC),
                change_years=2,
                min_population=300,
                excluded=[],
                active=True,
            )
        )
    db.session.flush()
    return written
