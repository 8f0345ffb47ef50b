"""The one CSV writer: every CSV file Quartier hands out is written here.

The dialect is the one German Excel opens correctly with a double click:

* UTF-8 with a byte-order mark (BOM), so umlauts survive; never a ``sep=`` line;
* ``;`` between cells (the list separator of German Excel);
* CRLF at the end of every line (RFC 4180); cells quoted only where they must be;
* formula-safe cells: text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
  return) gets a leading ``'``, so a spreadsheet shows it instead of running it; plain numbers
  such as ``-1.5`` are numbers, not formulas, and stay as they are;
* ids and district numbers as text: every cell is written exactly as given, the writer never
  turns text into a number, so pass district numbers as the strings the districts hold
  (``"05"`` stays ``"05"``, its zero is kept) and ids as they are (``7`` becomes ``7``).

Two documented parameters, for files that programs rather than people read:

* ``delimiter=","`` for data files with decimal points: the indicator figures (map, profile,
  API and import report, read back by statistics programs and by the indicator import) and the
  social index CLI output, and ``councils.csv``, the format of the data file
  ``app/districts/data/erfurt/councils.csv`` that the district loader reads;
* ``bom=False`` for the social index CLI output, a file written for other programs.

:func:`csv_response` turns a table into a Flask download (``Content-Disposition: attachment``);
:func:`csv_stream_response` does the same for tables too large for memory: it writes the rows
as they come from an iterable (a generator that pages through the database) in chunks of about
64 KB, so memory stays flat. :func:`iter_csv` is the writer itself; the other functions use it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any
from urllib.parse import quote

from flask import Response, stream_with_context

CSV_MIMETYPE = "text/csv"

BOM = "\ufeff"
EXCEL_DELIMITER = ";"
DATA_DELIMITER = ","
DELIMITERS = (EXCEL_DELIMITER, DATA_DELIMITER)
LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 64 * 1024
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

Row = Sequence[Any]


def csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas in text: a leading = + - @ (or tab, CR) gets a ``'``.

    A plain number (``-1.5``, ``+3``, ``-2e-3``) is left alone: it is no formula, and a
    spreadsheet reads it as the number it is."""
    if value[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell_text(value: Any) -> str:
    """A cell as written: ``None`` empty, numbers in Python's notation (``1000.0``), anything
    else as its text, formula-safe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return csv_safe(str(value))


def iter_csv(
    header: Row,
    rows: Iterable[Row],
    *,
    delimiter: str = EXCEL_DELIMITER,
    bom: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """The CSV file of ``header`` and ``rows`` in pieces: first the BOM and the header (before
    any row is read), then the rows in chunks of about ``chunk_size`` characters. ``rows`` is
    read lazily, one row at a time.

    :param delimiter: ``";"`` (default, for people and their spreadsheets) or ``","`` (data
        files for programs, see the module docstring).
    :param bom: start with a UTF-8 byte-order mark (default); ``False`` only for files written
        for other programs.
    """
    if delimiter not in DELIMITERS:  # checked now, not when the first chunk is read
        raise ValueError(f"delimiter must be one of {DELIMITERS!r}, not {delimiter!r}")
    return _chunks(header, rows, delimiter, bom, chunk_size)


def _chunks(
    header: Row, rows: Iterable[Row], delimiter: str, bom: bool, chunk_size: int
) -> Iterator[str]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=LINE_END)
    if bom:
        buffer.write(BOM)
    writer.writerow([cell_text(cell) for cell in header])
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([cell_text(cell) for cell in row])
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest


def write_csv(
    handle: IO[str],
    header: Row,
    rows: Iterable[Row],
    *,
    delimiter: str = EXCEL_DELIMITER,
    bom: bool = True,
) -> None:
    """Write ``header`` and ``rows`` to an open text file (opened with ``newline=""``);
    the parameters are those of :func:`iter_csv`."""
    for chunk in iter_csv(header, rows, delimiter=delimiter, bom=bom):
        handle.write(chunk)


def csv_text(
    header: Row, rows: Iterable[Row], *, delimiter: str = EXCEL_DELIMITER, bom: bool = True
) -> str:
    """The CSV file of ``header`` and ``rows`` as text (see :func:`write_csv`)."""
    return "".join(iter_csv(header, rows, delimiter=delimiter, bom=bom))


def content_disposition(filename: str) -> str:
    """``attachment`` with the file name quoted; a name beyond ASCII also as ``filename*``
    (RFC 6266), with an ASCII fallback for old clients."""
    simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    simple = "".join(c if c.isprintable() and c not in '"\\/' else "_" for c in simple)
    value = f'attachment; filename="{simple or "export.csv"}"'
    if simple != filename:
        value += "; filename*=UTF-8''" + quote(filename, safe="")
    return value


def csv_response(
    filename: str,
    header: Row,
    rows: Iterable[Row],
    *,
    delimiter: str = EXCEL_DELIMITER,
    no_store: bool = False,
) -> Response:
    """A CSV download: the table written by :func:`write_csv` (UTF-8 with BOM), ``text/csv``,
    saved as ``filename``. ``no_store`` keeps caches from storing personal data."""
    body = csv_text(header, rows, delimiter=delimiter).encode("utf-8")
    response = Response(body, mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def csv_stream_response(
    filename: str,
    header: Row,
    rows: Iterable[Row],
    *,
    delimiter: str = EXCEL_DELIMITER,
    no_store: bool = False,
) -> Response:
    """Like :func:`csv_response`, but streamed: the rows are read from ``rows`` while the file
    is sent (keep ``rows`` a generator that pages through the database, never a list), inside
    the request context (:func:`flask.stream_with_context`). No ``Content-Length``."""
    chunks = (chunk.encode("utf-8") for chunk in iter_csv(header, rows, delimiter=delimiter))
    response = Response(stream_with_context(chunks), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response
