"""The streamed exports (app/core/exports.py): CSV through the one CSV writer, XLSX and
GeoJSON – read back with the programs people use, typed, formula-safe, and streamed (the rows
are read while the file is sent, not before)."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from flask_babel import lazy_gettext as _l

from app.core import exports
from app.core.csv_export import csv_text
from app.core.exports import KINDS, Column, _csv_cell, csv_rows, typed

COLUMNS = (
    Column("district_number", "District", "text"),
    Column("id", "ID", "text"),
    Column("title", "Title"),
    Column("supports", "Supports", "int"),
    Column("share", "Share", "float"),
    Column("created", "Created", "date"),
    Column("answered_at", "Answered", "datetime"),
    Column("open", "Open", "bool", get=lambda row: row["status"] == "open"),
)
ROWS = [
    {
        "district_number": "05",
        "id": 7,
        "title": "Löbervorstadt: Bänke",
        "supports": 12,
        "share": 0.25,
        "created": date(2025, 1, 31),
        "answered_at": datetime(2025, 2, 3, 15, 4, 5, tzinfo=timezone(timedelta(hours=1))),
        "status": "open",
        "lat": 50.9787,
        "lon": 11.0328,
    },
    {
        "district_number": "23",
        "id": 12,
        "title": "=1+1",
        "supports": 0,
        "share": None,
        "created": datetime(2025, 3, 1, 23, 30),  # naive: UTC; a date column takes the day
        "answered_at": None,
        "status": "closed",
        "lat": None,
        "lon": None,
    },
]


def point(row):
    return row["lat"], row["lon"]


class Pulled:
    """An iterable that counts how many rows were taken from it."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def many(n: int) -> list[dict]:
    return [dict(ROWS[0], id=i, title=f"Vorschlag Nummer {i}") for i in range(n)]


# --- CSV ------------------------------------------------------------------------------------


def test_csv_reads_back_with_the_semicolon_dialect(app):
    with app.test_request_context():
        response = exports.csv_download("vorschläge.csv", COLUMNS, iter(ROWS))
        assert response.is_streamed
        raw = response.get_data()
    assert response.mimetype == "text/csv"
    assert raw.startswith(b"\xef\xbb\xbf") and b"sep=" not in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == [
        "District",
        "ID",
        "Title",
        "Supports",
        "Share",
        "Created",
        "Answered",
        "Open",
    ]
    assert rows[1] == [
        "05",  # the leading zero survives
        "7",
        "Löbervorstadt: Bänke",
        "12",
        "0.25",
        "2025-01-31",
        "2025-02-03T14:04:05+00:00",  # ISO 8601, in UTC
        "1",
    ]
    assert rows[2] == ["23", "12", "'=1+1", "0", "", "2025-03-01", "", "0"]  # formula defused


def test_csv_is_the_one_csv_writer(app):
    """Same bytes as csv_text for the same cells: no second CSV dialect."""
    with app.test_request_context():
        streamed = exports.csv_download("x.csv", COLUMNS, iter(ROWS)).get_data()
        cells = list(exports.csv_rows(COLUMNS, ROWS))
        assert streamed.decode("utf-8") == csv_text(exports.headers(COLUMNS), cells)


def test_header_labels_are_translated_when_written(app):
    columns = (Column("district", _l("District")), Column("supports", _l("Supports"), "int"))
    with app.test_request_context():  # German, the default language
        text = exports.csv_download("x.csv", columns, []).get_data().decode("utf-8-sig")
        sheet = load(exports.xlsx_download("x.xlsx", columns, []).get_data())
    assert text == "Ortsteil;Unterstützungen\r\n"
    assert [c.value for c in sheet[1]] == ["Ortsteil", "Unterstützungen"]


def test_csv_is_streamed_and_reads_rows_lazily(app):
    rows = Pulled(many(5000))
    with app.test_request_context():
        response = exports.csv_download("x.csv", COLUMNS, rows)
        assert response.is_streamed and rows.count == 0
        chunks = iter(response.response)
        first = next(chunks)
        assert first.startswith(b"\xef\xbb\xbfDistrict;") and rows.count == 0  # header first
        second = next(chunks)
        assert 0 < rows.count < 5000  # one chunk of about 64 KB, not the whole table
        assert len(second) >= 64 * 1024
        rest = b"".join(chunks)
    assert rows.count == 5000
    assert (first + second + rest).count(b"\r\n") == 5001


