"""The indicator catalogue: units, topics and directions, the entries themselves, and how their
values are written (unit symbols, the locale's decimal separator).

Services flush, never commit; the route or CLI command commits once.
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.audit import record
from ..extensions import db
from .models import SYNTHETIC_SOURCE, Indicator

UNITS = {
    "percent": _l("percent"),
    "per_1000": _l("per 1,000 inhabitants"),
    "count": _l("count"),
    "euro": _l("euro"),
    "years": _l("years"),
    "index": _l("index points"),
    "change": _l("change over years (given, e.g. percentage points)"),
}
UNIT_SYMBOLS = {"percent": "%", "per_1000": "‰", "euro": "€"}
TOPICS = {
    "population": _l("Population"),
    "labour": _l("Labour"),
    "income": _l("Income and transfers"),
    "education": _l("Education"),
    "children": _l("Children and youth"),
    "age": _l("Age"),
    "migration": _l("Migration"),
    "housing": _l("Housing"),
    "health": _l("Health"),
    "participation": _l("Participation"),
}
DIRECTIONS = {
    1: _l("A higher value means more disadvantage"),
    -1: _l("A higher value means less disadvantage"),
    0: _l("Context figure (no direction)"),
}
POPULATION_CODE = "inhabitants"
RATE_UNITS = ("percent", "per_1000")
#: Indicators in this unit already are changes: the dynamics index takes them as given.
CHANGE_UNIT = "change"


class IndicatorError(ValueError):
    """A request the services refuse; the message is shown to the user."""


def list_indicators() -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).order_by(Indicator.position, Indicator.code)))


def get_indicator(code: str) -> Indicator | None:
    return db.session.scalar(select(Indicator).where(Indicator.code == code))


def save_indicator(actor: Any, indicator: Indicator | None, data: dict) -> Indicator:
    """Create (``indicator`` None) or update a catalogue entry from form data."""
    before = None
    if indicator is None:
        if get_indicator(data["code"]) is not None:
            raise IndicatorError(str(_l("An indicator with this code exists already.")))
        indicator = Indicator(code=data["code"])
        db.session.add(indicator)
        action = "indicator.created"
    else:
        before = {"name_de": indicator.name_de, "unit": indicator.unit}
        action = "indicator.updated"
    for key in ("name_de", "name_en", "unit", "topic", "direction", "source", "licence"):
        setattr(indicator, key, data[key])
    indicator.description = data.get("description") or ""
    db.session.flush()
    record(actor, action, "indicator", indicator.id, before=before, after={"code": indicator.code})
    return indicator


def unit_symbol(indicator: Indicator) -> str:
    return UNIT_SYMBOLS.get(indicator.unit, "")


def is_synthetic(indicator: Indicator) -> bool:
    return bool(indicator.synthetic)


def source_text(indicator: Indicator) -> str:
    return SYNTHETIC_SOURCE if indicator.synthetic else indicator.source


def decimals(indicator: Indicator) -> int:
    return 0 if indicator.unit == "count" else 1


def format_value(indicator: Indicator | None, value: float | None) -> str:
    if value is None or indicator is None:
        return "–" if value is None else str(value)
    digits = decimals(indicator)
    pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    text = format_decimal(round(value, digits), format=pattern)
    symbol = unit_symbol(indicator)
    return f"{text} {symbol}".strip()


def format_number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(round(value, digits), format=pattern)


def format_signed(value: float | None, digits: int = 2) -> str:
    """A z-value or index with its sign and the locale's decimal separator ("+1,23")."""
    if value is None:
        return "–"
    text = format_decimal(abs(round(value, digits)), format="0." + "0" * digits)
    return ("−" if round(value, digits) < 0 else "+") + text
