"""Importing indicator values: parse a CSV or XLSX file, validate it against the districts, the
catalogue and the stored values (a pending batch), apply it, roll it back.

Services flush, never commit; the route or CLI command commits once.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..core.audit import record
from ..core.numbers import YEAR_MAX, YEAR_MIN, NumberError, parse_int
from ..core.time import utcnow
from ..districts.models import District
from ..extensions import db
from .catalogue import IndicatorError, list_indicators
from .models import ImportBatch, Indicator, IndicatorValue, IndicatorValueChange
from .social_index import parse_number
from .values import all_districts

MAX_IMPORT_ROWS = 100_000
_HEADER_ALIASES = {
    "district": {"district", "district_number", "ortsteil", "ortsteil_nr", "ortsteilnummer", "nr"},
    "indicator": {"indicator", "code", "indikator", "indicator_code"},
    "year": {"year", "jahr"},
    "value": {"value", "wert"},
    "numerator": {"numerator", "zaehler", "zähler"},
    "denominator": {"denominator", "nenner"},
}
_IGNORED_WIDE = {"name", "district_name", "ortsteilname", "ortsteil_name"}
#: Problem kinds that make a row invalid; "changed" is a warning that needs confirmation.
ERROR_KINDS = (
    "unknown_district",
    "unknown_indicator",
    "bad_year",
    "not_a_number",
    "missing_value",
    "out_of_range",
    "duplicate",
)


class ImportFileError(ValueError):
    """The file cannot be read at all (type, encoding, header); nothing is validated."""


def read_table(filename: str, data: bytes) -> list[list[Any]]:
    """Return the rows (header first) of a CSV (``,`` or ``;``, UTF-8 with or without BOM) or
    of the first sheet of an XLSX file."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx" or (not suffix and data[:2] == b"PK"):
        return _read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return _read_csv(data)
    raise ImportFileError(
        str(
            _l("Please upload a CSV file (.csv) or an Excel file (.xlsx). Other files are refused.")
        )
    )


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            str(_l("The CSV file is not in UTF-8. Please save it as “CSV UTF-8” and try again."))
        ) from None
    if "\x00" in text:
        raise ImportFileError(str(_l("The file contains invalid characters.")))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(data: bytes) -> list[list[Any]]:
    # Imported here on purpose: openpyxl takes about 0.3 s to import and only XLSX uploads
    # need it, so every other process start (app servers, CLI, tests) is spared the cost.

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if cell is None else cell for cell in row])
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
        workbook.close()
    except Exception:  # noqa: BLE001 - any broken workbook is the user's file, not our bug
        raise ImportFileError(str(_l("The Excel file cannot be read."))) from None
    return rows


def _cell_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _whole(text: str, low: int, high: int) -> int | None:
    """The whole number in a cell's text within [low, high], else ``None`` (a row problem)."""
    try:
        return parse_int(text, low=low, high=high)
    except NumberError:
        return None


def _number(cell: Any) -> float | None:
    """Number of a cell; None when empty; ValueError when not a number."""
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, (int, float)):
        if math.isnan(cell) or math.isinf(cell):
            raise ValueError(cell)
        return float(cell)
    return parse_number(str(cell))


def _column_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        key = name.strip().lower()
        for role, aliases in _HEADER_ALIASES.items():
            if key in aliases and role not in found:
                found[role] = index
    return found


@dataclass
class Validation:
    layout: str
    rows: list[list[Any]] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)


