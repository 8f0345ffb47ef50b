"""Social index after the method of Berlin's "Monitoring Soziale Stadtentwicklung" (MSS).

Pure computation: no database, no app or request context; standard library only, except that
results are written as CSV by the one CSV writer (:mod:`app.core.csv_export`).

Method (as documented for the MSS and verified against the published MSS 2019 table):

1. Select the areas that receive an index: not excluded by hand, at least ``min_population``
   inhabitants, and no missing value in any indicator used (status or dynamics).
2. z-standardise each indicator across the selected areas with the *population* standard
   deviation (ddof = 0): ``z = (x - mean) / sd``.
3. Orient it: multiply by the indicator's direction (+1 when a higher value means more
   disadvantage, -1 when it means less, e.g. transitions to grammar school).
4. Sum the oriented z-values per area (status sum, dynamics sum).
5. Standardise the sum again (population standard deviation): status index, dynamics index.
6. Classify.

Status classes (higher index = more disadvantage)::

    1 high status       index < -1
    2 medium status     -1 <= index <= +1
    3 low status        +1 < index <= +1.5
    4 very low status   index > +1.5

Dynamics classes::

    1 positive   index < -1
    2 stable     -1 <= index <= +1
    3 negative   index > +1

Floating point at the cuts: an index is classified by its value rounded to
:data:`CLASS_DECIMALS` (6) decimals, the precision :func:`write_results_csv` writes. An index
that is mathematically on a cut (e.g. exactly +1 with two areas) but comes out of the arithmetic
as 0.9999999999999998 or 1.0000000000000002 therefore lands in the class the published
definition gives it (the middle class, the cuts are inclusive towards the middle), and a CSV row
never shows ``1.000000`` next to class 3. Real indices are nowhere near that close to a cut for
this to matter otherwise (the closest Berlin 2019 index is 6e-4 away from a cut).

A standard deviation of zero (all selected areas have the same value, or only one area is
selected) does not raise: every z-value of that indicator is 0 and the indicator is listed in
:attr:`IndexResult.zero_sd`. The same holds for the sums. A standard deviation is treated as zero
when it is at most ``1e-12`` times the largest absolute value (for an indicator) or at most
``1e-9`` (for a sum of z-values, which are of order 1) so that floating-point noise is never
blown up into classes.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..core.csv_export import DATA_DELIMITER, write_csv

__all__ = [
    "CLASS_DECIMALS",
    "DYNAMIC_CLASSES",
    "MISSING_TOKENS",
    "REASON_EXCLUDED",
    "REASON_MISSING",
    "REASON_POPULATION",
    "STATUS_CLASSES",
    "AreaResult",
    "IndexResult",
    "IndicatorStats",
    "LeftOut",
    "changes",
    "classify_dynamic",
    "classify_status",
    "compute_index",
    "parse_number",
    "read_csv_rows",
    "write_results_csv",
]

#: Decimals of the index used for classification and written to CSV.
CLASS_DECIMALS = 6

#: Status classes: number -> (German label as published by the MSS, English label).
STATUS_CLASSES: dict[int, tuple[str, str]] = {
    1: ("hoch", "high"),
    2: ("mittel", "medium"),
    3: ("niedrig", "low"),
    4: ("sehr niedrig", "very low"),
}

#: Dynamics classes: number -> (German label as published by the MSS, English label).
DYNAMIC_CLASSES: dict[int, tuple[str, str]] = {
    1: ("positiv", "positive"),
    2: ("stabil", "stable"),
    3: ("negativ", "negative"),
}

#: Reason an area was left out: excluded by hand (e.g. special areas such as parks).
REASON_EXCLUDED = "excluded"
#: Reason an area was left out: fewer inhabitants than ``min_population``.
REASON_POPULATION = "population"
#: Reason an area was left out: a value of an indicator used (or the population) is missing.
REASON_MISSING = "missing value"

# Relative tolerance below which an indicator's standard deviation counts as zero.
_ZERO_SD_RELATIVE = 1e-12
# Absolute tolerance below which the standard deviation of a sum of z-values counts as zero.
_ZERO_SD_SUM = 1e-9

_STATUS_SUM = "status sum"
_DYNAMIC_SUM = "dynamic sum"


@dataclass(frozen=True, slots=True)
class IndicatorStats:
    """Mean and population standard deviation of one indicator (or sum) over the areas used.

    ``direction`` is the orientation applied after standardising (+1 or -1; always +1 for sums).
    ``zero_sd`` is true when the standard deviation counted as zero and all z-values were set to 0.
    """

    mean: float
    sd: float
    n: int
    direction: int = 1
    zero_sd: bool = False


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An area that received no index, with the reason and a human-readable detail."""

    id: str
    reason: str
    detail: str = ""


