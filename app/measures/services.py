"""The measures' services: statuses, saving a measure with its parts and its history, the
programme progress, linking inputs (through the workflow) and telling the contributors.
Services flush, never commit; every change is audited and kept as history rows.

One rule set for the back-office form, the import and the CLI: :func:`check` collects every
problem of a :class:`MeasureData` (unknown office, district or indicator, progress outside
0–100, an end before its start …) and :func:`save_measure` refuses with all of them before
anything is written.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..accounts.models import Office
from ..core import content_types
from ..core.audit import record
from ..core.i18n import current_language
from ..core.permissions import is_admin, is_planner
from ..core.time import as_utc, utcnow
from ..districts import services as districts
from ..districts.models import District
from ..extensions import db
from ..indicators.models import Indicator
from ..notifications import services as notifications
from ..workflow import services as workflow
from .models import (
    DIRECTIONS,
    SEEDED_STATUSES,
    Measure,
    MeasureDistrict,
    MeasureHistory,
    MeasureIndicator,
    MeasureInput,
    MeasureOffice,
    MeasurePlace,
    MeasureStatus,
    Milestone,
)

STALE_DAYS = 180
LINK_STATUSES = ("merged_into_measure", "in_implementation")  # workflow statuses of a link
INPUT_ALIASES = {"barrier": "barrier_report"}
PUBLIC_HISTORY_FIELDS = ("status", "progress")
TITLE_MAX = 200
REASON_MAX = 300


class MeasureError(ValueError):
    """A rule was broken; the message is translated; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class MeasureInvalid(ValueError):
    """Several problems at once (every one of them, nothing written)."""

    def __init__(self, problems: list[MeasureError]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# --- statuses --------------------------------------------------------------------------------


def load_statuses() -> int:
    """Create the standard statuses that do not exist yet (idempotent); how many were made."""
    existing = set(db.session.scalars(select(MeasureStatus.key)))
    created = 0
    for key, name_de, name_en, progress, position in SEEDED_STATUSES:
        if key not in existing:
            db.session.add(
                MeasureStatus(
                    key=key,
                    name_de=name_de,
                    name_en=name_en,
                    default_progress=progress,
                    position=position,
                )
            )
            created += 1
    db.session.flush()
    g.pop("_measure_statuses", None)
    return created


def statuses() -> list[MeasureStatus]:
    """The statuses in their order, read once per request."""
    cached = g.get("_measure_statuses")
    if cached is None:
        cached = list(db.session.scalars(select(MeasureStatus).order_by(MeasureStatus.position)))
        g._measure_statuses = cached
    return cached


def status_by_key(key: str | None) -> MeasureStatus | None:
    return next((s for s in statuses() if s.key == key), None)


def status_by_name(text: str) -> MeasureStatus | None:
    """By key, or by its German or English name (case-insensitive)."""
    wanted = (text or "").strip().casefold()
    for status in statuses():
        if wanted in (status.key, status.name_de.casefold(), status.name_en.casefold()):
            return status
    return None


def status_choices() -> list[tuple[str, str]]:
    return [(s.key, s.name(current_language())) for s in statuses()]


# --- the progress of a programme -------------------------------------------------------------


def weighted_progress(children: Sequence[tuple[int, float | None]]) -> int | None:
    """The progress of a programme from its children's ``(progress, budget_planned)``: the
    mean weighted by the planned budgets when every child has one (and they sum above 0),
    else the plain mean; rounded half up. ``None`` without children."""
    if not children:
        return None
    budgets = [b for _, b in children]
    if all(b is not None and b >= 0 for b in budgets) and math.fsum(budgets) > 0:
        value = math.fsum(p * b for (p, b) in children) / math.fsum(budgets)
    else:
        value = math.fsum(p for p, _ in children) / len(children)
    return int(math.floor(value + 0.5))


def children_of(measure_id: int) -> list[Measure]:
    return list(
        db.session.scalars(
            select(Measure).where(Measure.parent_id == measure_id).order_by(Measure.id)
        )
    )


def _refresh_programme(actor: Any, parent_id: int | None, seen: set[int] | None = None) -> None:
    """Recompute a programme's progress from its children (and its own programme's)."""
    seen = seen or set()
    if parent_id is None or parent_id in seen:
        return
    seen.add(parent_id)
    parent = db.session.get(Measure, parent_id)
    if parent is None:
        return
    value = weighted_progress([(c.progress, c.budget_planned) for c in children_of(parent_id)])
    if value is not None and value != parent.progress:
        _history(actor, parent, "progress", parent.progress, value)
        parent.progress = value
        parent.updated_at = utcnow()
        db.session.flush()
        notify_change(actor, parent)
    _refresh_programme(actor, parent.parent_id, seen)


# --- lookups for forms, import and API -------------------------------------------------------


def offices() -> list[Office]:
    return list(db.session.scalars(select(Office).order_by(Office.name_de)))


def office_by_text(text: str) -> Office | None:
    """By slug or German or English name (case-insensitive)."""
    wanted = (text or "").strip().casefold()
    for office in offices():
        if wanted in (office.slug.casefold(), office.name_de.casefold(), office.name_en.casefold()):
            return office
    return None


def all_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.number)))