def validate_table(table: list[list[Any]]) -> Validation:
    """Check every row against the districts and the catalogue and against stored values.

    Row numbers are those of the file (header = row 1). Valid rows are returned normalised as
    ``[row, district number, code, year, value, numerator, denominator, state]`` with state
    ``new``, ``changed`` or ``unchanged``; problems as dicts (``row``, ``kind``, ``column``,
    ``text``, ``detail``).
    """
    table = [row for row in table if any(_cell_text(c) for c in row)] if table else []
    if not table:
        raise ImportFileError(str(_l("The file is empty.")))
    if len(table) > MAX_IMPORT_ROWS + 1:
        raise ImportFileError(
            str(_l("The file has more than %(n)s rows. Please split it.", n=MAX_IMPORT_ROWS))
        )
    header = [_cell_text(c) for c in table[0]]
    columns = _column_map(header)
    if "district" not in columns or "year" not in columns:
        raise ImportFileError(
            str(
                _l(
                    "The first row must name the columns: “district” and “year”, and either "
                    "“indicator” and “value” (long form) or one column per indicator code "
                    "(wide form)."
                )
            )
        )
    long_form = "indicator" in columns and "value" in columns
    indicators = {i.code: i for i in list_indicators()}
    districts = all_districts()
    by_number = {d.number: d for d in districts}
    by_name = {d.name: d for d in districts}
    result = Validation("long" if long_form else "wide")
    wide_columns: list[tuple[int, str]] = []
    if not long_form:
        used = {columns["district"], columns["year"]}
        for index, name in enumerate(header):
            if index in used or not name or name.lower() in _IGNORED_WIDE:
                continue
            if name in indicators:
                wide_columns.append((index, name))
            else:
                result.problems.append(
                    {"row": 1, "kind": "unknown_indicator", "column": name, "text": name}
                )
        if not wide_columns:
            raise ImportFileError(str(_l("The file names no known indicator in its first row.")))

    def cell(cells: list[Any], role: str) -> Any:
        index = columns.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    candidates: list[list[Any]] = []
    for row_number, cells in enumerate(table[1:], start=2):
        row_problems: list[dict] = []
        district_text = _cell_text(cell(cells, "district"))
        district = by_name.get(district_text)
        if district is None:
            number = _whole(district_text, 0, 99)
            district = by_number.get(f"{number:02d}") if number is not None else None
        if district is None:
            row_problems.append(
                {"row": row_number, "kind": "unknown_district", "text": district_text}
            )
        year_text = _cell_text(cell(cells, "year"))
        year = _whole(year_text, YEAR_MIN, YEAR_MAX)
        if year is None:
            row_problems.append({"row": row_number, "kind": "bad_year", "text": year_text})
        if long_form:
            code = _cell_text(cell(cells, "indicator"))
            entries = [(code, cell(cells, "value"), "value")]
            if code not in indicators:
                row_problems.append({"row": row_number, "kind": "unknown_indicator", "text": code})
        else:
            entries = [
                (code, cells[index] if index < len(cells) else "", code)
                for index, code in wide_columns
            ]
        numerator = denominator = None
        for role in ("numerator", "denominator"):
            try:
                number = _number(cell(cells, role))
            except ValueError:
                row_problems.append(
                    {
                        "row": row_number,
                        "kind": "not_a_number",
                        "column": header[columns[role]],
                        "text": _cell_text(cell(cells, role)),
                    }
                )
                continue
            if role == "numerator":
                numerator = number
            else:
                denominator = number
        for code, raw, column in entries:
            try:
                value = _number(raw)
            except ValueError:
                row_problems.append(
                    {
                        "row": row_number,
                        "kind": "not_a_number",
                        "column": column,
                        "text": _cell_text(raw),
                    }
                )
                continue
            if value is None:
                if long_form:
                    row_problems.append(
                        {"row": row_number, "kind": "missing_value", "column": column}
                    )
                continue
            indicator = indicators.get(code)
            if indicator is not None and not _in_range(indicator, value):
                row_problems.append(
                    {
                        "row": row_number,
                        "kind": "out_of_range",
                        "column": column,
                        "text": _cell_text(raw),
                        "detail": indicator.unit,
                    }
                )
                continue
            if indicator is not None and district is not None and year is not None:
                candidates.append(
                    [row_number, district.number, code, year, value, numerator, denominator]
                )
        if row_problems:
            result.problems.extend(row_problems)
            # A row with a problem in its district, year or indicator writes nothing at all.
            candidates = [c for c in candidates if c[0] != row_number]
    _classify(candidates, result, indicators, by_number)
    result.problems.sort(key=lambda p: (p["row"], p["kind"]))
    return result


def _in_range(indicator: Indicator, value: float) -> bool:
    if indicator.unit == "percent":
        return 0.0 <= value <= 100.0
    if indicator.unit in ("count", "per_1000"):
        return value >= 0.0
    return True


def _classify(
    candidates: list[list[Any]],
    result: Validation,
    indicators: dict[str, Indicator],
    by_number: dict[str, District],
) -> None:
    """Mark duplicates and compare the rest with the stored values (one query)."""
    seen: dict[tuple, int] = {}
    unique = []
    for candidate in candidates:
        key = (candidate[1], candidate[2], candidate[3])
        if key in seen:
            result.problems.append(
                {
                    "row": candidate[0],
                    "kind": "duplicate",
                    "column": candidate[2],
                    "detail": str(seen[key]),
                }
            )
            continue
        seen[key] = candidate[0]
        unique.append(candidate)
    invalid_rows = {p["row"] for p in result.problems if p["kind"] in ERROR_KINDS}
    unique = [c for c in unique if c[0] not in invalid_rows]
    stored = _stored_for({c[2] for c in unique}, {c[3] for c in unique}, indicators)
    for candidate in unique:
        district_id = by_number[candidate[1]].id
        current = stored.get((indicators[candidate[2]].id, district_id, candidate[3]))
        if current is None:
            state = "new"
        elif _same(current, candidate[4], candidate[5], candidate[6]):
            state = "unchanged"
        else:
            state = "changed"
            result.problems.append(
                {
                    "row": candidate[0],
                    "kind": "changed",
                    "column": candidate[2],
                    "text": repr_number(candidate[4]),
                    "detail": repr_number(current.value),
                }
            )
        result.rows.append([*candidate, state])


