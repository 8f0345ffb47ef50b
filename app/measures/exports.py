"""The measures as a table: the columns of the CSV, XLSX and GeoJSON exports (the list page's
downloads and the open-data dataset ``massnahmen``), rows in keyset pages, the dates."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.exports import Column
from ..core.i18n import current_language
from ..core.urls import external_url
from ..extensions import db
from . import listing
from .models import Measure

PAGE_SIZE = 500


def _status_name(row: listing.Row) -> str:
    status = row.measure.status
    return status.name_en if current_language() == "en" else status.name_de


def columns() -> list[Column]:
    return [
        Column("id", _l("ID"), "text", lambda r: str(r.measure.id)),
        Column("external_id", _l("External id"), "text", lambda r: r.measure.external_id or ""),
        Column("title", _l("Title"), "text", lambda r: r.measure.title),
        Column("description", _l("Description"), "text", lambda r: r.measure.description_de),
        Column("office", _l("Office"), "text", lambda r: ", ".join(o.slug for o in r.offices)),
        Column(
            "districts", _l("Districts"), "text", lambda r: ", ".join(d.number for d in r.districts)
        ),
        Column("city_wide", _l("City-wide"), "bool", lambda r: r.measure.city_wide),
        Column("status", _l("Status key"), "text", lambda r: r.measure.status.key),
        Column("status_name", _l("Status"), "text", _status_name),
        Column("progress", _l("Progress"), "int", lambda r: r.measure.progress),
        Column("start", _l("Start"), "date", lambda r: r.measure.planned_start),
        Column("end", _l("End"), "date", lambda r: r.measure.planned_end),
        Column("actual_start", _l("Actual start"), "date", lambda r: r.measure.actual_start),
        Column("actual_end", _l("Actual end"), "date", lambda r: r.measure.actual_end),
        Column("budget_planned", _l("Budget planned"), "float", lambda r: r.measure.budget_planned),
        Column("budget_spent", _l("Budget spent"), "float", lambda r: r.measure.budget_spent),
        Column(
            "target_indicators",
            _l("Target indicators"),
            "text",
            lambda r: ", ".join(f"{i.code}:{d}" for i, d in r.indicators),
        ),
        Column("linked_inputs", _l("Linked inputs"), "text", lambda r: ", ".join(r.input_refs)),
        Column("updated", _l("Last updated"), "datetime", lambda r: r.measure.updated_at),
        Column(
            "url",
            _l("Link"),
            "text",
            lambda r: external_url("measures.show", measure_id=r.measure.id),
        ),
    ]


def point(row: listing.Row) -> tuple[float, float] | None:
    """The first place of a measure (``None`` without one: ``"geometry": null``)."""
    return (row.places[0].lat, row.places[0].lon) if row.places else None


def rows(filters: listing.Filters | None = None) -> Iterator[listing.Row]:
    """Every measure under ``filters`` with its parts, in keyset pages by id (a fixed number
    of queries per page)."""
    where = listing.conditions(filters or listing.Filters())
    last = 0
    while True:
        page = list(
            db.session.scalars(
                select(Measure)
                .where(Measure.id > last, *where)
                .order_by(Measure.id)
                .limit(PAGE_SIZE)
            )
        )
        yield from listing.with_parts(page)
        if len(page) < PAGE_SIZE:
            return
        last = page[-1].id


def dates():
    """(first created, latest change) of all measures, in one query."""
    return tuple(
        db.session.execute(select(func.min(Measure.created_at), func.max(Measure.updated_at))).one()
    )