def indicators() -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).order_by(Indicator.position, Indicator.code)))


def user_office_ids(user: Any) -> set[int]:
    roles = getattr(user, "roles", None) or []
    return {r.office_id for r in roles if r.role == "planner" and r.office_id is not None}


# --- saving ----------------------------------------------------------------------------------


@dataclass
class MeasureData:
    """Everything a measure consists of, as ids (the form and the import resolve names)."""

    title: str
    status_key: str
    description_de: str = ""
    description_en: str = ""
    city_wide: bool = False
    progress: int | None = None  # None: the status's default (or the current progress)
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    budget_planned: float | None = None
    budget_spent: float | None = None
    parent_id: int | None = None
    qualitative_assessment: str = ""
    external_id: str | None = None
    office_ids: list[int] = field(default_factory=list)
    district_ids: list[int] = field(default_factory=list)
    places: list[tuple[float, float, str]] = field(default_factory=list)
    milestones: list[tuple[str, date, bool]] = field(default_factory=list)
    indicators: list[tuple[int, str]] = field(default_factory=list)  # (indicator id, up|down)


def check(actor: Any, measure: Measure | None, data: MeasureData) -> list[MeasureError]:
    """Every problem of ``data`` (empty: it can be saved). A few queries. ``actor=None`` is
    the operator's CLI (no office restriction)."""
    problems: list[MeasureError] = []
    add = problems.append
    if not (data.title or "").strip():
        add(MeasureError(_("Please give the measure a title."), "title"))
    elif len(data.title.strip()) > TITLE_MAX:
        add(MeasureError(_("The title may have at most %(n)d characters.", n=TITLE_MAX), "title"))
    if status_by_key(data.status_key) is None:
        add(MeasureError(_("Unknown status “%(key)s”.", key=data.status_key or ""), "status"))
    if data.progress is not None and not 0 <= data.progress <= 100:
        add(MeasureError(_("The progress must lie between 0 and 100."), "progress"))
    for start, end, name in (
        (data.planned_start, data.planned_end, "planned_end"),
        (data.actual_start, data.actual_end, "actual_end"),
    ):
        if start is not None and end is not None and end < start:
            add(MeasureError(_("The end must not lie before the start."), name))
    for value, name in (
        (data.budget_planned, "budget_planned"),
        (data.budget_spent, "budget_spent"),
    ):
        if value is not None and (not math.isfinite(value) or value < 0):
            add(MeasureError(_("A budget must be a number of at least 0."), name))
    known_offices = {o.id for o in offices()}
    if not data.office_ids:
        add(MeasureError(_("Please name at least one responsible office."), "offices"))
    elif set(data.office_ids) - known_offices:
        add(MeasureError(_("Unknown office."), "offices"))
    elif actor is not None and not can_manage_offices(actor, data.office_ids, measure):
        add(
            MeasureError(
                _("You can only manage measures of your own office."),
                "offices",
            )
        )
    known_districts = {d.id for d in all_districts()}
    if set(data.district_ids) - known_districts:
        add(MeasureError(_("Unknown district."), "districts"))
    elif not data.district_ids and not data.city_wide and not data.places:
        add(
            MeasureError(
                _("Please choose at least one district, or mark the measure as city-wide."),
                "districts",
            )
        )
    wanted_indicators = [i for i, _d in data.indicators]
    if set(wanted_indicators) - {i.id for i in indicators()}:
        add(MeasureError(_("Unknown indicator."), "indicators"))
    if len(set(wanted_indicators)) != len(wanted_indicators):
        add(MeasureError(_("Each target indicator can be named once."), "indicators"))
    if any(direction not in DIRECTIONS for _i, direction in data.indicators):
        add(MeasureError(_("The expected direction is “up” or “down”."), "indicators"))
    for title, day, _done in data.milestones:
        if not (title or "").strip() or day is None:
            add(MeasureError(_("Every milestone needs a title and a date."), "milestones"))
            break
    for lat, lon, _label in data.places:
        try:
            districts.locate(lat, lon)
        except districts.OutsideCity:
            add(MeasureError(_("A place lies outside the city."), "places"))
            break
    if data.parent_id is not None:
        problem = _parent_problem(measure, data.parent_id)
        if problem:
            add(MeasureError(problem, "parent"))
    if data.external_id:
        clash = db.session.scalar(select(Measure.id).where(Measure.external_id == data.external_id))
        if clash is not None and (measure is None or clash != measure.id):
            add(MeasureError(_("Another measure has this external id."), "external_id"))
    return problems