def repr_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _same(current: IndicatorValue, value, numerator, denominator) -> bool:
    def equal(a, b) -> bool:
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)

    return (
        equal(current.value, value)
        and equal(current.numerator, numerator)
        and equal(current.denominator, denominator)
    )


def _stored_for(
    codes: set[str], years: set[int], indicators: dict[str, Indicator]
) -> dict[tuple[int, int, int], IndicatorValue]:
    if not codes or not years:
        return {}
    rows = db.session.scalars(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id.in_([indicators[c].id for c in codes]),
            IndicatorValue.year.in_(sorted(years)),
        )
    )
    return {(r.indicator_id, r.district_id, r.year): r for r in rows}


def create_pending_batch(actor: Any, filename: str, data: bytes, stated_source: str) -> ImportBatch:
    """Parse and validate an upload and keep it server-side as a pending batch (nothing else is
    written). Raises :class:`ImportFileError` when the file cannot be read."""
    maximum = current_app.config.get("INDICATOR_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
    if len(data) > maximum:
        raise ImportFileError(
            str(_l("The file is too large (at most %(mb)s MB).", mb=maximum // (1024 * 1024)))
        )
    validation = validate_table(read_table(filename, data))
    batch = ImportBatch(
        created_by_id=getattr(actor, "id", None),
        filename=PurePath(filename or "").name[:255],
        stated_source=stated_source[:255],
        layout=validation.layout,
        status="pending",
        rows=validation.rows,
        problems=validation.problems,
    )
    _count(batch)
    db.session.add(batch)
    db.session.flush()
    return batch


def _count(batch: ImportBatch) -> None:
    states = [row[7] for row in batch.rows or []]
    batch.new_count = states.count("new")
    batch.changed_count = states.count("changed")
    batch.unchanged_count = states.count("unchanged")
    batch.skipped_count = len({p["row"] for p in batch.problems or [] if p["kind"] in ERROR_KINDS})


def batch_errors(batch: ImportBatch) -> list[dict]:
    return [p for p in batch.problems or [] if p["kind"] in ERROR_KINDS]


def batch_changes(batch: ImportBatch) -> list[dict]:
    return [p for p in batch.problems or [] if p["kind"] == "changed"]


def incomplete_years(batch: ImportBatch) -> list[dict]:
    """The (indicator, year) pairs of the batch that have values for fewer districts than a
    complete year once the batch is written (stored values and the batch together; one query).
    Each is ``{"code", "year", "districts", "expected"}``; such a year is not the default year
    of the map and gets no plain city average."""
    wanted: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for row in batch.rows or []:
        wanted[row[2]].add((row[3], row[1]))
    if not wanted:
        return []
    indicators = {
        i.code: i for i in db.session.scalars(select(Indicator).where(Indicator.code.in_(wanted)))
    }
    by_id = {i.id: code for code, i in indicators.items()}
    covered: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for indicator_id, year, number in db.session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.year, District.number)
        .join(District, District.id == IndicatorValue.district_id)
        .where(IndicatorValue.indicator_id.in_(list(by_id)))
    ):
        covered[by_id[indicator_id]][year].add(number)
    for code, pairs in wanted.items():
        for year, number in pairs:
            covered[code][year].add(number)
    result = []
    for code in sorted(wanted):
        years = covered[code]
        expected = max(len(numbers) for numbers in years.values())
        for year in sorted({year for year, _number in wanted[code]}):
            if len(years[year]) < expected:
                result.append(
                    {
                        "code": code,
                        "year": year,
                        "districts": len(years[year]),
                        "expected": expected,
                    }
                )
    return result


def apply_batch(
    actor: Any, batch: ImportBatch, *, skip_invalid: bool = False, overwrite: bool = False
) -> ImportBatch:
    """Write a pending batch. Refused while invalid rows exist (unless ``skip_invalid``) or
    stored values would change (unless ``overwrite``). Values equal to stored ones are left
    alone, so re-importing a file changes nothing."""
    # Claim the batch atomically: the row lock makes a second, simultaneous confirmation wait
    # and then find the batch no longer pending (the object it holds may be stale).
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == "pending")
        .values(status="pending")
        .execution_options(synchronize_session=False)
    ).rowcount
    if batch.status != "pending" or not claimed:
        raise IndicatorError(str(_l("This import has already been processed.")))
    if batch_errors(batch) and not skip_invalid:
        raise IndicatorError(
            str(
                _l(
                    "The file has invalid rows. Correct the file and upload it again, "
                    "or confirm that the invalid rows are skipped."
                )
            )
        )
    indicators = {i.code: i for i in list_indicators()}
    by_number = {d.number: d for d in all_districts()}
    rows = [r for r in batch.rows or [] if r[2] in indicators and r[1] in by_number]
    stored = _stored_for({r[2] for r in rows}, {r[3] for r in rows}, indicators)
    plan = []
    for _row, number, code, year, value, numerator, denominator, _state in rows:
        key = (indicators[code].id, by_number[number].id, year)
        current = stored.get(key)
        if current is not None and _same(current, value, numerator, denominator):
            continue
        plan.append((key, current, value, numerator, denominator))
    if any(current is not None for _, current, *_ in plan) and not overwrite:
        raise IndicatorError(
            str(
                _l(
                    "Some values differ from the values already stored. Please confirm that "
                    "they are overwritten."
                )
            )
        )
    new = changed = 0
    for (indicator_id, district_id, year), current, value, numerator, denominator in plan:
        db.session.add(
            IndicatorValueChange(
                batch_id=batch.id,
                indicator_id=indicator_id,
                district_id=district_id,
                year=year,
                old_value=current.value if current else None,
                old_numerator=current.numerator if current else None,
                old_denominator=current.denominator if current else None,
                old_batch_id=current.batch_id if current else None,
            )
        )
        if current is None:
            new += 1
            db.session.add(
                IndicatorValue(
                    indicator_id=indicator_id,
                    district_id=district_id,
                    year=year,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    batch_id=batch.id,
                )
            )
        else:
            changed += 1
            current.value, current.numerator, current.denominator = value, numerator, denominator
            current.batch_id = batch.id
    batch.status = "applied"
    batch.applied_at = utcnow()
    batch.rows = None  # the value changes now record what the batch wrote
    batch.new_count, batch.changed_count = new, changed
    batch.unchanged_count = len(rows) - new - changed
    db.session.flush()
    record(
        actor,
        "indicators.import_applied",
        "indicator_import",
        batch.id,
        after={"new": new, "changed": changed, "skipped": batch.skipped_count},
    )
    return batch


