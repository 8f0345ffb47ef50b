"""The one CSV writer (app/core/csv_export.py): UTF-8 with BOM, ``;``, CRLF, formula-safe
cells, text kept as text; the download response; and that no other module writes CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from app.core.csv_export import (
    content_disposition,
    csv_response,
    csv_safe,
    csv_text,
    write_csv,
)

APP = Path(__file__).resolve().parents[2] / "app"


def read_back(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    )


def test_utf8_with_bom_and_umlauts():
    text = csv_text(["Ortsteil"], [["Löbervorstadt"], ["Straße"]])
    assert text.startswith("\ufeff") and text.count("\ufeff") == 1
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbfOrtsteil")
    assert read_back(text) == [["Ortsteil"], ["Löbervorstadt"], ["Straße"]]
    assert not text.lstrip("\ufeff").startswith("sep=")


def test_semicolon_is_the_default_delimiter():
    text = csv_text(["a", "b"], [["1,5", "x;y"]])
    assert text == '\ufeffa;b\r\n1,5;"x;y"\r\n'
    assert read_back(text) == [["a", "b"], ["1,5", "x;y"]]


def test_comma_only_when_asked_and_nothing_else():
    text = csv_text(["a", "b"], [["1.5", "x,y"]], delimiter=",")
    assert text == '\ufeffa,b\r\n1.5,"x,y"\r\n'
    with pytest.raises(ValueError, match="delimiter"):
        csv_text(["a"], [], delimiter="\t")


def test_crlf_line_ends_also_around_a_line_break_in_a_cell():
    raw = csv_text(["a", "b"], [["first\nsecond", "x"], ["y", "z"]]).encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == 3  # header and two rows; the break inside the cell is quoted
    assert b'"first\nsecond"' in raw
    assert read_back(raw.decode("utf-8-sig")) == [["a", "b"], ["first\nsecond", "x"], ["y", "z"]]


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example")',
        "+49 361 655",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
    ],
)
def test_formulas_are_defused(value):
    rows = read_back(csv_text(["h"], [[value]]))
    assert rows[1] == ["'" + value]
    assert csv_safe(csv_safe(value)) == csv_safe(value)  # applied twice, still one quote


@pytest.mark.parametrize(
    "value", ["-1.5", "+3", "-0.000001", "-2e-3", "1.5", "Sozial-Index", "a=b"]
)
def test_numbers_and_harmless_text_stay_as_they_are(value):
    assert read_back(csv_text(["h"], [[value]]))[1] == [value]


def test_header_cells_are_defused_too():
    assert read_back(csv_text(["=cmd", "ok"], []))[0] == ["'=cmd", "ok"]


def test_leading_zeros_and_ids_are_kept_as_text():
    text = csv_text(
        ["district", "id", "value", "empty"],
        [["05", 7, -1.25, None], ["007", 12, 1000.0, ""], ["01011101", 3, 0, None]],
    )
    body = text.removeprefix("\ufeff").split("\r\n")
    assert body[1] == "05;7;-1.25;"
    assert body[2] == "007;12;1000.0;"
    assert body[3] == "01011101;3;0;"
    assert [row[0] for row in read_back(text)[1:]] == ["05", "007", "01011101"]


def test_write_csv_to_a_file_without_bom(tmp_path):
    path = tmp_path / "out.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write_csv(handle, ["id", "x"], [["01", "-0.5"]], delimiter=",", bom=False)
    assert path.read_bytes() == b"id,x\r\n01,-0.5\r\n"


def test_content_disposition():
    assert content_disposition("ortsteilrat-rieth-2025-01-31.csv") == (
        'attachment; filename="ortsteilrat-rieth-2025-01-31.csv"'
    )
    value = content_disposition('Übersicht "Süd".csv')
    assert value.startswith('attachment; filename="Ubersicht _Sud_.csv"')
    assert value.endswith("; filename*=UTF-8''%C3%9Cbersicht%20%22S%C3%BCd%22.csv")
    assert content_disposition("a/b\\c.csv") == 'attachment; filename="a_b_c.csv"; ' + (
        "filename*=UTF-8''a%2Fb%5Cc.csv"
    )


def test_csv_response(app):
    with app.test_request_context():
        response = csv_response("zahlen.csv", ["district", "name"], [["05", "Löbervorstadt"]])
        assert response.mimetype == "text/csv"
        assert response.mimetype_params.get("charset") == "utf-8"
        assert response.headers["Content-Disposition"] == 'attachment; filename="zahlen.csv"'
        assert "Cache-Control" not in response.headers
        assert response.get_data() == "\ufeffdistrict;name\r\n05;Löbervorstadt\r\n".encode()
        private = csv_response("x.csv", ["a"], [["1"]], delimiter=",", no_store=True)
        assert private.headers["Cache-Control"] == "no-store"


WRITING_CSV = re.compile(r"csv\.writer\(|csv\.DictWriter\(|text/csv|\.write\([\"']\\ufeff")


def test_no_other_module_writes_csv():
    """Every CSV file goes through app/core/csv_export.py (readers are fine)."""
    offenders = [
        str(path.relative_to(APP))
        for path in sorted(APP.rglob("*.py"))
        if path.name != "csv_export.py" and WRITING_CSV.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
