"""``GET /api/v1/measures`` and ``GET /api/v1/measures/<id>``: the measures as JSON, with
their districts, status, progress, milestones, target indicators and linked input ids.

Filters as on the list page: ``district`` (number), ``office`` (slug), ``status`` (key),
``indicator`` (code); an unknown value answers 400 with a message. A constant number of
queries whatever the number of measures.
"""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from ..api.blueprint import bp
from ..core.api import ApiError
from ..core.permissions import requires
from . import effects, listing, services
from .permissions import can_see_measures


def as_json(row: listing.Row, *, full: bool) -> dict:
    m = row.measure
    body = {
        "id": m.id,
        "external_id": m.external_id,
        "title": m.title,
        "status": m.status.key,
        "status_name": {"de": m.status.name_de, "en": m.status.name_en},
        "progress": m.progress,
        "city_wide": m.city_wide,
        "districts": [d.number for d in row.districts],
        "offices": [o.slug for o in row.offices],
        "planned_start": m.planned_start.isoformat() if m.planned_start else None,
        "planned_end": m.planned_end.isoformat() if m.planned_end else None,
        "actual_start": m.actual_start.isoformat() if m.actual_start else None,
        "actual_end": m.actual_end.isoformat() if m.actual_end else None,
        "parent_id": m.parent_id,
        "target_indicators": [{"code": i.code, "direction": d} for i, d in row.indicators],
        "linked_inputs": [{"type": i.input_type, "id": i.input_id} for i in row.inputs],
        "updated_at": m.updated_at.isoformat() if m.updated_at else None,
        "url": url_for("measures.show", measure_id=m.id),
    }
    if full:
        body.update(
            {
                "description": {"de": m.description_de, "en": m.description_en or None},
                "budget_planned": m.budget_planned,
                "budget_spent": m.budget_spent,
                "milestones": [
                    {"title": s.title, "date": s.day.isoformat(), "done": s.done}
                    for s in row.milestones
                ],
                "places": [{"lat": p.lat, "lon": p.lon, "label": p.label} for p in row.places],
            }
        )
    return body


@bp.get("/measures")
@requires(can_see_measures, login=False)
def measures():
    try:
        filters = listing.Filters.from_args(request.args)
    except listing.FilterError as exc:
        raise ApiError(400, str(exc)) from None
    rows = listing.find(filters, parts=("districts", "offices", "indicators", "inputs"))
    return jsonify(measures=[as_json(r, full=False) for r in rows], count=len(rows))


@bp.get("/measures/<id:measure_id>")
@requires(can_see_measures, login=False)
def measure(measure_id: int):
    found = services.get_measure(measure_id)
    if found is None:
        raise ApiError(404, _("There is no measure with this number."))
    return jsonify(as_json(listing.with_parts([found])[0], full=True))


@bp.get("/measures/<id:measure_id>/effects")
@requires(can_see_measures, login=False)
def measure_effects(measure_id: int):
    """``{"measure": id, "effects": [...]}``: the figures of "Entwicklung im Vergleich"."""
    found = services.get_measure(measure_id)
    if found is None:
        raise ApiError(404, _("There is no measure with this number."))
    return jsonify(measure=found.id, effects=effects.as_json(effects.load_effects(found)))