@dataclass(slots=True)
class AreaResult:
    """Index result of one area.

    ``components`` maps each indicator used (status and dynamics) to ``(value, z)`` where ``z``
    is the *oriented* z-value, i.e. already multiplied by the indicator's direction, so that the
    status sum is the sum of the status components' z-values. The dynamic fields are ``None`` when
    no dynamics indicators were given. ``rank`` 1 is the most disadvantaged area (highest status
    index); tied indices share the lowest rank ("1, 2, 2, 4").
    """

    id: str
    status_sum: float
    status_index: float
    status_class: int
    dynamic_sum: float | None = None
    dynamic_index: float | None = None
    dynamic_class: int | None = None
    components: dict[str, tuple[float, float]] = field(default_factory=dict)
    rank: int = 0
    population: float | None = None


@dataclass(slots=True)
class IndexResult:
    """Result of :func:`compute_index`.

    ``areas`` holds the areas that received an index, in input order. ``left_out`` holds the
    others, in input order, with the reason (:data:`REASON_EXCLUDED`, :data:`REASON_POPULATION`,
    :data:`REASON_MISSING`). ``stats`` holds mean and standard deviation per indicator used;
    ``status_stats`` / ``dynamic_stats`` those of the sums. ``zero_sd`` lists the indicators (and
    ``"status sum"`` / ``"dynamic sum"``) whose standard deviation was zero.
    """

    status: tuple[str, ...]
    dynamic: tuple[str, ...]
    areas: list[AreaResult]
    left_out: list[LeftOut]
    stats: dict[str, IndicatorStats]
    status_stats: IndicatorStats | None
    dynamic_stats: IndicatorStats | None
    zero_sd: list[str]

    @property
    def has_dynamic(self) -> bool:
        """Whether a dynamics index was computed."""
        return bool(self.dynamic)

    def by_id(self) -> dict[str, AreaResult]:
        """Return the included areas keyed by id."""
        return {area.id: area for area in self.areas}

    def left_out_ids(self, reason: str | None = None) -> list[str]:
        """Return the ids of the areas left out, optionally only those left out for ``reason``."""
        return [item.id for item in self.left_out if reason is None or item.reason == reason]


# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------


def _rounded(index: float) -> float:
    if math.isnan(index):
        raise ValueError("cannot classify NaN")
    return round(index, CLASS_DECIMALS)


def classify_status(index: float) -> int:
    """Status class 1-4 of a status index (cuts at -1, +1, +1.5; see module docstring)."""
    value = _rounded(index)
    if value < -1.0:
        return 1
    if value <= 1.0:
        return 2
    if value <= 1.5:
        return 3
    return 4


def classify_dynamic(index: float) -> int:
    """Dynamics class 1-3 of a dynamics index (cuts at -1 and +1; see module docstring)."""
    value = _rounded(index)
    if value < -1.0:
        return 1
    if value <= 1.0:
        return 2
    return 3


# --------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------


def _number(value: object, *, area_id: str, column: str) -> float | None:
    """Convert an input value to float; ``None`` and NaN are missing."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"area {area_id!r}, column {column!r}: got text {value!r}; "
            "parse text with read_csv_rows() or parse_number()"
        )
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise TypeError(f"area {area_id!r}, column {column!r}: not a number: {value!r}") from exc
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError(f"area {area_id!r}, column {column!r}: infinite value")
    return number


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and population standard deviation (ddof = 0), using ``math.fsum``."""
    n = len(values)
    mean = math.fsum(values) / n
    variance = math.fsum((x - mean) * (x - mean) for x in values) / n
    return mean, math.sqrt(variance)


def _standardise(
    values: Sequence[float], *, direction: int, zero_tolerance: float
) -> tuple[list[float], IndicatorStats]:
    """Oriented z-values of ``values`` and their statistics (population SD)."""
    n = len(values)
    mean, sd = _mean_sd(values)
    if sd <= zero_tolerance:
        return [0.0] * n, IndicatorStats(mean, sd, n, direction, zero_sd=True)
    factor = direction / sd
    return [(x - mean) * factor for x in values], IndicatorStats(mean, sd, n, direction)