# --- XLSX -----------------------------------------------------------------------------------


def load(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data)).active


def test_xlsx_opens_typed_with_a_frozen_bold_filtered_header(app):
    with app.test_request_context():
        response = exports.xlsx_download("vorschläge.xlsx", COLUMNS, iter(ROWS), title="Rieth")
        assert response.is_streamed
        data = response.get_data()
    assert response.mimetype == exports.XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="vorschlage.xlsx"; filename*='
    )
    sheet = load(data)
    assert sheet.title == "Rieth"
    assert [c.value for c in sheet[1]] == [
        "District",
        "ID",
        "Title",
        "Supports",
        "Share",
        "Created",
        "Answered",
        "Open",
    ]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H3"
    number, ident, title, supports, share, created, answered, is_open = sheet[2]
    assert (number.value, number.data_type) == ("05", "s")  # district number as text
    assert (ident.value, ident.data_type) == ("7", "s")  # id as text
    assert (title.value, title.data_type) == ("Löbervorstadt: Bänke", "s")
    assert (supports.value, supports.data_type) == (12, "n")
    assert (share.value, share.data_type) == (0.25, "n")
    assert created.is_date and created.value == datetime(2025, 1, 31)
    assert created.number_format == "yyyy-mm-dd"
    assert answered.is_date and answered.value == datetime(2025, 2, 3, 14, 4, 5)  # UTC
    assert answered.number_format == "yyyy-mm-dd hh:mm:ss"
    assert (is_open.value, is_open.data_type) == (True, "b")
    row3 = sheet[3]
    assert (row3[2].value, row3[2].data_type) == ("'=1+1", "s")  # no formula
    assert row3[4].value is None and row3[6].value is None
    assert row3[5].value == datetime(2025, 3, 1)


@pytest.mark.parametrize(
    "value", ["=1+1", '=HYPERLINK("http://evil.example")', "+49 361", "@SUM(A1)", "-2+3"]
)
def test_xlsx_text_is_formula_safe(app, value):
    columns = (Column("title", "Title"),)
    with app.test_request_context():
        data = exports.xlsx_download("x.xlsx", columns, [{"title": value}]).get_data()
    cell = load(data)["A2"]
    assert cell.data_type == "s" and cell.value == "'" + value


def test_xlsx_drops_characters_xml_cannot_hold_and_caps_long_text(app):
    columns = (Column("title", "Title"),)
    rows = [{"title": "a\x00b\x0bc\td"}, {"title": "x" * 40000}]
    with app.test_request_context():
        sheet = load(exports.xlsx_download("x.xlsx", columns, rows).get_data())
    assert sheet["A2"].value == "abc\td"
    assert len(sheet["A3"].value) == 32767


