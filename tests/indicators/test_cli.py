"""``flask indicators social-index`` reproduces Berlin's MSS 2019; ``load-demo`` is idempotent."""

from __future__ import annotations

import csv
import random

from sqlalchemy import func, select

from app.extensions import db
from app.indicators import demo_series
from app.indicators.models import IndexDefinition, Indicator, IndicatorValue

from .test_social_index import BERLIN_MSS_2019, D_COLUMNS, DYNAMIC_LABELS, S_COLUMNS, STATUS_LABELS


def test_cli_reproduces_berlin_mss_2019_classes(runner, tmp_path):
    folder = BERLIN_MSS_2019
    with open(folder / "classes.csv", encoding="utf-8", newline="") as handle:
        published = {row["id"]: row for row in csv.DictReader(handle)}
    # Restrict the input to the areas that appear in classes.csv.
    with open(folder / "indicators.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if row["id"] in published]
        fields = reader.fieldnames
    source = tmp_path / "berlin.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    output = tmp_path / "out.csv"
    result = runner.invoke(
        args=[
            "indicators",
            "social-index",
            "--input",
            str(source),
            "--output",
            str(output),
            "--status",
            ",".join(S_COLUMNS),
            "--dynamic",
            ",".join(D_COLUMNS),
            "--id-column",
            "id",
            "--population-column",
            "inhabitants",
            "--min-population",
            "0",
        ]
    )
    assert result.exit_code == 0, result.output
    with open(output, encoding="utf-8", newline="") as handle:
        computed = {row["id"]: row for row in csv.DictReader(handle)}
    assert set(computed) == set(published)
    status_ok = sum(
        int(computed[i]["status_class"]) == STATUS_LABELS[published[i]["status_index_class"]]
        for i in published
    )
    dynamic_ok = sum(
        int(computed[i]["dynamic_class"]) == DYNAMIC_LABELS[published[i]["dynamic_index_class"]]
        for i in published
    )
    assert (status_ok, dynamic_ok) == (436, 436)
    header = next(iter(computed.values())).keys()
    assert list(header) == [
        "id",
        "status_sum",
        "status_index",
        "status_class",
        "dynamic_sum",
        "dynamic_index",
        "dynamic_class",
    ]


def test_cli_any_number_of_indicators_and_areas_status_only(runner, tmp_path):
    rng = random.Random(5)
    source = tmp_path / "areas.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        handle.write("key;pop;a;b;c;d;e\n")
        for k in range(37):
            values = ";".join(f"{rng.uniform(0, 50):.2f}".replace(".", ",") for _ in range(5))
            handle.write(f"X{k};{rng.randint(100, 900)};{values}\n")
    output = tmp_path / "out.csv"
    result = runner.invoke(
        args=[
            "indicators",
            "social-index",
            "--input",
            str(source),
            "--output",
            str(output),
            "--status",
            "a,b,c,d,e",
            "--id-column",
            "key",
            "--population-column",
            "pop",
            "--min-population",
            "300",
            "--invert",
            "e",
        ]
    )
    assert result.exit_code == 0, result.output
    with open(output, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == ["id", "status_sum", "status_index", "status_class"]
    assert all(row["status_class"] in {"1", "2", "3", "4"} for row in rows)
    assert "left out" in result.output  # areas under 300 inhabitants are named


def test_cli_errors_are_clear(runner, tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("id,a\nx,1\ny,abc\n", encoding="utf-8")
    result = runner.invoke(
        args=[
            "indicators",
            "social-index",
            "--input",
            str(source),
            "--output",
            "o.csv",
            "--status",
            "missing",
        ]
    )
    assert result.exit_code != 0 and "missing" in result.output
    result = runner.invoke(
        args=[
            "indicators",
            "social-index",
            "--input",
            str(source),
            "--output",
            "o.csv",
            "--status",
            "a",
        ]
    )
    assert result.exit_code != 0 and "not a number" in result.output
    result = runner.invoke(
        args=[
            "indicators",
            "social-index",
            "--input",
            str(source),
            "--output",
            "o.csv",
            "--status",
            "a",
            "--invert",
            "b",
        ]
    )
    assert result.exit_code != 0


def test_load_demo_is_idempotent(runner, districts):
    result = runner.invoke(args=["indicators", "load-demo"])
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
    expected = len(demo_series.DISTRICTS) * len(demo_series.YEARS) * len(demo_series.INDICATORS)
    assert db.session.scalar(select(func.count(IndicatorValue.id))) == expected
    assert db.session.scalar(select(func.count(Indicator.id))) == len(demo_series.INDICATORS)
    assert db.session.scalar(select(func.count(IndexDefinition.id))) == 1
    result = runner.invoke(args=["indicators", "load-demo"])
    assert "0 values" in result.output
    assert db.session.scalar(select(func.count(IndicatorValue.id))) == expected
    assert all(i.synthetic for i in db.session.scalars(select(Indicator)))


def test_load_demo_refused_in_production(runner, districts, app):
    app.config["DEMO_CONTENT_ALLOWED"] = False
    result = runner.invoke(args=["indicators", "load-demo"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(IndicatorValue.id))) == 0


def test_demo_load_command_includes_indicators(runner, districts):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(IndicatorValue.id))) > 0
