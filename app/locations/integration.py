"""Location decisions on other domains' pages: the measure page names the board's decision(s)
that led to the measure (through the measures' section registry: measures sit below and do
not import this package)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..districts.models import District
from ..extensions import db
from ..measures import sections
from ..measures.models import Measure
from .models import LocationScenario
from .permissions import can_manage_locations


def register() -> None:
    sections.register_page_section(measure_section)


def decisions_for(measure_id: int) -> list[tuple[int, str, Any, str | None, str | None]]:
    """The decided scenarios linked to the measure: (id, title, decided at, district number,
    district name), oldest first. One query, whatever their number."""
    return [
        tuple(r)
        for r in db.session.execute(
            select(
                LocationScenario.id,
                LocationScenario.title,
                LocationScenario.decided_at,
                District.number,
                District.name,
            )
            .outerjoin(District, District.id == LocationScenario.decided_district_id)
            .where(
                LocationScenario.measure_id == measure_id,
                LocationScenario.decided_at.is_not(None),
            )
            .order_by(LocationScenario.decided_at, LocationScenario.id)
        )
    ]


def measure_section(measure: Measure, user: Any) -> list[sections.PageSection]:
    """Planners and admins get a link to each scenario's result with the date and the chosen
    district; everyone else a plain line with the date: no internal link, no share link."""
    found = decisions_for(measure.id)
    if not found:
        return []
    lines: list[sections.SectionLine] = []
    internal = can_manage_locations(user)
    for scenario_id, title, decided_at, number, name in found:
        day = format_date(decided_at, "medium")
        if internal:
            text = (
                _(
                    "decided on %(date)s, chosen district: %(district)s",
                    date=day,
                    district=f"{number} {name}",
                )
                if number
                else _("decided on %(date)s, no district chosen", date=day)
            )
            line = sections.SectionLine(
                text=text,
                link_text=title,
                url=url_for("locations_admin.show", scenario_id=scenario_id),
            )
        else:
            line = sections.SectionLine(
                text=_("Chosen by the advisory board's location comparison on %(date)s.", date=day)
            )
        if line not in lines:  # two decisions on one day read as one line in public
            lines.append(line)
    return [sections.PageSection("location-decisions", _("Location decision"), lines)]