def _parent_problem(measure: Measure | None, parent_id: int) -> str | None:
    parent = db.session.get(Measure, parent_id)
    if parent is None:
        return _("Unknown parent measure.")
    if measure is not None:
        seen, current = set(), parent
        while current is not None and current.id not in seen:
            if current.id == measure.id:
                return _("A measure cannot be part of itself.")
            seen.add(current.id)
            current = db.session.get(Measure, current.parent_id) if current.parent_id else None
    return None


def can_manage_offices(actor: Any, office_ids: Iterable[int], measure: Measure | None) -> bool:
    """Admins: any; planners: the measure (if any) and the new offices must include one of
    their own offices."""
    if is_admin(actor):
        return True
    if not is_planner(actor):
        return False
    own = user_office_ids(actor)
    if measure is not None and not own & set(office_ids_of(measure.id)):
        return False
    return bool(own & set(office_ids))


def office_ids_of(measure_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(MeasureOffice.office_id).where(MeasureOffice.measure_id == measure_id)
        )
    )


def save_measure(actor: Any, measure: Measure | None, data: MeasureData) -> Measure:
    """Create (``measure=None``) or change a measure from ``data``: every changed field gets
    a history row, the change an audit row; a new status or progress tells the contributors
    of its linked inputs and its followers once. Raises :class:`MeasureInvalid` (nothing
    written). Saving the same data again writes nothing."""
    problems = check(actor, measure, data)
    if problems:
        raise MeasureInvalid(problems)
    status = status_by_key(data.status_key)
    creating = measure is None
    before = {} if creating else snapshot(measure)
    if creating:
        measure = Measure(created_by_id=getattr(actor, "id", None), progress=0)
        db.session.add(measure)
    old_status_id = None if creating else measure.status_id
    old_parent_id = None if creating else measure.parent_id
    measure.title = data.title.strip()
    measure.description_de = (data.description_de or "").strip()
    measure.description_en = (data.description_en or "").strip()
    measure.city_wide = bool(data.city_wide)
    measure.status = status
    measure.planned_start, measure.planned_end = data.planned_start, data.planned_end
    measure.actual_start, measure.actual_end = data.actual_start, data.actual_end
    measure.budget_planned, measure.budget_spent = data.budget_planned, data.budget_spent
    measure.parent_id = data.parent_id
    measure.qualitative_assessment = (data.qualitative_assessment or "").strip()
    if data.external_id is not None:
        measure.external_id = data.external_id.strip() or None
    if data.progress is not None:
        measure.progress = data.progress
    elif (creating or old_status_id != status.id) and status.default_progress is not None:
        measure.progress = status.default_progress
    db.session.flush()
    if not creating:
        children = [(c.progress, c.budget_planned) for c in children_of(measure.id)]
        programme = weighted_progress(children)
        if programme is not None:
            measure.progress = programme
    _replace_parts(measure, data)
    after = snapshot(measure)
    changed = [k for k in after if before.get(k) != after[k]]
    if creating:
        changed = [k for k in changed if after[k] not in (None, "", "0", [])] or ["title"]
        changed = sorted(set(changed) | {"status", "progress"})
    for key in changed:
        _history(actor, measure, key, before.get(key), after[key])
    if changed:
        measure.updated_at = utcnow()
        record(
            actor,
            "measure.created" if creating else "measure.changed",
            "measure",
            measure.id,
            before={k: before.get(k) for k in changed} if not creating else None,
            after={k: after[k] for k in changed},
        )
    db.session.flush()
    if not creating and ({"status", "progress"} & set(changed)):
        notify_change(actor, measure)
    if old_parent_id != measure.parent_id:
        _refresh_programme(actor, old_parent_id)
    _refresh_programme(actor, measure.parent_id)
    return measure


