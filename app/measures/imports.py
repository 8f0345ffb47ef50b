"""Importing measures from CSV or XLSX (the back-office upload and ``flask measures import``).

Columns (header row, any order, exactly these names): ``external_id, title, description,
office, districts, status, progress, start, end, budget_planned, budget_spent,
target_indicators, linked_inputs``. Rows are matched by ``external_id``: a known one updates
its measure, an unknown one creates a measure. Every problem is reported with its row number
(the spreadsheet's line, the header is line 1) and nothing is written while there is one.
Importing the same file again changes nothing and writes no history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..indicators.imports import MAX_IMPORT_ROWS, ImportFileError, read_table
from . import parsing
from .models import Measure, MeasureInput, MeasurePlace, Milestone
from .services import (
    MeasureData,
    MeasureError,
    check,
    link_input,
    link_problem,
    save_measure,
    snapshot,
    status_by_name,
)

COLUMNS = (
    "external_id",
    "title",
    "description",
    "office",
    "districts",
    "status",
    "progress",
    "start",
    "end",
    "budget_planned",
    "budget_spent",
    "target_indicators",
    "linked_inputs",
)
REQUIRED = ("external_id", "title", "office", "status")
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Planned:
    row: int
    measure: Measure | None
    data: MeasureData
    inputs: list[tuple[str, int]]


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def import_file(actor: Any, filename: str, data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Validate every row; unless ``dry_run`` and when there is no problem, write them all.
    Flushes, never commits (the caller commits, or rolls back)."""
    report = ImportReport()
    maximum = current_app.config.get("MEASURE_IMPORT_MAX_BYTES", MAX_BYTES)
    if len(data) > maximum:
        report.problems.append(
            Problem(0, "", _("The file is too large (at most %(mb)s MB).", mb=maximum // 2**20))
        )
        return report
    try:
        table = read_table(filename, data)
    except ImportFileError as exc:
        report.problems.append(Problem(0, "", str(exc)))
        return report
    table = [row for row in table if any(_text(c) for c in row)]
    if not table:
        report.problems.append(Problem(1, "", _("The file is empty.")))
        return report
    header = [_text(c).lower() for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing:
        report.problems.append(
            Problem(1, "", _("Missing columns: %(names)s.", names=", ".join(missing)))
        )
    if unknown:
        report.problems.append(
            Problem(1, "", _("Unknown columns: %(names)s.", names=", ".join(unknown)))
        )
    if missing or unknown:
        return report
    if len(table) - 1 > MAX_IMPORT_ROWS:
        report.problems.append(Problem(0, "", _("At most %(n)d rows per file.", n=MAX_IMPORT_ROWS)))
        return report
    index = {name: header.index(name) for name in COLUMNS}
    planned: list[Planned] = []
    seen_ids: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        report.rows += 1
        values = {name: _text(cells[i]) if i < len(cells) else "" for name, i in index.items()}
        raw = {name: cells[i] if i < len(cells) else "" for name, i in index.items()}
        row_problems: list[Problem] = []
        for name in REQUIRED:
            if not values[name]:
                row_problems.append(
                    Problem(number, name, _("The column “%(name)s” is empty.", name=name))
                )
        external_id = values["external_id"]
        if external_id in seen_ids:
            row_problems.append(
                Problem(
                    number,
                    "external_id",
                    _("The external id appears in row %(row)d already.", row=seen_ids[external_id]),
                )
            )
        elif external_id:
            seen_ids[external_id] = number
        if row_problems:
            report.problems.extend(row_problems)
            continue
        item = _plan(actor, number, values, raw, report)
        if item is not None:
            planned.append(item)
    if report.problems or dry_run:
        if not report.problems:
            _count_only(planned, report)
        return report
    for item in planned:
        before = snapshot(item.measure) if item.measure is not None else None
        measure = save_measure(actor, item.measure, item.data)
        if item.measure is None:
            report.created += 1
        elif before != snapshot(measure):
            report.updated += 1
        else:
            report.unchanged += 1
        done = {(link.input_type, link.input_id) for link in _links(measure.id)}
        for kind, input_id in item.inputs:
            if (kind, input_id) not in done:
                link_input(actor, measure, kind, input_id, reason="")
                report.linked += 1
                if item.measure is not None and before == snapshot(measure):
                    report.unchanged -= 1
                    report.updated += 1
    report.written = True
    return report


def _links(measure_id: int) -> list[MeasureInput]:
    return list(
        db.session.scalars(select(MeasureInput).where(MeasureInput.measure_id == measure_id))
    )


def _plan(actor: Any, number: int, values: dict, raw: dict, report: ImportReport) -> Planned | None:
    """The row as :class:`MeasureData` (keeping the fields the file does not have), or
    ``None`` with its problems added to ``report``."""
    problems: list[Problem] = []
    measure = db.session.scalar(select(Measure).where(Measure.external_id == values["external_id"]))

    def attempt(column: str, parse, *args):
        try:
            return parse(*args)
        except MeasureError as exc:
            problems.append(Problem(number, column, exc.message))
            return None

    status = status_by_name(values["status"])
    if status is None:
        problems.append(
            Problem(number, "status", _("Unknown status “%(value)s”.", value=values["status"]))
        )
    office_ids = attempt("office", parsing.parse_offices, values["office"]) or []
    district_ids = attempt("districts", parsing.parse_districts, values["districts"]) or []
    progress = attempt("progress", parsing.parse_progress, raw["progress"])
    start = attempt("start", parsing.parse_date, raw["start"], "start")
    end = attempt("end", parsing.parse_date, raw["end"], "end")
    budget_planned = attempt(
        "budget_planned", parsing.parse_money, raw["budget_planned"], "budget_planned"
    )
    budget_spent = attempt("budget_spent", parsing.parse_money, raw["budget_spent"], "budget_spent")
    targets = attempt("target_indicators", parsing.parse_indicators, values["target_indicators"])
    inputs = attempt("linked_inputs", parsing.parse_inputs, values["linked_inputs"]) or []
    if problems:
        report.problems.extend(problems)
        return None
    if measure is not None and progress is None and status is measure.status:
        progress = measure.progress  # unchanged status, no progress: keep it
    data = MeasureData(
        title=values["title"],
        status_key=status.key,
        description_de=values["description"],
        description_en=measure.description_en if measure is not None else "",
        city_wide=measure.city_wide if measure is not None else not district_ids,
        progress=progress,
        planned_start=start,
        planned_end=end,
        actual_start=measure.actual_start if measure is not None else None,
        actual_end=measure.actual_end if measure is not None else None,
        budget_planned=budget_planned,
        budget_spent=budget_spent,
        parent_id=measure.parent_id if measure is not None else None,
        qualitative_assessment=measure.qualitative_assessment if measure is not None else "",
        external_id=values["external_id"],
        office_ids=office_ids,
        district_ids=district_ids,
        places=_kept_places(measure),
        milestones=_kept_milestones(measure),
        indicators=targets or [],
    )
    if measure is not None and data.places:
        # the places' districts were added to the measure's districts when saved
        data.district_ids = sorted(set(district_ids) | _place_districts(measure))
    for problem in check(actor, measure, data):
        column = _COLUMN_OF.get(problem.field or "", problem.field or "")
        problems.append(Problem(number, column, problem.message))
    for kind, input_id in inputs:
        message = link_problem(measure, kind, input_id)
        if message and not _linked_already(measure, kind, input_id):
            problems.append(Problem(number, "linked_inputs", message))
    if problems:
        report.problems.extend(problems)
        return None
    return Planned(number, measure, data, inputs)


def _linked_already(measure: Measure | None, kind: str, input_id: int) -> bool:
    """Re-importing a row names its inputs again: that is no problem."""
    if measure is None:
        return False
    return (
        db.session.scalar(
            select(MeasureInput.id).where(
                MeasureInput.measure_id == measure.id,
                MeasureInput.input_type == kind,
                MeasureInput.input_id == input_id,
            )
        )
        is not None
    )


_COLUMN_OF = {
    "offices": "office",
    "planned_end": "end",
    "indicators": "target_indicators",
    "budget_planned": "budget_planned",
    "budget_spent": "budget_spent",
}


def _kept_places(measure: Measure | None) -> list[tuple[float, float, str]]:
    if measure is None:
        return []
    rows = db.session.scalars(
        select(MeasurePlace).where(MeasurePlace.measure_id == measure.id).order_by(MeasurePlace.id)
    )
    return [(p.lat, p.lon, p.label) for p in rows]


def _place_districts(measure: Measure) -> set[int]:
    rows = db.session.scalars(
        select(MeasurePlace.district_id).where(MeasurePlace.measure_id == measure.id)
    )
    return {d for d in rows if d is not None}


def _kept_milestones(measure: Measure | None):
    if measure is None:
        return []
    rows = db.session.scalars(
        select(Milestone).where(Milestone.measure_id == measure.id).order_by(Milestone.day)
    )
    return [(m.title, m.day, m.done) for m in rows]


def _count_only(planned: list[Planned], report: ImportReport) -> None:
    """A dry run's figures: what would be created or updated (without writing)."""
    for item in planned:
        if item.measure is None:
            report.created += 1
        else:
            report.updated += 1
