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
* :func:`xlsx_download` – typed cells (numbers as numbers, dates as dates with an ISO number
  format, text kinds – ids, district numbers – as text cells), a bold header row, frozen
  below the header, an autofilter over the used range. The text is formula-safe like the
  CSV. An XLSX file is a ZIP archive: the sheet is written straight into its ZIP entry, which
  is sent in 64 KB chunks as it grows (no temporary file, memory flat, the first bytes leave
  with the first rows). The rows are strings built here, the markup openpyxl's cell writer
  would make (about five times faster than openpyxl's write-only mode); openpyxl writes the
  rest: the sheet's XML around the rows (the frozen pane, the column widths; the autofilter
  range after the rows, in the sheet's tail), the styles and, after the sheet, the small
  parts that need it (the styles its cells use, the workbook, the content types) and the ZIP
  directory.
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
from openpyxl.utils.datetime import WINDOWS_EPOCH, to_excel
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


def _xml_text(text: str) -> str:
    """``text`` as XML character data, escaped as lxml escapes it (a CR as ``&#13;``, which an
    XML parser would otherwise read as a line feed)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _inline_string(ref: str, style: str, text: str) -> str:
    """An XLSX text cell (``ref`` like ``B7``; ``style`` the `` s="…"`` attribute or empty)."""
    if not text:
        return f'<c r="{ref}"{style} t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""  # as openpyxl decides
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'


_EPOCH_DAY = WINDOWS_EPOCH.toordinal()


def _date_serial(day: date) -> int:
    """A date as Excel's serial number, as openpyxl's ``to_excel`` computes it: days since
    1899-12-30, one less up to 1900-02-28 (Excel counts a 29 February 1900)."""
    days = day.toordinal() - _EPOCH_DAY
    return days - 1 if 0 < days <= 60 else days


def _xlsx_cell(column: Column, letter: str, date_style: str) -> Callable[[Any, int], str]:
    """``(row, number) → the <c> element of ``column`` in row ``number`` ("" when empty)``,
    with the kind decided once per column, not per cell. The markup is what openpyxl's
    cell writer makes of the same typed value (``tests/core/test_exports.py`` reads every
    kind back): numbers as ``%.16g``, dates and datetimes (naive UTC) as serial numbers with
    the date or datetime number format, booleans as ``t="b"``, text as an inline string."""
    value = column.get if column.get is not None else column.value
    kind = column.kind
    if kind == "text":

        def cell(row: Any, n: int) -> str:
            v = value(row)
            if v is None:
                return ""
            # xlsx_text and _inline_string, inlined: this runs for millions of cells
            text = csv_safe(_ILLEGAL_XML.sub("", str(v)))[:XLSX_MAX_TEXT]
            if not text:
                return f'<c r="{letter}{n}" t="inlineStr"></c>'
            space = ' xml:space="preserve"' if text != text.strip() else ""
            return f'<c r="{letter}{n}" t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'

    elif kind in ("int", "float"):

        def cell(row: Any, n: int) -> str:
            v = _number(value(row), kind)
            return "" if v is None else f'<c r="{letter}{n}" t="n"><v>{v:.16g}</v></c>'

    elif kind == "date":

        def cell(row: Any, n: int) -> str:
            d = _day(value(row))
            if d is None:
                return ""
            return f'<c r="{letter}{n}"{date_style} t="n"><v>{_date_serial(d):.16g}</v></c>'

    elif kind == "datetime":

        def cell(row: Any, n: int) -> str:
            m = _moment(value(row))  # aware, UTC: Excel knows no time zones, so naive
            if m is None:
                return ""
            serial = to_excel(m.replace(tzinfo=None), WINDOWS_EPOCH)
            return f'<c r="{letter}{n}"{date_style} t="n"><v>{serial:.16g}</v></c>'

    else:

        def cell(row: Any, n: int) -> str:
            v = value(row)
            if v is None or v == "":
                return ""
            return f'<c r="{letter}{n}" t="b"><v>{1 if v else 0}</v></c>'

    return cell


class _SheetAlreadyWritten(ExcelWriter):
    """openpyxl's workbook writer for every part but the sheet, already in the archive."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


_ROWS_MARK = "quartier-xlsx-rows"


def _sheet_around_rows(sheet: Any) -> tuple[bytes, bytes]:
    """openpyxl's XML of ``sheet`` before and after the rows: the head (sheet properties, the
    view with the frozen pane, the column widths, up to ``<sheetData>``) and the tail (from
    ``</sheetData>``: the autofilter, the page margins …), written by its ``WorksheetWriter``
    into memory around a mark where the rows go."""
    out = io.BytesIO()
    writer = WorksheetWriter(sheet, out=out)
    sheet._writer = writer  # _SheetAlreadyWritten takes its relationships
    writer.write_top()
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        xf.write(_ROWS_MARK)
    writer.xf.send(None)
    writer.write_tail()
    writer.close()
    head, tail = out.getvalue().split(_ROWS_MARK.encode())
    return head, tail


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


XLSX_ROWS_PER_WRITE = 100  # rows joined into one string, encoded and deflated at once


def iter_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    title: str = "Export",
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """The XLSX file in pieces of about ``chunk_size`` bytes, written while ``rows`` is read.

    The sheet goes straight into its entry of a ZIP archive that is sent as it grows (no
    temporary file). Its rows (``<sheetData>``) are plain strings built here, one per row,
    joined and written every :data:`XLSX_ROWS_PER_WRITE` rows – openpyxl's per-cell writer
    took three times as long for them as the whole CSV export. Each cell is what openpyxl's
    writer makes of it: numbers as numbers, dates and datetimes (naive UTC) as serial numbers
    with the date or datetime number format, booleans, text as escaped inline strings
    (``xlsx_text``: never a formula); ``None`` no cell. Everything else is openpyxl's: the
    sheet's XML before the rows (the frozen pane, the column widths) and after them (the
    autofilter, known when the rows are counted), the style ids of the bold header and the
    number formats (registered through cells), and, after the sheet, the parts that need it
    (styles, workbook, content types) and the ZIP directory, written by its ``ExcelWriter``
    in this order. ``tests/core/test_exports.py`` reads the result back with openpyxl."""
    workbook = Workbook(write_only=True)
    title = _NOT_IN_SHEET_TITLES.sub("", title).strip("' ")[:31]  # Excel's rules
    sheet = workbook.create_sheet(title=title or "Export")
    sheet._id = 1  # its part is xl/worksheets/sheet1.xml
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        width = max(len(str(column.label)) + 2, 12 if column.kind != "text" else 16)
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)

    # The style ids, registered with the workbook (its styles part) through cells.
    header_cell = WriteOnlyCell(sheet)
    header_cell.font = Font(bold=True)
    bold = f' s="{header_cell.style_id}"'
    date_styles = {}
    for kind, number_format in (("date", XLSX_DATE_FORMAT), ("datetime", XLSX_DATETIME_FORMAT)):
        if any(column.kind == kind for column in columns):
            cell = WriteOnlyCell(sheet)
            cell.number_format = number_format
            date_styles[kind] = f' s="{cell.style_id}"'
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    cells = [
        _xlsx_cell(column, letter, date_styles.get(column.kind, ""))
        for column, letter in zip(columns, letters, strict=True)
    ]

    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED)
    entry = archive.open(sheet.path[1:], "w")
    head, _ = _sheet_around_rows(sheet)
    header = "".join(
        _inline_string(f"{letter}1", bold, xlsx_text(label))
        for letter, label in zip(letters, headers(columns), strict=True)
    )
    entry.write(head + f'<row r="1">{header}</row>'.encode())

    done = False
    try:
        n = 1  # the number of the last row written
        parts: list[str] = []
        for row in rows:
            n += 1
            parts.append(f'<row r="{n}">{"".join([cell(row, n) for cell in cells])}</row>')
            if len(parts) >= XLSX_ROWS_PER_WRITE:
                entry.write("".join(parts).encode())
                parts.clear()
                while len(sink.data) >= chunk_size:
                    yield sink.take(chunk_size)
        entry.write("".join(parts).encode())
        last = letters[-1] if letters else "A"
        sheet.auto_filter.ref = f"A1:{last}{n}"  # in the sheet's tail, after the rows: known now
        _, tail = _sheet_around_rows(sheet)
        entry.write(tail)
        entry.close()
        workbook.properties.modified = datetime.now(UTC).replace(tzinfo=None)
        _SheetAlreadyWritten(workbook, archive).save()  # the other parts, the ZIP directory
        done = True
    finally:
        if not done:  # a row failed or the client left: end quietly, send nothing more
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