def _replace_parts(measure: Measure, data: MeasureData) -> None:
    """Offices, districts, places, milestones and target indicators as ``data`` says (rows
    that stay the same are kept)."""
    mid = measure.id
    _sync(MeasureOffice, mid, "office_id", set(data.office_ids))
    district_ids = set(data.district_ids)
    for lat, lon, _label in data.places:  # a place's district belongs to the measure
        district_ids.add(districts.locate(lat, lon).id)
    _sync(MeasureDistrict, mid, "district_id", district_ids)
    current_places = [(p.lat, p.lon, p.label) for p in db.session.scalars(_rows(MeasurePlace, mid))]
    wanted_places = [(float(lat), float(lon), label or "") for lat, lon, label in data.places]
    if current_places != wanted_places:
        db.session.execute(delete(MeasurePlace).where(MeasurePlace.measure_id == mid))
        for lat, lon, label in wanted_places:
            db.session.add(
                MeasurePlace(
                    measure_id=mid,
                    lat=lat,
                    lon=lon,
                    label=label,
                    district_id=districts.locate(lat, lon).id,
                )
            )
    current_milestones = [
        (m.title, m.day, m.done) for m in db.session.scalars(_rows(Milestone, mid))
    ]
    wanted_milestones = sorted(
        ((t.strip(), d, bool(done)) for t, d, done in data.milestones), key=lambda m: (m[1], m[0])
    )
    if current_milestones != wanted_milestones:
        db.session.execute(delete(Milestone).where(Milestone.measure_id == mid))
        for title, day, done in wanted_milestones:
            db.session.add(Milestone(measure_id=mid, title=title, day=day, done=done))
    wanted_indicators = dict(data.indicators)
    current = {m.indicator_id: m for m in db.session.scalars(_rows(MeasureIndicator, mid))}
    for indicator_id, row in current.items():
        if indicator_id not in wanted_indicators:
            db.session.delete(row)
        elif row.direction != wanted_indicators[indicator_id]:
            row.direction = wanted_indicators[indicator_id]
    for indicator_id, direction in wanted_indicators.items():
        if indicator_id not in current:
            db.session.add(
                MeasureIndicator(measure_id=mid, indicator_id=indicator_id, direction=direction)
            )
    db.session.flush()


def _rows(model, measure_id: int):
    order = getattr(model, "day", None)
    query = select(model).where(model.measure_id == measure_id)
    if order is not None:
        query = query.order_by(model.day, model.title)
    elif hasattr(model, "id"):
        query = query.order_by(model.id)
    return query


def _sync(model, measure_id: int, column: str, wanted: set[int]) -> None:
    col = getattr(model, column)
    current = set(db.session.scalars(select(col).where(model.measure_id == measure_id)))
    gone = current - wanted
    if gone:
        db.session.execute(delete(model).where(model.measure_id == measure_id, col.in_(gone)))
    for value in sorted(wanted - current):
        db.session.add(model(measure_id=measure_id, **{column: value}))


