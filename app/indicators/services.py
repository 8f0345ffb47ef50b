"""Indicator services: catalogue, values, import with validation, social index, maps, profile.

Services flush, never commit; the route or CLI command commits once.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from ..core.audit import record
from ..core.time import utcnow
from ..districts.models import District
from ..districts.services import districts_geojson
from ..extensions import db
from . import demo_series, registry
from .models import (
    SYNTHETIC_SOURCE,
    ImportBatch,
    IndexDefinition,
    Indicator,
    IndicatorLink,
    IndicatorValue,
    IndicatorValueChange,
)
from .social_index import (
    DYNAMIC_CLASSES,
    STATUS_CLASSES,
    IndexResult,
    compute_index,
    parse_number,
)

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

#: Colours of the five value classes of the indicator map (light to dark).
VALUE_COLOURS = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
#: Colours of the status classes 1-4 and of districts without an index.
STATUS_COLOURS = {1: "#e5f5e0", 2: "#fff7bc", 3: "#fd8d3c", 4: "#a50f15", None: "#bdbdbd"}
DYNAMIC_COLOURS = {1: "#e5f5e0", 2: "#fff7bc", 3: "#a50f15", None: "#bdbdbd"}


class IndicatorError(ValueError):
    """A request the services refuse; the message is shown to the user."""


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def all_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.number)))


def years_with_values(indicator: Indicator) -> list[int]:
    years = db.session.scalars(
        select(IndicatorValue.year)
        .where(IndicatorValue.indicator_id == indicator.id)
        .distinct()
        .order_by(IndicatorValue.year)
    )
    return list(years)


def _values_by_district(indicator_id: int, year: int) -> dict[int, IndicatorValue]:
    rows = db.session.scalars(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator_id, IndicatorValue.year == year
        )
    )
    return {row.district_id: row for row in rows}


def _population(year: int) -> dict[int, float]:
    """Inhabitants per district id in ``year`` (empty without an inhabitants indicator)."""
    rows = db.session.execute(
        select(IndicatorValue.district_id, IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code == POPULATION_CODE, IndicatorValue.year == year)
    )
    return dict(rows.all())


def city_average(indicator: Indicator, values: dict[int, float], population: dict[int, float]):
    """Average over the districts: weighted by inhabitants for rates, plain mean otherwise."""
    if not values:
        return None
    if indicator.unit in RATE_UNITS and population:
        pairs = [(v, population[d]) for d, v in values.items() if population.get(d)]
        weight = math.fsum(p for _, p in pairs)
        if weight > 0:
            return math.fsum(v * p for v, p in pairs) / weight
    return math.fsum(values.values()) / len(values)


def ranks(values: dict[Any, float]) -> dict[Any, int]:
    """Rank 1 = highest value; ties share the lowest rank."""
    ordered = sorted(values.values(), reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: first[value] for key, value in values.items()}


def class_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """Upper bounds of quantile classes (the last is the maximum); duplicates removed."""
    if not values:
        return []
    ordered = sorted(values)
    n = len(ordered)
    breaks = []
    for k in range(1, classes + 1):
        value = ordered[min(n - 1, math.ceil(k * n / classes) - 1)]
        if not breaks or value > breaks[-1]:
            breaks.append(value)
    return breaks


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    if value is None:
        return None
    for index, upper in enumerate(breaks):
        if value <= upper:
            return index
    return len(breaks) - 1


@dataclass
class MapRow:
    number: str
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    rank: int | None
    class_index: int | None
    batch_id: int | None = None


@dataclass
class IndicatorMap:
    indicator: Indicator
    year: int | None
    years: list[int]
    rows: list[MapRow]
    breaks: list[float]
    average: float | None

    @property
    def legend(self) -> list[tuple[str, float | None, float]]:
        """(colour, lower bound exclusive or None, upper bound inclusive) per class."""
        colours = palette(len(self.breaks))
        lower: float | None = None
        result = []
        for colour, upper in zip(colours, self.breaks, strict=True):
            result.append((colour, lower, upper))
            lower = upper
        return result


def palette(n: int) -> tuple[str, ...]:
    if n <= 0:
        return ()
    if n >= len(VALUE_COLOURS):
        return VALUE_COLOURS
    step = (len(VALUE_COLOURS) - 1) / max(n - 1, 1)
    return tuple(VALUE_COLOURS[round(i * step)] for i in range(n))


def indicator_map(indicator: Indicator, year: int | None) -> IndicatorMap:
    """Values of all districts for one indicator and year, with ranks and quantile classes."""
    years = years_with_values(indicator)
    if year is None or year not in years:
        year = years[-1] if years else None
    districts = db.session.execute(
        select(District.id, District.number, District.name).order_by(District.number)
    ).all()
    stored = _values_by_district(indicator.id, year) if year is not None else {}
    values = {d: v.value for d, v in stored.items()}
    rank_of = ranks(values)
    breaks = class_breaks(list(values.values()))
    rows = []
    for district_id, number, name in districts:
        item = stored.get(district_id)
        rows.append(
            MapRow(
                number,
                name,
                item.value if item else None,
                item.numerator if item else None,
                item.denominator if item else None,
                rank_of.get(district_id),
                class_of(item.value if item else None, breaks),
                item.batch_id if item else None,
            )
        )
    population = _population(year) if year is not None and indicator.unit in RATE_UNITS else {}
    average = city_average(indicator, values, population)
    return IndicatorMap(indicator, year, years, rows, breaks, average)


# --------------------------------------------------------------------------------------------
# GeoJSON joined to the district shapes
# --------------------------------------------------------------------------------------------

_SHAPES_KEY = "indicators.shapes"


def _district_shapes() -> dict[str, str]:
    """District number -> geometry as a JSON string, parsed once per process from the browser
    GeoJSON of the districts domain."""

    source = districts_geojson()
    cached = current_app.extensions.get(_SHAPES_KEY)
    if cached is None or cached[0] is not source:
        features = json.loads(source)["features"]
        shapes = {
            f["properties"]["number"]: json.dumps(f["geometry"], separators=(",", ":"))
            for f in features
        }
        cached = current_app.extensions[_SHAPES_KEY] = (source, shapes)
    return cached[1]


def feature_collection(features: Iterable[tuple[str, dict]], extra: dict | None = None) -> str:
    """A FeatureCollection of the given (district number, properties) joined to the shapes."""
    shapes = _district_shapes()
    parts = [
        '{"type":"Feature","properties":'
        + json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
        + ',"geometry":'
        + shapes[number]
        + "}"
        for number, properties in features
        if number in shapes
    ]
    head = '{"type":"FeatureCollection",'
    if extra:
        head += json.dumps(extra, ensure_ascii=False, separators=(",", ":"))[1:-1] + ","
    return head + '"features":[' + ",".join(parts) + "]}"


# --------------------------------------------------------------------------------------------
# Import: parse, validate (pending batch), apply, roll back
# --------------------------------------------------------------------------------------------

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
        if district is None and district_text.isdigit():
            district = by_number.get(f"{int(district_text):02d}")
        if district is None:
            row_problems.append(
                {"row": row_number, "kind": "unknown_district", "text": district_text}
            )
        year_text = _cell_text(cell(cells, "year"))
        year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2100 else None
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


# --------------------------------------------------------------------------------------------
# Synthetic demo data
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Social index
# --------------------------------------------------------------------------------------------


def active_definition() -> IndexDefinition | None:
    return db.session.scalar(
        select(IndexDefinition).where(IndexDefinition.active.is_(True)).order_by(IndexDefinition.id)
    )


@dataclass
class SocialIndex:
    definition: IndexDefinition
    year: int | None
    years: list[int]
    result: IndexResult | None
    indicators: dict[str, Indicator]
    districts: list[tuple[int, str, str]]  # id, number, name
    synthetic: bool

    @property
    def by_number(self):
        return self.result.by_id() if self.result else {}

    @property
    def left_out(self) -> dict[str, str]:
        return {item.id: item.reason for item in self.result.left_out} if self.result else {}


def index_years(definition: IndexDefinition) -> list[int]:
    codes = list(definition.status_codes or [])
    if not codes:
        return []
    rows = db.session.execute(
        select(Indicator.code, IndicatorValue.year)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code.in_(codes))
        .distinct()
    )
    years_by_code: dict[str, set[int]] = defaultdict(set)
    for code, year in rows:
        years_by_code[code].add(year)
    common = set.intersection(*(years_by_code.get(c, set()) for c in codes))
    return sorted(common)


def social_index(definition: IndexDefinition, year: int | None = None) -> SocialIndex:
    """Compute the index of ``definition`` for ``year`` (default: the latest) from stored values.

    Dynamics use the change over ``change_years`` years, computed from the stored values; an
    indicator whose unit is :data:`CHANGE_UNIT` already holds changes and is taken as given.
    Dynamics are left out for a year whose earlier year has no values at all.
    """
    years = index_years(definition)
    if year is None or year not in years:
        year = years[-1] if years else None
    status = tuple(definition.status_codes or ())
    dynamic = tuple(definition.dynamic_codes or ())
    codes = sorted({*status, *dynamic, POPULATION_CODE})
    indicators = {
        i.code: i for i in db.session.scalars(select(Indicator).where(Indicator.code.in_(codes)))
    }
    districts = list(
        db.session.execute(
            select(District.id, District.number, District.name).order_by(District.number)
        )
    )
    if year is None or not status or any(code not in indicators for code in status + dynamic):
        return SocialIndex(definition, year, years, None, indicators, districts, False)
    earlier = year - definition.change_years
    rows = db.session.execute(
        select(
            Indicator.code, IndicatorValue.district_id, IndicatorValue.year, IndicatorValue.value
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code.in_(codes), IndicatorValue.year.in_([year, earlier]))
    )
    values: dict[tuple[str, int, int], float] = {}
    for code, district_id, value_year, value in rows:
        values[code, district_id, value_year] = value
    given = {code for code in dynamic if indicators[code].unit == CHANGE_UNIT}
    with_dynamic = bool(dynamic) and (
        all(code in given for code in dynamic) or any(key[2] == earlier for key in values)
    )
    area_rows = []
    for district_id, number, _name in districts:
        row: dict[str, object] = {"id": number}
        for code in status:
            row[code] = values.get((code, district_id, year))
        if with_dynamic:
            for code in dynamic:
                if code in given:
                    row["d_" + code] = values.get((code, district_id, year))
                    continue
                now, before = (
                    values.get((code, district_id, year)),
                    values.get((code, district_id, earlier)),
                )
                row["d_" + code] = None if now is None or before is None else now - before
        if POPULATION_CODE in indicators:
            row[POPULATION_CODE] = values.get((POPULATION_CODE, district_id, year))
        area_rows.append(row)
    directions = {code: indicators[code].direction or 1 for code in status}
    if with_dynamic:
        directions.update({"d_" + code: indicators[code].direction or 1 for code in dynamic})
    result = compute_index(
        area_rows,
        id_key="id",
        status=status,
        dynamic=tuple("d_" + c for c in dynamic) if with_dynamic else (),
        population_key=POPULATION_CODE if POPULATION_CODE in indicators else None,
        min_population=definition.min_population,
        excluded=definition.excluded or (),
        directions=directions,
    )
    synthetic = any(indicators[c].synthetic for c in status + dynamic)
    return SocialIndex(definition, year, years, result, indicators, districts, synthetic)


def status_label(number: int | None) -> str:

    if number is None:
        return ""
    german, english = STATUS_CLASSES[number]
    return german if str(get_locale()) == "de" else english


def dynamic_label(number: int | None) -> str:

    if number is None:
        return ""
    german, english = DYNAMIC_CLASSES[number]
    return german if str(get_locale()) == "de" else english


def save_definition(actor: Any, definition: IndexDefinition, data: dict) -> IndexDefinition:
    before = {
        "status": definition.status_codes,
        "dynamic": definition.dynamic_codes,
        "change_years": definition.change_years,
        "min_population": definition.min_population,
        "excluded": definition.excluded,
    }
    definition.name = data["name"]
    definition.status_codes = list(data["status_codes"])
    definition.dynamic_codes = list(data["dynamic_codes"])
    definition.change_years = data["change_years"]
    definition.min_population = data["min_population"]
    definition.excluded = list(data["excluded"])
    db.session.flush()
    record(
        actor,
        "indicators.index_definition_changed",
        "index_definition",
        definition.id,
        before=before,
        after={
            "status": definition.status_codes,
            "dynamic": definition.dynamic_codes,
            "change_years": definition.change_years,
            "min_population": definition.min_population,
            "excluded": definition.excluded,
        },
    )
    return definition


# --------------------------------------------------------------------------------------------
# District profile
# --------------------------------------------------------------------------------------------


@dataclass
class ProfileRow:
    indicator: Indicator
    series: list[tuple[int, float]]
    average: list[tuple[int, float]]
    latest_year: int | None
    latest: float | None
    rank: int | None
    ranked: int
    links: list[dict]
    batch: ImportBatch | None = None  # provenance of the latest value


@dataclass
class Participation:
    kind: str
    label: Any
    available: bool
    count: int | None = None
    per_1000: float | None = None


def district_profile(district: District) -> list[ProfileRow]:
    """Every indicator's series for the district, with the city average and the latest rank
    (two queries for all indicators, plus the links)."""
    indicators = list_indicators()
    rows = db.session.execute(
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.district_id,
            IndicatorValue.year,
            IndicatorValue.value,
            IndicatorValue.batch_id,
        )
    )
    by_indicator: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    own_batches: dict[tuple[int, int], int | None] = {}
    for indicator_id, district_id, year, value, batch_id in rows:
        by_indicator[indicator_id][year][district_id] = value
        if district_id == district.id:
            own_batches[indicator_id, year] = batch_id
    population_indicator = next((i for i in indicators if i.code == POPULATION_CODE), None)
    population = by_indicator.get(population_indicator.id, {}) if population_indicator else {}
    links = links_for_district(district)
    profile: list[ProfileRow] = []
    for indicator in indicators:
        years = by_indicator.get(indicator.id, {})
        series = [(y, years[y][district.id]) for y in sorted(years) if district.id in years[y]]
        average = []
        for year in sorted(years):
            mean = city_average(indicator, years[year], population.get(year, {}))
            if mean is not None:
                average.append((year, mean))
        latest_year = series[-1][0] if series else None
        rank = None
        ranked = 0
        if latest_year is not None:
            rank = ranks(years[latest_year]).get(district.id)
            ranked = len(years[latest_year])
        profile.append(
            ProfileRow(
                indicator,
                series,
                average,
                latest_year,
                series[-1][1] if series else None,
                rank,
                ranked,
                links.get(indicator.id, []),
            )
        )
    latest_batches = {
        row.indicator.id: own_batches.get((row.indicator.id, row.latest_year))
        for row in profile
        if row.latest_year is not None
    }
    wanted = {b for b in latest_batches.values() if b is not None}
    batches = (
        {b.id: b for b in db.session.scalars(select(ImportBatch).where(ImportBatch.id.in_(wanted)))}
        if wanted
        else {}
    )
    for row in profile:
        row.batch = batches.get(latest_batches.get(row.indicator.id))
    return profile


def latest_population(district: District) -> float | None:
    return db.session.scalar(
        select(IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code == POPULATION_CODE, IndicatorValue.district_id == district.id)
        .order_by(IndicatorValue.year.desc())
        .limit(1)
    )


def participation(district: District, population: float | None) -> list[Participation]:
    """Inputs per 1,000 inhabitants for the registered input types; the expected kinds that are
    not registered yet are listed as not available."""
    labels = {
        "proposal": _l("Proposals"),
        "need": _l("Local needs"),
        "barrier": _l("Barrier reports"),
    }
    result = []
    registered = {t.kind: t for t in registry.input_types()}
    kinds = list(registry.EXPECTED_KINDS) + [k for k in registered if k not in labels]
    for kind in kinds:
        input_type = registered.get(kind)
        if input_type is None:
            result.append(Participation(kind, labels[kind], False))
            continue
        count = input_type.counter(None).get(district.id, 0)
        per_1000 = count * 1000.0 / population if population else None
        result.append(Participation(kind, input_type.label, True, count, per_1000))
    return result


# --------------------------------------------------------------------------------------------
# Links between citizen inputs and indicators
# --------------------------------------------------------------------------------------------


def links_for_district(district: District) -> dict[int, list[dict]]:
    """Linked inputs of the district by indicator id: dicts with link, title, url, kind label."""
    links = list(
        db.session.scalars(
            select(IndicatorLink)
            .where(IndicatorLink.district_id == district.id)
            .order_by(IndicatorLink.created_at, IndicatorLink.id)
        )
    )
    by_type: dict[str, list[int]] = defaultdict(list)
    for link in links:
        by_type[link.input_type].append(link.input_id)
    loaded: dict[tuple[str, int], registry.Loaded] = {}
    for kind, ids in by_type.items():
        input_type = registry.get_input_type(kind)
        if input_type is None:
            continue
        for input_id, item in input_type.load_many(ids).items():
            loaded[kind, input_id] = item
    result: dict[int, list[dict]] = defaultdict(list)
    for link in links:
        item = loaded.get((link.input_type, link.input_id))
        if item is None:
            continue
        input_type = registry.get_input_type(link.input_type)
        result[link.indicator_id].append(
            {
                "link": link,
                "title": item[0],
                "url": item[1],
                "label": input_type.label if input_type else link.input_type,
            }
        )
    return result


def create_link(actor: Any, indicator: Indicator, kind: str, input_id: int) -> IndicatorLink:
    input_type = registry.get_input_type(kind)
    if input_type is None:
        raise IndicatorError(str(_l("This kind of input cannot be linked.")))
    item = input_type.loader(input_id)
    if item is None:
        raise IndicatorError(str(_l("There is no such input.")))
    exists = db.session.scalar(
        select(IndicatorLink).where(
            IndicatorLink.indicator_id == indicator.id,
            IndicatorLink.input_type == kind,
            IndicatorLink.input_id == input_id,
        )
    )
    if exists is not None:
        raise IndicatorError(str(_l("This input is already linked to the indicator.")))
    link = IndicatorLink(
        indicator_id=indicator.id,
        input_type=kind,
        input_id=input_id,
        district_id=item[2],
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(link)
    db.session.flush()
    record(
        actor,
        "indicators.linked",
        "indicator_link",
        link.id,
        after={"indicator": indicator.code, "input_type": kind, "input_id": input_id},
    )
    return link


def remove_link(actor: Any, link: IndicatorLink) -> None:
    before = {"indicator_id": link.indicator_id, "input_type": link.input_type}
    before["input_id"] = link.input_id
    link_id = link.id
    db.session.execute(delete(IndicatorLink).where(IndicatorLink.id == link_id))
    db.session.flush()
    record(actor, "indicators.unlinked", "indicator_link", link_id, before=before)
