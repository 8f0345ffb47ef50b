"""Streamed downloads of a table in three formats: CSV, XLSX and GeoJSON.

A table is a list of :class:`Column` (machine name, translated header label, kind, value
getter) and an iterable of rows – any objects the getters understand. Pass a generator that
pages through the database (``yield_per`` or keyset paging), never a list: the writers read
one row at a time while the file is being sent (:func:`flask.stream_with_context`), so
200,000 rows never sit in memory at once.

* :func:`csv_download` – through the one CSV writer, :mod:`app.core.csv_export` (UTF-8 with
  BOM, ``;``, CRLF, formula-safe cells); dates and times in ISO 8601
  (``2025-01-31``, ``2025-01-31T14:05:00+00:00``), booleans as ``1``/``0``, text and ids as
  given (``"05"`` keeps its zero).
* :func:`xlsx_download` – openpyxl in write-only mode: typed cells (numbers as numbers, dates
  as dates with an ISO number format, text kinds – ids, district numbers – as text cells),
  a bold header row, frozen below the header, an autofilter over the used range. The text
  is formula-safe like the CSV. An XLSX file is a ZIP archive: the sheet is written straight
  into its ZIP entry, which is sent in 64 KB chunks as it grows (no temporary file, memory
  flat, the first bytes leave with the first rows); the autofilter range is written after the
  rows, in the sheet's tail; the small parts that need the finished sheet (the styles its
  cells use, the workbook, the content types) and the ZIP directory follow it.
* :func:`geojson_download` – an RFC 7946 FeatureCollection (WGS84, ``[lon, lat]``, no
  ``crs`` member), one ``json.dumps`` per feature; the properties are the columns by name;
  a row without a point gets ``"geometry": null``. ``application/geo+json``. Instead of a
  point, ``geometry(row)`` may give any GeoJSON geometry (district shapes), written as given.

This module knows no domain; the domains build the columns and the rows.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from .csv_export import CHUNK_SIZE, content_disposition, csv_safe, csv_stream_response

Kind = Literal["text", "int", "float", "date", "datetime", "bool"]
KINDS: tuple[str, ...] = ("text", "int", "float", "date", "datetime", "bool")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_MIMETYPE = "application/geo+json"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_MAX_TEXT = 32767  # the most characters an Excel cell holds
COORDINATE_DIGITS = 6  # about 0.1 m; RFC 7946 section 11.2
# Characters XML 1.0 (and so XLSX) cannot hold; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


@dataclass(frozen=True)
class Column:
    """One column of an export.

    :param name: machine name, the GeoJSON property (``"district_number"``).
    :param label: header label for CSV and XLSX, usually a lazy string (``_l("District")``).
    :param kind: ``text`` (also ids and district numbers: never turned into numbers),
        ``int``, ``float``, ``date``, ``datetime`` (stored in UTC; naive means UTC) or ``bool``.
    :param get: the value of a row; default: the attribute ``name`` of the row, or its item
        ``name`` when the row is a mapping.
    """

    name: str
    label: Any
    kind: Kind = "text"
    get: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS!r}, not {self.kind!r}")

    def value(self, row: Any) -> Any:
        if self.get is not None:
            return self.get(row)
        if isinstance(row, dict):
            return row.get(self.name)
        return getattr(row, self.name)


Point = Callable[[Any], "tuple[float | None, float | None] | None"]


# --- values per format ----------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _number(value: Any, kind: str) -> int | float | None:
    if value is None or value == "":
        return None
    number = int(value) if kind == "int" else float(value)
    if isinstance(number, float) and not math.isfinite(number):
        return None  # NaN and infinity have no place in a spreadsheet or in JSON
    return number


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _utc(value).date()
    if isinstance(value, date):
        return value
    text = str(value)
    return _utc(datetime.fromisoformat(text)).date() if len(text) > 10 else date.fromisoformat(text)


def _moment(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return _utc(datetime.fromisoformat(str(value)))


def typed(column: Column, row: Any) -> Any:
    """The value of ``column`` in ``row`` as its kind: ``str``, ``int``, ``float``, ``date``,
    aware UTC ``datetime``, ``bool`` – or ``None`` when empty."""
    value = column.value(row)
    kind = column.kind
    if kind == "text":
        return None if value is None else str(value)
    if kind in ("int", "float"):
        return _number(value, kind)
    if kind == "date":
        return _day(value)
    if kind == "datetime":
        return _moment(value)
    return None if value is None or value == "" else bool(value)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return value  # text, numbers, None: csv_export writes them (formula-safe)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def headers(columns: Sequence[Column]) -> list[str]:
    return [str(column.label) for column in columns]


def _finish(response: Response, filename: str, no_store: bool) -> Response:
    response.headers["Content-Disposition"] = content_disposition(filename)
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


# --- CSV ------------------------------------------------------------------------------------


def _csv_getter(column: Column) -> Callable[[Any], Any]:
    """``row → _csv_cell(typed(column, row))``, with the kind decided once per column, not
    per cell (the export of 200,000 rows has 3.8 million cells; tests/core/test_exports.py
    compares both ways on every kind)."""
    value = column.get if column.get is not None else column.value
    kind = column.kind
    if kind == "text":
        return lambda row: None if (v := value(row)) is None else str(v)
    if kind in ("int", "float"):
        return lambda row: _number(value(row), kind)
    if kind == "date":
        return lambda row: None if (d := _day(value(row))) is None else d.isoformat()
    if kind == "datetime":
        return lambda row: (
            None if (m := _moment(value(row))) is None else m.isoformat(timespec="seconds")
        )
    return lambda row: None if (v := value(row)) is None or v == "" else ("1" if v else "0")


def csv_rows(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[list[Any]]:
    """The CSV cells of each row, read lazily."""
    getters = [_csv_getter(column) for column in columns]
    for row in rows:
        yield [get(row) for get in getters]


def csv_download(
    filename: str, columns: Sequence[Column], rows: Iterable[Any], *, no_store: bool = False
) -> Response:
    """A streamed CSV download for German Excel (see :mod:`app.core.csv_export`)."""
    return csv_stream_response(
        filename, headers(columns), csv_rows(columns, rows), no_store=no_store
    )


# --- XLSX -----------------------------------------------------------------------------------


def xlsx_text(value: str) -> str:
    """Text for an XLSX cell: formula-safe like the CSV, without the control characters XML
    cannot hold, at most the 32,767 characters a cell holds."""
    return csv_safe(_ILLEGAL_XML.sub("", value))[:XLSX_MAX_TEXT]


class _SheetAlreadyWritten(ExcelWriter):
    """openpyxl's workbook writer for every part but the sheet, already in the archive."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that keeps what was written until it is taken: the ZIP
    archive is written into it and sent in pieces (zipfile then uses data descriptors)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.data += b
        return len(b)

    def take(self, size: int) -> bytes:
        """Up to ``size`` bytes from the start of what was written."""
        out = bytes(self.data[:size])
        del self.data[:size]
        return out


