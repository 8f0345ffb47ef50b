"""What the result pages show: the ranking as rows for the table and the CSV, the stacked bars
and the map as SVG (decorative: hidden from assistive technology, the table says the same),
and the privacy rule for barrier figures outside the back office."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from ..core.exports import Column
from ..districts.models import District
from ..extensions import db
from ..indicators.catalogue import format_number
from ..indicators.choropleth import VALUE_COLOURS, class_breaks, class_of
from .criteria import CriterionData, Evaluation

NO_RANK_COLOUR = "#bdbdbd"
MAP_WIDTH = 640
MAP_HEIGHT = 520
MAP_PAD = 10
_OUTLINES_KEY = "quartier.locations.outlines"


@dataclass
class Cell:
    """One criterion of one district: what to show for the raw value and the points."""

    key: str
    value: str
    points: float | None
    points_text: str
    suppressed: bool = False


@dataclass
class Row:
    number: str
    name: str
    rank: int | None
    score: float | None
    cells: list[Cell]
    missing: list[str]
    stability: float | None = None


def format_value(data: CriterionData, value: float | None) -> str:
    if value is None:
        return "–"
    if data.unit == "m":
        return f"{format_number(value, 0)} m"
    if data.kind in ("social_status", "social_dynamic"):
        return format_number(value, 2)
    return format_number(value, 1) + (f" {data.unit}" if data.unit and data.unit != "m" else "")


def _suppressed(data: CriterionData, number: str, public: bool, threshold: int) -> bool:
    """Outside the back office a barrier figure below the privacy minimum is not shown."""
    if not (public and data.private and data.counts is not None):
        return False
    return data.counts.get(number, 0) < threshold


def _shown_value(data: CriterionData, number: str, value: float | None) -> str:
    """The back office's figure; a barrier rate below the privacy minimum with the note that
    the ranking counts it as none (so that a shared page's scores reveal nothing of it)."""
    exact = data.below_minimum.get(number)
    if exact is None:
        return format_value(data, value)
    return _(
        "%(value)s (ranked as none: below the privacy minimum)", value=format_value(data, exact)
    )


def rows(evaluation: Evaluation, *, public: bool = False) -> list[Row]:
    """The ranked districts, then those without a rank (with the criteria they lack)."""
    ranking = evaluation.ranking
    if ranking is None:
        return []
    names = evaluation.by_number
    threshold = evaluation.threshold
    fewer = _("fewer than %(n)s reports", n=threshold)
    result = []
    for ranked in ranking.rows:
        cells = []
        for c in ranked.contributions:
            data = evaluation.criterion(c.key)
            hidden = _suppressed(data, ranked.district, public, threshold)
            cells.append(
                Cell(
                    c.key,
                    fewer if hidden else _shown_value(data, ranked.district, c.raw),
                    c.points,
                    format_number(c.points, 1),
                    hidden,
                )
            )
        result.append(
            Row(
                ranked.district,
                names[ranked.district].name,
                ranked.rank,
                ranked.score,
                cells,
                [],
                ranking.stability.get(ranked.district),
            )
        )
    for number, lacking in ranking.missing.items():
        cells = []
        for data in evaluation.criteria:
            value = data.values.get(number)
            hidden = value is not None and _suppressed(data, number, public, threshold)
            cells.append(
                Cell(
                    data.key,
                    fewer if hidden else _shown_value(data, number, value),
                    None,
                    "–",
                    hidden,
                )
            )
        reasons = []
        for key in lacking:
            data = evaluation.criterion(key)
            reasons.append(f"{data.label}: {data.reasons.get(number, '')}")
        result.append(Row(number, names[number].name, None, None, cells, reasons))
    return result


def bar(row: Row, evaluation: Evaluation) -> Markup:
    """The stacked bar of a ranked district: one segment per criterion, as long as its points
    (0 … 100). Decorative: the table beside it gives the same figures."""
    if row.rank is None:
        return Markup("")
    x = 0.0
    parts = []
    for cell in row.cells:
        if not cell.points:
            continue
        colour = evaluation.criterion(cell.key).colour
        parts.append(
            f'<rect x="{x:.2f}" y="0" width="{cell.points:.2f}" height="12" fill="{colour}"/>'
        )
        x += cell.points
    return Markup(  # noqa: S704 - numbers and our own colour constants only
        '<svg class="location-bar" viewBox="0 0 100 12" preserveAspectRatio="none" '
        'width="160" height="14" aria-hidden="true" focusable="false">'
        '<rect x="0" y="0" width="100" height="12" fill="#f3f6f9"/>' + "".join(parts) + "</svg>"
    )


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[(x, y) for x, y, *_ in ring] for polygon in polygons for ring in polygon]


def outlines() -> dict[str, list[list[tuple[float, float]]]]:
    """Every district's simplified outline by number (one query, kept per process)."""
    cache = current_app.extensions.get(_OUTLINES_KEY)
    if cache is None:
        rows = db.session.execute(select(District.number, District.geometry_simplified))
        cache = {number: _rings(json.loads(text)) if text else [] for number, text in rows}
        current_app.extensions[_OUTLINES_KEY] = cache
    return cache