def _check_columns(status: Sequence[str], dynamic: Sequence[str]) -> None:
    if isinstance(status, str) or isinstance(dynamic, str):
        raise TypeError("status and dynamic must be sequences of column names, not a string")
    if not status:
        raise ValueError("at least one status indicator is needed")
    for name, columns in (("status", status), ("dynamic", dynamic)):
        if len(set(columns)) != len(columns):
            raise ValueError(f"duplicate {name} indicator in {list(columns)!r}")
    both = set(status) & set(dynamic)
    if both:
        raise ValueError(f"indicator(s) used for both status and dynamics: {sorted(both)!r}")


def _directions(columns: Iterable[str], directions: Mapping[str, int] | None) -> dict[str, int]:
    result: dict[str, int] = {}
    for column in columns:
        direction = 1 if directions is None else directions.get(column, 1)
        if direction not in (1, -1):
            raise ValueError(f"direction of {column!r} must be +1 or -1, got {direction!r}")
        result[column] = int(direction)
    return result


def _index(
    columns: Sequence[str],
    values: Mapping[str, list[float]],
    directions: Mapping[str, int],
    stats: dict[str, IndicatorStats],
    zero_sd: list[str],
    sum_name: str,
) -> tuple[dict[str, list[float]], list[float], list[float], IndicatorStats]:
    """Oriented z-values per column, sums, standardised sums and the sums' statistics."""
    n = len(next(iter(values.values())))
    z_by_column: dict[str, list[float]] = {}
    for column in columns:
        column_values = values[column]
        largest = max(abs(v) for v in column_values)
        z, column_stats = _standardise(
            column_values,
            direction=directions[column],
            zero_tolerance=_ZERO_SD_RELATIVE * largest,
        )
        z_by_column[column] = z
        stats[column] = column_stats
        if column_stats.zero_sd:
            zero_sd.append(column)
    columns_z = [z_by_column[column] for column in columns]
    sums = [math.fsum(z[i] for z in columns_z) for i in range(n)]
    index, sum_stats = _standardise(sums, direction=1, zero_tolerance=_ZERO_SD_SUM)
    if sum_stats.zero_sd:
        zero_sd.append(sum_name)
    return z_by_column, sums, index, sum_stats