def test_xlsx_is_streamed_reads_rows_lazily_and_writes_no_temporary_file(
    app, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    rows = Pulled(many(3000))
    with app.test_request_context():
        response = exports.xlsx_download("x.xlsx", COLUMNS, rows)
        assert response.is_streamed and rows.count == 0
        chunks = iter(response.response)
        first = next(chunks)
        assert first.startswith(b"PK\x03\x04")  # the ZIP archive begins
        assert 0 < rows.count < 3000  # sent while the rows are read, not after
        assert list(tmp_path.iterdir()) == []  # no temporary file, not even meanwhile
        rest = list(chunks)
    assert rows.count == 3000
    assert all(len(chunk) <= 64 * 1024 for chunk in [first, *rest])
    data = first + b"".join(rest)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert "[Content_Types].xml" in archive.namelist()
    sheet = load(data)
    assert sheet.max_row == 3001 and sheet.auto_filter.ref == "A1:H3001"
    assert sheet["C3001"].value == "Vorschlag Nummer 2999"
    assert list(tmp_path.iterdir()) == []


def test_xlsx_ends_quietly_when_a_row_fails(app, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield ROWS[0]
        raise RuntimeError("database gone")

    with app.test_request_context():
        response = exports.xlsx_download("x.xlsx", COLUMNS, rows())
        with pytest.raises(RuntimeError):
            list(response.response)
    assert list(tmp_path.iterdir()) == []


def test_sheet_titles_follow_excels_rules(app):
    with app.test_request_context():
        data = exports.xlsx_download(
            "x.xlsx", COLUMNS, [], title="'Ortsteil: Rieth/Nord [alt]? " + "x" * 40
        ).get_data()
    sheet = load(data)
    assert sheet.title == "Ortsteil RiethNord alt xxxxxxxx"
    assert sheet.auto_filter.ref == "A1:H1"  # the header alone


# Values of every kind the domains hand over, the awkward ones included; one column per kind
# (its values in a list, one row per position, missing positions None).
AWKWARD = {
    "text": [
        None,
        "",
        "plain",
        "<b>&amp; \"quoted\" 'single'</b> ]]>",
        "=SUM(A1)",
        "+49 361 123",
        "-2+3",
        "@user",
        "-1.5",  # a plain number stays as it is
        " leading and trailing ",
        "line\nbreak",
        "cr\r\nand\rcr",
        "\ttab first",
        "ctrl\x00\x01\x08\x0b\x0c\x0e\x1f chars",
        "x" * 40000,
        "emoji 😀 and 𝄞 (beyond the BMP), Löbervorstadt, ß",
        "\u00a0\u2028\x85\ufeff",
        7,  # not a string: its text
        True,
    ],
    "int": [None, "", 0, 7, -3, "12", 10**20, -(2**40), Decimal("5"), True],
    "float": [None, "", 0.25, -1.5, 1e300, 1e-300, "3.25", Decimal("1.10"), float("nan"), 7],
    "date": [
        None,
        "",
        date(2025, 1, 31),
        date(1900, 1, 1),
        date(1900, 3, 1),
        datetime(2025, 3, 1, 23, 30),  # naive: UTC, the day
        datetime(2025, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5))),  # 2 March in UTC
        "2025-01-31",
    ],
    "datetime": [
        None,
        "",
        datetime(2025, 2, 3, 15, 4, 5, tzinfo=timezone(timedelta(hours=1))),
        datetime(2024, 3, 31, 1, 30, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
        datetime(2025, 2, 3, 15, 4, 5),  # naive: UTC
        datetime(1900, 1, 1, 12),
        date(2025, 1, 2),
        "2025-01-31T14:05:00+01:00",
    ],
    "bool": [None, "", True, False, 0, 1, "x"],
}


def awkward_table():
    height = max(len(values) for values in AWKWARD.values())
    columns = [
        Column(kind, f"{kind} <&> header", kind, get=lambda row, kind=kind: row.get(kind))
        for kind in AWKWARD
    ] + [Column("label", " padded  header ")]
    rows = [
        {kind: values[i] for kind, values in AWKWARD.items() if i < len(values)}
        for i in range(height)
    ]
    return columns, rows


def test_xlsx_cells_read_back_as_their_columns_say(app):
    """Every cell as openpyxl reads it back: value, type and number format are what the
    column's kind makes of the value (``typed``), the header bold, frozen and filtered."""
    columns, rows = awkward_table()
    with app.test_request_context():
        data = exports.xlsx_download("x.xlsx", columns, iter(rows)).get_data()
    sheet = load(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # Dates as Excel's serial numbers (2025-01-31 is day 45,688), no formula anywhere.
    assert re.search(r'<c r="D4" s="\d+" t="n"><v>45688</v></c>', xml) and "<f>" not in xml
    # Leading and trailing blanks kept for Excel too, a CR not read as a line feed.
    assert '<t xml:space="preserve"> leading and trailing </t>' in xml
    assert "<t>line\nbreak</t>" in xml and "cr&#13;\nand&#13;cr" in xml
    assert sheet.max_row == len(rows) + 1 and sheet.max_column == len(columns)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(rows) + 1}"
    for cell, column in zip(sheet[1], columns, strict=True):
        assert (cell.value, cell.data_type, cell.font.b) == (str(column.label), "s", True)
    checked = 0
    for row, cells in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        for column, cell in zip(columns, cells, strict=True):
            where = (column.kind, row.get(column.kind), cell.coordinate)
            value = typed(column, row)
            assert not cell.font.b, where
            if column.kind in ("date", "datetime") and value is not None:
                assert cell.is_date and cell.data_type == "d", where
                fmt = "yyyy-mm-dd" if column.kind == "date" else "yyyy-mm-dd hh:mm:ss"
                assert cell.number_format == fmt, where
            else:
                assert cell.number_format == "General", where
            if value is None or value == "":
                assert cell.value is None, where
            elif column.kind == "text":
                assert cell.data_type == "s" and cell.value == exports.xlsx_text(value), where
                assert "\x00" not in cell.value and not cell.value.startswith(("=", "+", "@"))
            elif column.kind == "bool":
                assert cell.data_type == "b" and cell.value is value, where
            elif column.kind in ("int", "float"):
                assert cell.data_type == "n" and not isinstance(cell.value, bool), where
                assert cell.value == pytest.approx(value, rel=1e-15), where  # %.16g, as Excel
                if column.kind == "int" and abs(value) < 2**53:
                    assert cell.value == value and isinstance(cell.value, int), where
            elif column.kind == "date":
                assert cell.value == datetime(value.year, value.month, value.day), where
            else:  # datetime: in UTC, naive (Excel knows no time zones)
                assert cell.value == value.astimezone(UTC).replace(tzinfo=None), where
            checked += 1
    assert checked == len(rows) * len(columns)
    text = [cell.value for cell in sheet["A"][1:]]
    assert text[3] == "<b>&amp; \"quoted\" 'single'</b> ]]>"
    assert text[4:8] == ["'=SUM(A1)", "'+49 361 123", "'-2+3", "'@user"]
    assert text[8] == "-1.5"
    assert text[9:13] == [" leading and trailing ", "line\nbreak", "cr\r\nand\rcr", "'\ttab first"]
    assert text[13] == "ctrl chars" and len(text[14]) == 32767
    assert text[15] == "emoji 😀 and 𝄞 (beyond the BMP), Löbervorstadt, ß"
    assert text[16] == "\u00a0\u2028\x85\ufeff" and text[17:19] == ["7", "True"]
    assert [cell.value for cell in sheet["E"][1:8]] == [
        None,
        None,
        datetime(2025, 2, 3, 14, 4, 5),
        datetime(2024, 3, 31, 11, 0),
        datetime(2025, 2, 3, 15, 4, 5),
        datetime(1900, 1, 1, 12),
        datetime(2025, 1, 2),
    ]
    assert sheet["D8"].value == datetime(2025, 3, 2)
    assert [cell.value for cell in sheet["B"][1:]][6] == pytest.approx(1e20)
    assert [cell.value for cell in sheet["F"][1:8]] == [None, None, True, False, False, True, True]
    assert sheet["G1"].value == " padded  header "


def test_xlsx_rows_cross_write_batches_and_chunks(app):
    """More rows than one write (``XLSX_ROWS_PER_WRITE``) and small chunks: every row arrives
    once, in order, and the ZIP archive is whole."""
    n = exports.XLSX_ROWS_PER_WRITE * 3 + 7
    rows = [{"title": f"Zeile {i}", "n": i} for i in range(n)]
    columns = (Column("title", "Title"), Column("n", "N", "int"))
    chunks = list(exports.iter_xlsx(columns, rows, chunk_size=1024))
    assert all(len(chunk) <= 1024 for chunk in chunks) and len(chunks) > 3
    sheet = load(b"".join(chunks))
    assert [(a.value, b.value) for a, b in sheet.iter_rows(min_row=2)] == [
        (f"Zeile {i}", i) for i in range(n)
    ]
    assert sheet.auto_filter.ref == f"A1:B{n + 1}"


# --- GeoJSON --------------------------------------------------------------------------------


def test_geojson_feature_collection(app):
    with app.test_request_context():
        response = exports.geojson_download("karte.geojson", COLUMNS, iter(ROWS), point=point)
        assert response.is_streamed
        data = json.loads(response.get_data())
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="karte.geojson"'
    assert data["type"] == "FeatureCollection" and "crs" not in data
    first, second = data["features"]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [11.0328, 50.9787]}
    lon, lat = first["geometry"]["coordinates"]
    assert 10.9 <= lon <= 11.2 and 50.9 <= lat <= 51.1  # Erfurt, [lon, lat]
    assert first["properties"] == {
        "district_number": "05",
        "id": "7",
        "title": "Löbervorstadt: Bänke",
        "supports": 12,
        "share": 0.25,
        "created": "2025-01-31",
        "answered_at": "2025-02-03T14:04:05+00:00",
        "open": True,
    }
    assert second["geometry"] is None  # no point
    assert second["properties"]["share"] is None