@dataclass
class MapView:
    svg: Markup
    legend: list[tuple[str, str]]


def city_map(evaluation: Evaluation) -> MapView:
    """The districts coloured by score (quintile classes of the ranked districts, darker is a
    higher score), grey without a rank, the top 5 outlined and numbered by rank."""
    ranking = evaluation.ranking
    shapes = outlines()
    scores = {r.district: r.score for r in ranking.rows} if ranking else {}
    top = {r.district: r.rank for r in ranking.top} if ranking else {}
    breaks = class_breaks(list(scores.values()))
    points = [p for rings in shapes.values() for ring in rings for p in ring]
    if not points:
        return MapView(Markup(""), [])
    min_x = min(p[0] for p in points)
    max_x = max(p[0] for p in points)
    min_y = min(p[1] for p in points)
    max_y = max(p[1] for p in points)
    k = math.cos(math.radians((min_y + max_y) / 2))
    scale = min(
        (MAP_WIDTH - 2 * MAP_PAD) / max((max_x - min_x) * k, 1e-9),
        (MAP_HEIGHT - 2 * MAP_PAD) / max(max_y - min_y, 1e-9),
    )

    def project(x: float, y: float) -> tuple[float, float]:
        return MAP_PAD + (x - min_x) * k * scale, MAP_PAD + (max_y - y) * scale

    paths = []
    labels = []
    by_number = evaluation.by_number
    for number, rings in sorted(shapes.items()):
        if not rings:
            continue
        colour = (
            VALUE_COLOURS[class_of(scores[number], breaks)] if number in scores else NO_RANK_COLOUR
        )
        d = " ".join(
            "M"
            + " L".join(f"{px:.1f},{py:.1f}" for px, py in (project(x, y) for x, y in ring))
            + " Z"
            for ring in rings
        )
        stroke = (
            'stroke="#b00020" stroke-width="3"'
            if number in top
            else 'stroke="#4a5560" stroke-width="0.8"'
        )
        paths.append(f'<path d="{d}" fill="{colour}" {stroke} fill-rule="evenodd"/>')
        if number in top and number in by_number:
            lx, ly = project(by_number[number].lon, by_number[number].lat)
            labels.append(
                f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="11" fill="#ffffff" stroke="#b00020" '
                f'stroke-width="2"/><text x="{lx:.1f}" y="{ly + 4.5:.1f}" text-anchor="middle" '
                f'font-size="13" font-weight="bold" fill="#1a1a1a">{top[number]}</text>'
            )
    legend = []
    lower = None
    for index, upper in enumerate(breaks):
        if lower is None:
            text = _("score up to %(upper)s", upper=format_number(upper, 1))
        else:
            text = _(
                "score over %(lower)s up to %(upper)s",
                lower=format_number(lower, 1),
                upper=format_number(upper, 1),
            )
        legend.append((VALUE_COLOURS[index], text))
        lower = upper
    legend.append((NO_RANK_COLOUR, _("not ranked (data missing)")))
    svg = Markup(  # noqa: S704 - numbers and our own constants only
        f'<svg class="location-map" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        + "".join(paths)
        + "".join(labels)
        + "</svg>"
    )
    return MapView(svg, legend)


def map_summary(evaluation: Evaluation) -> str:
    """The map in words (its text alternative)."""
    ranking = evaluation.ranking
    if ranking is None or not ranking.rows:
        return _("No district could be ranked.")
    names = evaluation.by_number
    top = ", ".join(f"{r.rank}. {r.district} {names[r.district].name}" for r in ranking.top)
    return _(
        "The map colours the districts by their score, darker for a higher score; the top 5 "
        "are outlined and numbered: %(top)s. %(n)s districts are not ranked because data is "
        "missing. The table lists every district with its figures.",
        top=top,
        n=len(ranking.missing),
    )


def csv_columns(evaluation: Evaluation) -> list[Column]:
    columns = [
        Column("rank", _l("Rank"), "int", lambda r: r.rank),
        Column("district_number", _l("District number"), "text", lambda r: r.number),
        Column("district", _l("District"), "text", lambda r: r.name),
        Column(
            "score", _l("Score"), "float", lambda r: None if r.score is None else round(r.score, 3)
        ),
        Column(
            "stays_in_top5",
            _l("Stays in the top 5 (share of draws)"),
            "float",
            lambda r: r.stability,
        ),
    ]
    for i, data in enumerate(evaluation.criteria):
        columns.append(
            Column(
                f"{data.key}_value",
                f"{data.label} ({data.unit})" if data.unit else data.label,
                "float",
                lambda r, key=data.key: _raw(evaluation, key, r.number),
            )
        )
        columns.append(
            Column(
                f"{data.key}_points",
                _("%(criterion)s: points", criterion=data.label),
                "float",
                lambda r, i=i: None if r.cells[i].points is None else round(r.cells[i].points, 3),
            )
        )
    columns.append(Column("missing", _l("Data missing"), "text", lambda r: "; ".join(r.missing)))
    return columns


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _raw(evaluation: Evaluation, key: str, number: str) -> float | None:
    value = evaluation.criterion(key).values.get(number)
    return None if value is None else round(value, 4)