def compute_index(
    rows: Sequence[Mapping[str, object]],
    *,
    id_key: str,
    status: Sequence[str],
    dynamic: Sequence[str] = (),
    population_key: str | None = None,
    min_population: float = 300,
    excluded: Collection[str] = (),
    directions: Mapping[str, int] | None = None,
) -> IndexResult:
    """Compute the status (and optionally dynamics) index of areas after the MSS method.

    :param rows: one mapping per area; indicator values are numbers, ``None`` or NaN (missing).
    :param id_key: key of the area id (converted with ``str``; ids must be unique).
    :param status: status indicator columns (at least one, any number).
    :param dynamic: dynamics indicator columns (changes, see :func:`changes`); may be empty.
    :param population_key: inhabitants column; when given, areas with fewer than
        ``min_population`` inhabitants are left out (reason ``"population"``), and a missing
        population counts as a missing value.
    :param min_population: minimum number of inhabitants (inclusive).
    :param excluded: ids left out by hand (reason ``"excluded"``), e.g. special areas.
    :param directions: column -> +1 (higher = more disadvantage, default) or -1 (higher = less).
        Keys for columns not used are ignored.
    :returns: the :class:`IndexResult`. An area's reason is the first that applies, in the order
        excluded, population, missing value.
    :raises ValueError: no status indicator, duplicate columns or ids, a direction other than
        +/-1, a missing column, or an infinite value.
    :raises TypeError: a value that is not a number (text must be parsed first).
    """
    status = tuple(status)
    dynamic = tuple(dynamic)
    _check_columns(status, dynamic)
    columns = status + dynamic
    orient = _directions(columns, directions)
    excluded_ids = {str(item) for item in excluded}

    included_ids: list[str] = []
    populations: list[float | None] = []
    values: dict[str, list[float]] = {column: [] for column in columns}
    left_out: list[LeftOut] = []
    seen: set[str] = set()

    for position, row in enumerate(rows):
        if id_key not in row:
            raise ValueError(f"row {position}: no id column {id_key!r}")
        area_id = str(row[id_key])
        if area_id in seen:
            raise ValueError(f"duplicate area id {area_id!r}")
        seen.add(area_id)
        missing_columns = [c for c in columns if c not in row]
        if population_key is not None and population_key not in row:
            missing_columns.append(population_key)
        if missing_columns:
            raise ValueError(f"area {area_id!r}: no column(s) {missing_columns!r}")

        if area_id in excluded_ids:
            left_out.append(LeftOut(area_id, REASON_EXCLUDED, "excluded by hand"))
            continue
        population: float | None = None
        if population_key is not None:
            population = _number(row[population_key], area_id=area_id, column=population_key)
            if population is not None and population < min_population:
                left_out.append(
                    LeftOut(
                        area_id,
                        REASON_POPULATION,
                        f"{population:g} inhabitants < {min_population:g}",
                    )
                )
                continue
        row_values = {c: _number(row[c], area_id=area_id, column=c) for c in columns}
        missing = [c for c, v in row_values.items() if v is None]
        if population_key is not None and population is None:
            missing.insert(0, population_key)
        if missing:
            left_out.append(LeftOut(area_id, REASON_MISSING, ", ".join(missing)))
            continue

        included_ids.append(area_id)
        populations.append(population)
        for column in columns:
            values[column].append(row_values[column])  # type: ignore[arg-type]

    stats: dict[str, IndicatorStats] = {}
    zero_sd: list[str] = []
    if not included_ids:
        return IndexResult(status, dynamic, [], left_out, stats, None, None, zero_sd)

    status_z, status_sums, status_index, status_stats = _index(
        status, values, orient, stats, zero_sd, _STATUS_SUM
    )
    dynamic_z: dict[str, list[float]] = {}
    dynamic_sums: list[float] = []
    dynamic_index: list[float] = []
    dynamic_stats: IndicatorStats | None = None
    if dynamic:
        dynamic_z, dynamic_sums, dynamic_index, dynamic_stats = _index(
            dynamic, values, orient, stats, zero_sd, _DYNAMIC_SUM
        )

    # Competition ranking on the status index: 1 = highest index (most disadvantaged).
    order = sorted(range(len(included_ids)), key=lambda i: status_index[i], reverse=True)
    ranks = [0] * len(included_ids)
    for position, i in enumerate(order):
        if position and status_index[i] == status_index[order[position - 1]]:
            ranks[i] = ranks[order[position - 1]]
        else:
            ranks[i] = position + 1

    z_all = {**status_z, **dynamic_z}
    areas: list[AreaResult] = []
    for i, area_id in enumerate(included_ids):
        area = AreaResult(
            id=area_id,
            status_sum=status_sums[i],
            status_index=status_index[i],
            status_class=classify_status(status_index[i]),
            components={c: (values[c][i], z_all[c][i]) for c in columns},
            rank=ranks[i],
            population=populations[i],
        )
        if dynamic:
            area.dynamic_sum = dynamic_sums[i]
            area.dynamic_index = dynamic_index[i]
            area.dynamic_class = classify_dynamic(dynamic_index[i])
        areas.append(area)

    return IndexResult(
        status, dynamic, areas, left_out, stats, status_stats, dynamic_stats, zero_sd
    )