def snapshot(measure: Measure) -> dict[str, str | None]:
    """The measure as text per field (what the history compares and keeps)."""
    mid = measure.id

    def text(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float):
            return repr(round(value, 2))
        return str(value)

    office_slugs = db.session.scalars(
        select(Office.slug)
        .join(MeasureOffice, MeasureOffice.office_id == Office.id)
        .where(MeasureOffice.measure_id == mid)
        .order_by(Office.slug)
    ).all()
    numbers = db.session.scalars(
        select(District.number)
        .join(MeasureDistrict, MeasureDistrict.district_id == District.id)
        .where(MeasureDistrict.measure_id == mid)
        .order_by(District.number)
    ).all()
    targets = db.session.execute(
        select(Indicator.code, MeasureIndicator.direction)
        .join(MeasureIndicator, MeasureIndicator.indicator_id == Indicator.id)
        .where(MeasureIndicator.measure_id == mid)
        .order_by(Indicator.code)
    ).all()
    milestones = db.session.scalars(_rows(Milestone, mid)).all()
    places = db.session.scalars(_rows(MeasurePlace, mid)).all()
    return {
        "title": measure.title,
        "description_de": measure.description_de or "",
        "description_en": measure.description_en or "",
        "city_wide": text(measure.city_wide),
        "status": measure.status.key if measure.status is not None else None,
        "progress": text(measure.progress),
        "planned_start": text(measure.planned_start),
        "planned_end": text(measure.planned_end),
        "actual_start": text(measure.actual_start),
        "actual_end": text(measure.actual_end),
        "budget_planned": text(measure.budget_planned),
        "budget_spent": text(measure.budget_spent),
        "parent": text(measure.parent_id),
        "qualitative_assessment": measure.qualitative_assessment or "",
        "external_id": measure.external_id,
        "offices": ", ".join(office_slugs),
        "districts": ", ".join(numbers),
        "indicators": ", ".join(f"{code}:{d}" for code, d in targets),
        "milestones": "; ".join(
            f"{m.day.isoformat()} {m.title}{' ✓' if m.done else ''}" for m in milestones
        ),
        "places": "; ".join(f"{p.lat:.6f},{p.lon:.6f} {p.label}".strip() for p in places),
    }


def _history(actor: Any, measure: Measure, key: str, old: Any, new: Any) -> None:
    db.session.add(
        MeasureHistory(
            measure_id=measure.id,
            actor_id=getattr(actor, "id", None),
            field=key,
            old=None if old is None else str(old),
            new=None if new is None else str(new),
            created_at=utcnow(),
        )
    )


# --- linked inputs ---------------------------------------------------------------------------


def linked_condition(input_type_column: Any, input_id_column: Any, measure_id: int | None = None):
    """SQL: the input named by the two columns (e.g. a work item's ``target_type`` and
    ``target_id``) is linked to a measure (to ``measure_id`` when given). A correlated
    ``EXISTS`` over the links' ``(input_type, input_id)`` index, or, for one measure, the
    unique ``(measure_id, input_type, input_id)`` index; negate it for "not linked"."""
    criteria = [
        MeasureInput.input_type == input_type_column,
        MeasureInput.input_id == input_id_column,
    ]
    if measure_id is not None:
        criteria.append(MeasureInput.measure_id == measure_id)
    return select(MeasureInput.id).where(*criteria).exists()


def measure_exists(measure_id: int) -> bool:
    return db.session.get(Measure, measure_id) is not None


def find_measures(text: str, limit: int = 10) -> list[tuple[int, str]]:
    """Measures for a search field: the one with the number ``text`` (ASCII digits), else
    those whose title contains ``text`` (case-insensitive for ASCII letters on SQLite), by
    title; at most ``limit`` (one query)."""
    text = (text or "").strip()
    if not text:
        return []
    if text.isascii() and text.isdigit():
        if len(text) > 9:
            return []
        condition = Measure.id == int(text)
    else:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        condition = Measure.title.ilike(f"%{escaped}%", escape="\\")
    return [
        (mid, title)
        for mid, title in db.session.execute(
            select(Measure.id, Measure.title)
            .where(condition)
            .order_by(Measure.title, Measure.id)
            .limit(limit)
        )
    ]


def measure_choices() -> list[tuple[int, str]]:
    """Every measure's id and title, by title (one query; for filter forms)."""
    return [
        (mid, title)
        for mid, title in db.session.execute(
            select(Measure.id, Measure.title).order_by(Measure.title, Measure.id)
        )
    ]