def iter_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    title: str = "Export",
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """The XLSX file in pieces of about ``chunk_size`` bytes, written while ``rows`` is read.

    openpyxl in write-only mode writes the sheet straight into its entry of a ZIP archive
    that goes out as it grows (no temporary file); the other parts of the workbook (styles,
    workbook, content types), which need the finished sheet (the styles its cells use),
    follow it. This uses openpyxl's writer classes (``WorksheetWriter``, ``ExcelWriter``) the way
    ``Workbook.save`` does, only in this order; ``tests/core/test_exports.py`` reads the
    result back with openpyxl."""
    workbook = Workbook(write_only=True)
    title = _NOT_IN_SHEET_TITLES.sub("", title).strip("' ")[:31]  # Excel's rules
    sheet = workbook.create_sheet(title=title or "Export")
    sheet._id = 1  # its part is xl/worksheets/sheet1.xml
    sheet.freeze_panes = "A2"  # before the first row: the view is written first
    for index, column in enumerate(columns, 1):
        width = max(len(str(column.label)) + 2, 12 if column.kind != "text" else 16)
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)

    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED)
    entry = archive.open(sheet.path[1:], "w")
    sheet._writer = WorksheetWriter(sheet, out=entry)
    sheet._writer.write_top()

    bold = Font(bold=True)
    header = []
    for label in headers(columns):
        cell = WriteOnlyCell(sheet, value=xlsx_text(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    formats = {"date": XLSX_DATE_FORMAT, "datetime": XLSX_DATETIME_FORMAT}
    count = 0
    done = False
    try:
        for row in rows:
            cells: list[Any] = []
            for column in columns:
                value = typed(column, row)
                if value is None:
                    cells.append(None)
                elif column.kind == "text":
                    cells.append(xlsx_text(value))  # never "=…": openpyxl keeps it text
                elif column.kind in formats:
                    if isinstance(value, datetime):  # Excel knows no time zones: UTC, naive
                        value = value.astimezone(UTC).replace(tzinfo=None)
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = formats[column.kind]
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
            count += 1
            while len(sink.data) >= chunk_size:
                yield sink.take(chunk_size)
        last = get_column_letter(max(len(columns), 1))
        sheet.auto_filter.ref = f"A1:{last}{count + 1}"  # written after the rows: known now
        sheet.close()  # the end of the sheet's XML
        entry.close()
        workbook.properties.modified = datetime.now(UTC).replace(tzinfo=None)
        _SheetAlreadyWritten(workbook, archive).save()  # the other parts, the ZIP directory
        done = True
    finally:
        if not done:  # a row failed or the client left: end quietly, send nothing more
            with contextlib.suppress(Exception):
                sheet.close()
            with contextlib.suppress(Exception):
                entry.close()
            with contextlib.suppress(Exception):
                archive.close()
    while sink.data:
        yield sink.take(chunk_size)


def write_xlsx(
    handle: Any, columns: Sequence[Column], rows: Iterable[Any], *, title: str = "Export"
) -> None:
    """Write the workbook of :func:`iter_xlsx` to the binary file ``handle``."""
    for chunk in iter_xlsx(columns, rows, title=title):
        handle.write(chunk)


def xlsx_download(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    title: str = "Export",
    no_store: bool = False,
) -> Response:
    """A streamed XLSX download (see the module docstring)."""
    body = iter_xlsx(columns, rows, title=title)
    return _finish(Response(stream_with_context(body), mimetype=XLSX_MIMETYPE), filename, no_store)


# --- GeoJSON --------------------------------------------------------------------------------


def _geometry(point: tuple[Any, Any] | None) -> dict | None:
    if point is None:
        return None
    lat, lon = point
    if lat is None or lon is None:
        return None
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return {
        "type": "Point",
        "coordinates": [round(lon, COORDINATE_DIGITS), round(lat, COORDINATE_DIGITS)],
    }


Geometry = Callable[[Any], "dict | None"]


def feature(
    columns: Sequence[Column], point: Point | None, row: Any, geometry: Geometry | None = None
) -> dict:
    """One GeoJSON feature: the point (``[lon, lat]``) – or the geometry ``geometry(row)``
    gives – and the columns as properties."""
    return {
        "type": "Feature",
        "geometry": geometry(row) if geometry is not None else _geometry(point(row)),
        "properties": {column.name: _json_value(typed(column, row)) for column in columns},
    }


def iter_geojson(
    columns: Sequence[Column],
    rows: Iterable[Any],
    point: Point | None,
    chunk_size: int = CHUNK_SIZE,
    *,
    geometry: Geometry | None = None,
) -> Iterator[str]:
    """The FeatureCollection in pieces: the opening first (before any row is read), then
    features in chunks of about ``chunk_size`` characters, then the closing brackets."""
    if point is None and geometry is None:
        raise ValueError("iter_geojson needs a point or a geometry getter")
    yield '{"type":"FeatureCollection","features":['
    parts: list[str] = []
    size = 0
    separator = ""
    for row in rows:
        text = separator + json.dumps(
            feature(columns, point, row, geometry), ensure_ascii=False, separators=(",", ":")
        )
        separator = ","
        parts.append(text)
        size += len(text)
        if size >= chunk_size:
            yield "".join(parts)
            parts, size = [], 0
    parts.append("]}\n")
    yield "".join(parts)


def geojson_download(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    point: Point | None = None,
    geometry: Geometry | None = None,
    no_store: bool = False,
) -> Response:
    """A streamed GeoJSON download. ``point(row)`` gives ``(lat, lon)`` in WGS84 or ``None``;
    or ``geometry(row)`` a GeoJSON geometry (WGS84, ``[lon, lat]``) or ``None``."""
    body = (
        chunk.encode("utf-8") for chunk in iter_geojson(columns, rows, point, geometry=geometry)
    )
    return _finish(
        Response(stream_with_context(body), mimetype=GEOJSON_MIMETYPE), filename, no_store
    )