def test_geojson_without_usable_points(app):
    rows = [{"lat": float("nan"), "lon": 11.0}, {"lat": 51.0, "lon": None}, {"lat": 0, "lon": 0}]
    columns = (Column("share", "Share", "float", get=lambda row: float("inf")),)
    with app.test_request_context():
        body = exports.geojson_download(
            "x.geojson", columns, rows, point=lambda r: None if r["lat"] == 0 else point(r)
        ).get_data()
    data = json.loads(body)  # strict JSON: no NaN or Infinity
    assert b"NaN" not in body and b"Infinity" not in body
    assert [f["geometry"] for f in data["features"]] == [None, None, None]
    assert data["features"][0]["properties"] == {"share": None}


def test_geojson_is_streamed_and_reads_rows_lazily(app):
    rows = Pulled(many(3000))
    with app.test_request_context():
        response = exports.geojson_download("x.geojson", COLUMNS, rows, point=point)
        chunks = iter(response.response)
        assert next(chunks) == b'{"type":"FeatureCollection","features":['
        assert rows.count == 0
        next(chunks)
        assert 0 < rows.count < 3000
        rest = b"".join(chunks)
    assert rows.count == 3000 and rest.endswith(b"]}\n")


def test_empty_geojson(app):
    with app.test_request_context():
        body = exports.geojson_download("x.geojson", COLUMNS, [], point=point).get_data()
    assert json.loads(body) == {"type": "FeatureCollection", "features": []}