def linkable_measures(user: Any, kind: str, input_id: int) -> list[tuple[int, str]]:
    """The measures ``user`` may link the input to (admins: all; planners: their offices'),
    leaving out those it is linked to already: ids and titles by title, one query."""
    query = (
        select(Measure.id, Measure.title)
        .where(~linked_condition(kind, input_id, Measure.id))
        .order_by(Measure.title, Measure.id)
    )
    if not is_admin(user):
        own = user_office_ids(user) if is_planner(user) else set()
        if not own:
            return []
        query = query.where(
            Measure.id.in_(
                select(MeasureOffice.measure_id).where(MeasureOffice.office_id.in_(sorted(own)))
            )
        )
    return [(mid, title) for mid, title in db.session.execute(query)]


def input_type(name: str) -> content_types.ContentType | None:
    """An input type that measures can take up (the workflow's tracked types)."""
    found = content_types.get(INPUT_ALIASES.get(name, name))
    return found if found is not None and found.tracked is not None else None


def parse_input_ref(text: str) -> tuple[str, int]:
    """``"proposal:12"`` → ``("proposal", 12)``; :class:`MeasureError` otherwise."""
    kind, sep, raw = (text or "").strip().partition(":")
    entry = input_type(kind.strip())
    if not sep or entry is None:
        raise MeasureError(
            _("“%(ref)s” is not an input (type:id, e.g. proposal:12).", ref=text.strip()),
            "input",
        )
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise MeasureError(_("“%(ref)s”: the id must be a whole number.", ref=text), "input")
    return entry.name, int(raw)


def link_problem(measure: Measure | None, kind: str, input_id: int) -> str | None:
    """Why ``kind:input_id`` cannot be linked to ``measure`` (``None``: it can)."""
    entry = input_type(kind)
    if entry is None or entry.load(input_id) is None:
        return _(
            "The input %(ref)s does not exist or you may not see it.", ref=f"{kind}:{input_id}"
        )
    if measure is not None and measure.id is not None:
        exists = db.session.scalar(
            select(MeasureInput.id).where(
                MeasureInput.measure_id == measure.id,
                MeasureInput.input_type == entry.name,
                MeasureInput.input_id == input_id,
            )
        )
        if exists is not None:
            return _(
                "The input %(ref)s is linked to this measure already.", ref=f"{kind}:{input_id}"
            )
    return None


