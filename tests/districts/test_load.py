"""Loading Erfurt's districts and councils: complete, corrected, idempotent."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.districts.models import Council, District
from app.districts.services import DEFAULT_DATA_DIR, DistrictDataError, load_districts
from app.extensions import db


def test_all_53_districts_with_official_numbers(districts):
    assert sorted(districts) == [f"{n:02d}" for n in range(1, 54)]
    assert districts["23"].name == "Moskauer Platz"
    assert districts["01"].name == "Altstadt"


def test_bindersleben_number_is_corrected(districts):
    assert districts["20"].name == "Bindersleben"
    assert districts["39"].name == "Frienstedt"


def test_councils_from_the_data_file(districts):
    assert db.session.scalar(select(func.count(Council.id))) == 44
    assert districts["23"].council.name == "Moskauer Platz"
    for inner_city in ("01", "02", "03", "04", "07", "08", "09", "11", "24"):
        assert districts[inner_city].council is None


def test_loading_twice_changes_nothing(districts):
    report = load_districts()
    db.session.commit()
    assert (report.districts_created, report.districts_updated) == (0, 0)
    assert (report.councils_created, report.councils_updated, report.councils_removed) == (0, 0, 0)
    assert db.session.scalar(select(func.count(District.id))) == 53


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "erfurt"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def _rewrite_csv(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    rows = change(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_reloading_a_changed_file_updates_without_duplicates(districts, data_copy):
    # Berliner Platz and Rieth share one council; Altstadt gets one; a council is renamed.
    def councils(rows):
        rows = [r for r in rows if r["slug"] != "rieth"]
        for r in rows:
            if r["slug"] == "berliner-platz":
                r["name"], r["districts"] = "Berliner Platz/Rieth", "05;06"
        rows.append({"slug": "altstadt", "name": "Altstadt", "districts": "1"})
        return rows

    _rewrite_csv(data_copy / "councils.csv", councils)
    report = load_districts(data_copy)
    db.session.commit()
    assert report.districts_created == 0
    assert (report.councils_created, report.councils_updated, report.councils_removed) == (1, 1, 1)
    by_number = {d.number: d for d in db.session.scalars(select(District))}
    assert by_number["05"].council is by_number["06"].council
    assert by_number["05"].council.name == "Berliner Platz/Rieth"
    assert by_number["01"].council.slug == "altstadt"
    assert db.session.scalar(select(func.count(Council.id))) == 44
    assert db.session.scalar(select(func.count(District.id))) == 53


def test_changed_boundary_and_name_are_updated(districts, data_copy):
    geo = json.loads((data_copy / "districts.geojson").read_text(encoding="utf-8"))
    for feature in geo["features"]:
        if feature["properties"]["NAME"] == "Altstadt":
            feature["properties"]["NAME"] = "Altstadt-Mitte"
    (data_copy / "districts.geojson").write_text(json.dumps(geo), encoding="utf-8")
    _rewrite_csv(
        data_copy / "districts.csv",
        lambda rows: [{**r, "name": "Altstadt-Mitte"} if r["number"] == "01" else r for r in rows],
    )
    report = load_districts(data_copy)
    db.session.commit()
    assert report.districts_updated == 1 and report.districts_created == 0
    assert db.session.scalar(select(District.name).where(District.number == "01")) == (
        "Altstadt-Mitte"
    )


def test_council_with_roles_is_kept_when_removed_from_file(districts, data_copy, create_user):
    create_user("mayor", council="06")
    _rewrite_csv(data_copy / "councils.csv", lambda rows: [r for r in rows if r["slug"] != "rieth"])
    report = load_districts(data_copy)
    db.session.commit()
    assert report.councils_removed == 0
    assert any("rieth" in w for w in report.warnings)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda rows: rows + [{"slug": "x", "name": "X", "districts": "99"}], "unknown district"),
        (lambda rows: rows + [{"slug": "x", "name": "X", "districts": "23"}], "already belongs"),
        (lambda rows: rows + [rows[0]], "appears twice"),
    ],
)
def test_inconsistent_council_file_is_refused(app, data_copy, change, message):
    _rewrite_csv(data_copy / "councils.csv", change)
    with pytest.raises(DistrictDataError, match=message):
        load_districts(data_copy)


def test_cli_load_is_idempotent(empty_database, app, runner):
    first = runner.invoke(args=["districts", "load"])
    assert first.exit_code == 0, first.output
    assert "53 created" in first.output
    assert "Bindersleben: source number 39 corrected to 20" in first.output
    second = runner.invoke(args=["districts", "load"])
    assert "0 created, 0 updated" in second.output
    assert db.session.scalar(select(func.count(District.id))) == 53


def test_cli_load_reports_bad_data(app, runner, data_copy):
    _rewrite_csv(data_copy / "councils.csv", lambda rows: rows + [rows[0]])
    result = runner.invoke(args=["districts", "load", str(data_copy)])
    assert result.exit_code != 0
    assert "appears twice" in result.output