def discard_batch(actor: Any, batch: ImportBatch) -> None:
    if batch.status != "pending":
        raise IndicatorError(str(_l("This import has already been processed.")))
    batch.status = "discarded"
    batch.rows = None
    db.session.flush()


def rollback_batch(actor: Any, batch: ImportBatch) -> int:
    """Restore the values a batch overwrote (and remove those it added). Refused when a later
    batch has changed one of its values: roll that one back first."""
    if batch.status != "applied":
        raise IndicatorError(str(_l("Only an applied import can be rolled back.")))
    changes = list(
        db.session.scalars(
            select(IndicatorValueChange)
            .where(IndicatorValueChange.batch_id == batch.id)
            .order_by(IndicatorValueChange.id)
        )
    )
    current = {}
    if changes:
        indicator_ids = sorted({c.indicator_id for c in changes})
        years = sorted({c.year for c in changes})
        for value in db.session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id.in_(indicator_ids), IndicatorValue.year.in_(years)
            )
        ):
            current[value.indicator_id, value.district_id, value.year] = value
    later = {
        value.batch_id
        for change in changes
        if (value := current.get((change.indicator_id, change.district_id, change.year)))
        is not None
        and value.batch_id != batch.id
    }
    if later:
        raise IndicatorError(
            str(
                _l(
                    "A later import (no. %(ids)s) has changed values of this import. "
                    "Roll that one back first.",
                    ids=", ".join(str(i) for i in sorted(x for x in later if x is not None)),
                )
            )
        )
    for change in changes:
        value = current.get((change.indicator_id, change.district_id, change.year))
        if change.old_value is None:
            if value is not None:
                db.session.delete(value)
        elif value is not None:
            value.value = change.old_value
            value.numerator = change.old_numerator
            value.denominator = change.old_denominator
            value.batch_id = change.old_batch_id
    batch.status = "rolled_back"
    batch.rolled_back_at = utcnow()
    batch.rolled_back_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        actor,
        "indicators.import_rolled_back",
        "indicator_import",
        batch.id,
        after={"values": len(changes)},
    )
    return len(changes)


def list_batches(limit: int = 50) -> list[ImportBatch]:
    return list(
        db.session.scalars(
            select(ImportBatch)
            .options(selectinload(ImportBatch.created_by))
            .where(ImportBatch.status != "discarded")
            .order_by(ImportBatch.id.desc())
            .limit(limit)
        )
    )