def link_input(
    actor: Any,
    measure: Measure,
    kind: str,
    input_id: int,
    reason: str = "",
    status_key: str = "merged_into_measure",
    *,
    require_reason: bool = False,
) -> MeasureInput:
    """Take an input up into ``measure``: the link with its reason, the input's workflow
    status (history row, audit), and its author, supporters and followers are told ("your
    proposal is part of the measure …"). :class:`MeasureError` when the input does not
    exist, may not be seen or is linked already, or (``require_reason``, the inbox) the
    reason is missing (nothing written)."""
    entry = input_type(kind)
    problem = link_problem(measure, kind, input_id)
    if problem:
        raise MeasureError(problem, "input")
    if status_key not in LINK_STATUSES:
        raise MeasureError(_("Please choose the input's new status."), "status")
    reason = (reason or "").strip()
    if require_reason and not reason:
        raise MeasureError(_("Please give the reason for the link."), "reason")
    if len(reason) > REASON_MAX:
        raise MeasureError(
            _("The reason may have at most %(n)d characters.", n=REASON_MAX), "reason"
        )
    obj = entry.load(input_id)
    link = MeasureInput(
        measure_id=measure.id,
        input_type=entry.name,
        input_id=input_id,
        reason=reason,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(link)
    item = workflow.ensure_item(actor, entry.name, obj)
    try:
        workflow.change_status(actor, item, status_key, answered_by=("measure", measure.id))
    except workflow.WorkflowError as exc:
        raise MeasureError(str(exc), "status") from exc
    ref = f"{entry.name}:{input_id}"
    _history(actor, measure, "input", None, ref)
    measure.updated_at = utcnow()
    record(
        actor,
        "measure.input_linked",
        "measure",
        measure.id,
        after={"input": ref, "reason": reason, "status": status_key},
    )
    db.session.flush()
    author_id = entry.author_id(obj)
    others = set(notifications.follower_ids(entry.name, input_id))
    if entry.supporter_ids is not None:
        others |= entry.supporter_ids([input_id]).get(input_id, set())
    if author_id is not None:
        own_kind = "measure_linked_proposal" if entry.name == "proposal" else "measure_linked_own"
        notifications.notify_users(
            [author_id], kind=own_kind, target_type="measure", target_id=measure.id, actor=actor
        )
        others.discard(author_id)
    notifications.notify_users(
        others, kind="measure_linked", target_type="measure", target_id=measure.id, actor=actor
    )
    return link


def unlink_input(actor: Any, measure: Measure, link: MeasureInput) -> None:
    """Remove a link (history and audit; the input's workflow status stays as it is)."""
    ref = f"{link.input_type}:{link.input_id}"
    _history(actor, measure, "input", ref, None)
    record(actor, "measure.input_unlinked", "measure", measure.id, before={"input": ref})
    db.session.delete(link)
    measure.updated_at = utcnow()
    db.session.flush()


def links_of(measure_id: int) -> list[MeasureInput]:
    return list(
        db.session.scalars(
            select(MeasureInput)
            .where(MeasureInput.measure_id == measure_id)
            .order_by(MeasureInput.id)
        )
    )


def recipients(measure: Measure) -> set[int]:
    """Who hears of a measure's news: the followers of the measure and the authors,
    supporters and followers of its linked inputs (a few queries per input type)."""
    found = set(notifications.follower_ids("measure", measure.id))
    by_type: dict[str, set[int]] = {}
    for link in links_of(measure.id):
        by_type.setdefault(link.input_type, set()).add(link.input_id)
    for kind, ids in by_type.items():
        entry = content_types.get(kind)
        if entry is None:
            continue
        for obj in entry.get_many_any(ids).values():
            author_id = entry.author_id(obj)
            if author_id is not None:
                found.add(author_id)
        for users in notifications.follower_ids_of_many(kind, ids).values():
            found |= users
        if entry.supporter_ids is not None:
            for users in entry.supporter_ids(ids).values():
                found |= users
    return found


MAIL_DETAIL_KINDS = ("measure_updated",)


def mail_details(kind: str, target_type: str, target_id: int, details: dict) -> dict | None:
    """For the mail of a measure's change: its status by its public name in both languages and
    its progress, as they are at the change (the mail names them in the recipient's
    language; see ``app.notifications.services.register_details``)."""
    if kind not in MAIL_DETAIL_KINDS or target_type != "measure":
        return None
    measure = db.session.get(Measure, target_id)
    if measure is None or measure.status is None:
        return None
    return {
        "status": {"de": measure.status.name_de, "en": measure.status.name_en},
        "progress": measure.progress,
    }


def notify_change(actor: Any, measure: Measure) -> int:
    """One notification per person for one change of status or progress."""
    return notifications.notify_users(
        recipients(measure),
        kind="measure_updated",
        target_type="measure",
        target_id=measure.id,
        actor=actor,
    )


# --- reading ---------------------------------------------------------------------------------


def get_measure(measure_id: int) -> Measure | None:
    return db.session.get(Measure, measure_id)


def is_stale(measure: Measure, today: date | None = None) -> bool:
    """Not updated for :data:`STALE_DAYS` days (and not finished or stopped)."""
    updated = as_utc(measure.updated_at)
    if updated is None or measure.status.key in ("done", "stopped"):
        return False
    today = today or utcnow().date()
    return updated.date() < today - timedelta(days=STALE_DAYS)


def public_history(measure_id: int) -> list[MeasureHistory]:
    """The history of status and progress, oldest first (no names of staff)."""
    return list(
        db.session.scalars(
            select(MeasureHistory)
            .where(
                MeasureHistory.measure_id == measure_id,
                MeasureHistory.field.in_(PUBLIC_HISTORY_FIELDS),
            )
            .order_by(MeasureHistory.created_at, MeasureHistory.id)
        )
    )


def history(measure_id: int) -> list[MeasureHistory]:
    return list(
        db.session.scalars(
            select(MeasureHistory)
            .where(MeasureHistory.measure_id == measure_id)
            .order_by(MeasureHistory.created_at.desc(), MeasureHistory.id.desc())
        )
    )


def history_count(measure_id: int) -> int:
    return db.session.scalar(
        select(func.count(MeasureHistory.id)).where(MeasureHistory.measure_id == measure_id)
    )