# --- columns and names ----------------------------------------------------------------------


def test_column_kinds_are_checked():
    with pytest.raises(ValueError, match="kind"):
        Column("x", "X", "number")  # type: ignore[arg-type]


def test_attribute_rows_and_typed_values():
    class Row:
        when = "2025-01-31T10:00:00"
        n = "3"

    assert exports.typed(Column("when", "W", "datetime"), Row()) == datetime(
        2025, 1, 31, 10, tzinfo=UTC
    )
    assert exports.typed(Column("when", "W", "date"), Row()) == date(2025, 1, 31)
    assert exports.typed(Column("n", "N", "int"), Row()) == 3
    assert exports.typed(Column("n", "N", "text"), Row()) == "3"


def test_csv_cells_per_column_kind_are_the_typed_values_written():
    """csv_rows converts per column kind once; the cells are what ``typed`` and the CSV cell
    rules make of every kind of value (the export wrote them that way before)."""
    values = [
        None,
        "",
        0,
        7,
        "7",
        -1.5,
        "2.5",
        float("nan"),
        True,
        False,
        "=SUM(A1)",
        date(2025, 1, 31),
        datetime(2025, 1, 31, 14, 5, 7, 123456),
        datetime(2025, 1, 31, 14, 5, tzinfo=UTC),
        "2025-01-31",
        "2025-01-31T14:05:00+01:00",
    ]
    for kind in KINDS:
        columns = [Column("v", "V", kind), Column("w", "W", kind, lambda row: row["v"])]
        for value in values:
            row = {"v": value}
            try:
                expected = [_csv_cell(typed(column, row)) for column in columns]
            except (TypeError, ValueError):
                with pytest.raises((TypeError, ValueError)):
                    list(csv_rows(columns, [row]))
                continue
            assert list(csv_rows(columns, [row])) == [expected], (kind, value)