def changes(
    series_by_year: Mapping[int, float | None], years: int, until_year: int
) -> float | None:
    """Change of a series over ``years`` years: ``value[until_year] - value[until_year - years]``.

    Used to build dynamics indicators when the changes are not given directly (the MSS uses the
    change over two years, in percentage points). Returns ``None`` when either value is missing
    (absent, ``None`` or NaN).
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years!r}")
    end = series_by_year.get(until_year)
    start = series_by_year.get(until_year - years)
    if end is None or start is None or math.isnan(end) or math.isnan(start):
        return None
    return end - start


# --------------------------------------------------------------------------------------------
# CSV input / output
# --------------------------------------------------------------------------------------------

#: Cell texts read as a missing value (case-insensitive). German official statistics use "."
#: for "unknown or confidential" and "x" for "not meaningful".
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", ".", "x"})

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")


def parse_number(text: str) -> float | None:
    """Parse a number from a CSV cell; accepts a decimal point or a decimal comma.

    Empty cells and :data:`MISSING_TOKENS` give ``None``. Spaces (also non-breaking) and
    apostrophes are ignored, a Unicode minus sign is accepted. With both "." and "," present the
    one that comes last is the decimal separator and the other a thousands separator
    ("1.234,5" and "1,234.5" are both 1234.5). A single "," or "." is a decimal separator
    ("2,5" is 2.5); the same sign repeated is a thousands separator ("1.234.567").

    :raises ValueError: the text is not a number, or is infinite.
    """
    raw = text
    text = text.strip().translate(_SPACES).replace("\u2212", "-")
    if text.lower() in MISSING_TOKENS:
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError(f"not a finite number: {raw!r}")
    return number


def _read_text(path_or_file: str | os.PathLike[str] | IO[str] | IO[bytes]) -> str:
    if isinstance(path_or_file, (str, os.PathLike)):
        return Path(path_or_file).read_text(encoding="utf-8-sig")
    data = path_or_file.read()
    if isinstance(data, bytes):
        return data.decode("utf-8-sig")
    return data.removeprefix("\ufeff")


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_rows(
    path_or_file: str | os.PathLike[str] | IO[str] | IO[bytes],
    columns: Collection[str],
    *,
    delimiter: str | None = None,
) -> list[dict[str, object]]:
    """Read a CSV file into one dict per row, parsing ``columns`` as numbers.

    The listed ``columns`` are parsed with :func:`parse_number` (float or ``None``); all other
    columns stay text (so ids such as ``"01011101"`` keep their leading zeros). The delimiter is
    detected from the header line ("," ";" or tab) unless given; a UTF-8 byte-order mark is
    ignored; blank lines are skipped; a short row's missing cells count as empty.

    :raises ValueError: a listed column is absent, the header repeats a name, a row has more
        cells than the header, or a cell is not a number (message gives line and column).
    """
    text = _read_text(path_or_file)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter or _sniff_delimiter(first_line))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ValueError("empty CSV file") from None
    if len(set(header)) != len(header):
        raise ValueError(f"duplicate column names in header {header!r}")
    absent = [c for c in columns if c not in header]
    if absent:
        raise ValueError(f"column(s) {absent!r} not in CSV header {header!r}")
    numeric = set(columns)

    rows: list[dict[str, object]] = []
    for cells in reader:
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise ValueError(
                f"line {reader.line_num}: {len(cells)} cells, header has {len(header)}"
            )
        cells = cells + [""] * (len(header) - len(cells))
        row: dict[str, object] = {}
        for name, cell in zip(header, cells, strict=True):
            if name in numeric:
                try:
                    row[name] = parse_number(cell)
                except ValueError as exc:
                    raise ValueError(f"line {reader.line_num}, column {name!r}: {exc}") from None
            else:
                row[name] = cell.strip()
        rows.append(row)
    return rows


def _format_float(value: float) -> str:
    text = f"{value:.{CLASS_DECIMALS}f}"
    return "0." + "0" * CLASS_DECIMALS if text == "-0." + "0" * CLASS_DECIMALS else text


def write_results_csv(
    result: IndexResult,
    file: str | os.PathLike[str] | IO[str],
    with_dynamic: bool | None = None,
) -> None:
    """Write the included areas' results as CSV.

    Columns ``id,status_sum,status_index,status_class`` and, with dynamics,
    ``dynamic_sum,dynamic_index,dynamic_class``; one row per included area in input order;
    floats with 6 decimals. ``with_dynamic`` defaults to whether a dynamics index was computed.
    A file for other programs: comma-separated, CRLF, no byte-order mark.

    :raises ValueError: ``with_dynamic`` is true but the result has no dynamics index.
    """
    if with_dynamic is None:
        with_dynamic = result.has_dynamic
    if with_dynamic and not result.has_dynamic:
        raise ValueError("the result has no dynamics index")
    if isinstance(file, (str, os.PathLike)):
        with open(file, "w", encoding="utf-8", newline="") as handle:
            _write_results(result, handle, with_dynamic)
    else:
        _write_results(result, file, with_dynamic)


def _write_results(result: IndexResult, handle: IO[str], with_dynamic: bool) -> None:
    header = ["id", "status_sum", "status_index", "status_class"]
    if with_dynamic:
        header += ["dynamic_sum", "dynamic_index", "dynamic_class"]
    rows = []
    for area in result.areas:
        row = [
            area.id,
            _format_float(area.status_sum),
            _format_float(area.status_index),
            str(area.status_class),
        ]
        if with_dynamic:
            assert area.dynamic_sum is not None and area.dynamic_index is not None
            row += [
                _format_float(area.dynamic_sum),
                _format_float(area.dynamic_index),
                str(area.dynamic_class),
            ]
        rows.append(row)
    write_csv(handle, header, rows, delimiter=DATA_DELIMITER, bom=False)
