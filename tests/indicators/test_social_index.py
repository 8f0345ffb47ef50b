"""Tests of the social index (MSS method) and the synthetic demo series."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from pathlib import Path

import pytest

from app.indicators import demo_series
from app.indicators.social_index import (
    REASON_EXCLUDED,
    REASON_MISSING,
    REASON_POPULATION,
    changes,
    classify_dynamic,
    classify_status,
    compute_index,
    parse_number,
    read_csv_rows,
    write_results_csv,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


TEST_DATA = REPO_ROOT / "tests" / "data"  # reference data shipped with the tests
BERLIN_MSS_2019 = TEST_DATA / "berlin-mss-2019"
ERFURT_DISTRICTS_CSV = REPO_ROOT / "app" / "districts" / "data" / "erfurt" / "districts.csv"


def rows_of(*columns: list[float | None], population: list[float] | None = None) -> list[dict]:
    """Rows with ids a, b, c, ... and indicator columns i1, i2, ... from column lists."""
    n = len(columns[0])
    rows = []
    for k in range(n):
        row: dict[str, object] = {"id": chr(ord("a") + k)}
        for j, column in enumerate(columns, start=1):
            row[f"i{j}"] = column[k]
        if population is not None:
            row["pop"] = population[k]
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# Berlin MSS 2019 reproduced
# --------------------------------------------------------------------------------------------

S_COLUMNS = (
    "s1_percentage_unemployed",
    "s3_percentage_transfer_payments_recipients",
    "s4_percentage_transfer_payments_recipients_below_15_years",
)
D_COLUMNS = (
    "d1_percentage_unemployed",
    "d3_percentage_transfer_payments_recipients",
    "d4_percentage_transfer_payments_recipients_below_15_years",
)
STATUS_LABELS = {"hoch": 1, "mittel": 2, "niedrig": 3, "sehr niedrig": 4}
DYNAMIC_LABELS = {"positiv": 1, "stabil": 2, "negativ": 3}


def test_reproduces_berlin_mss_2019() -> None:
    folder = BERLIN_MSS_2019
    rows = read_csv_rows(folder / "indicators.csv", ("inhabitants", *S_COLUMNS, *D_COLUMNS))
    with open(folder / "classes.csv", encoding="utf-8", newline="") as handle:
        published = {row["id"]: row for row in csv.DictReader(handle)}
    assert len(published) == 436
    selected = [row for row in rows if row["id"] in published]
    assert len(selected) == len(published)

    result = compute_index(
        selected,
        id_key="id",
        status=S_COLUMNS,
        dynamic=D_COLUMNS,
        population_key="inhabitants",
        min_population=0,
    )
    assert not result.left_out
    assert not result.zero_sd
    assert len(result.areas) == 436

    status_ok = dynamic_ok = 0
    for area in result.areas:
        row = published[area.id]
        expected_status = int(float(row["status_index"]))
        assert STATUS_LABELS[row["status_index_class"]] == expected_status
        status_ok += area.status_class == expected_status
        dynamic_ok += area.dynamic_class == DYNAMIC_LABELS[row["dynamic_index_class"]]
    assert status_ok == 436, f"status classes reproduced: {status_ok}/436"
    assert dynamic_ok == 436, f"dynamic classes reproduced: {dynamic_ok}/436"

    # The standardised sums have mean 0 and population SD 1, by construction.
    indices = [area.status_index for area in result.areas]
    assert math.fsum(indices) / len(indices) == pytest.approx(0.0, abs=1e-12)
    variance = math.fsum(x * x for x in indices) / len(indices)
    assert variance == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------------------------
# Standardisation and orientation
# --------------------------------------------------------------------------------------------


def test_z_uses_population_sd() -> None:
    # values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population SD exactly 2 (sample SD would be 2.138)
    values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    result = compute_index(rows_of(values), id_key="id", status=["i1"])
    stats = result.stats["i1"]
    assert (stats.mean, stats.sd, stats.n) == (5.0, 2.0, 8)
    z = [area.components["i1"][1] for area in result.areas]
    assert z == [-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0]
    assert [area.components["i1"][0] for area in result.areas] == values
    # one indicator: the sum is the z-value and standardising it again changes nothing
    assert [area.status_sum for area in result.areas] == z
    assert [area.status_index for area in result.areas] == pytest.approx(z, abs=1e-15)
    assert result.status_stats is not None and result.status_stats.sd == pytest.approx(1.0)


def test_two_indicators_summed_and_restandardised() -> None:
    # i1 z = (-1, 1, -1, 1), i2 z = (-1, -1, 1, 1): sums (-2, 0, 0, 2), SD sqrt(2)
    result = compute_index(
        rows_of([0, 2, 0, 2], [10, 10, 30, 30]), id_key="id", status=["i1", "i2"]
    )
    assert [a.status_sum for a in result.areas] == [-2.0, 0.0, 0.0, 2.0]
    expected = [-math.sqrt(2), 0.0, 0.0, math.sqrt(2)]
    assert [a.status_index for a in result.areas] == pytest.approx(expected)
    assert [a.status_class for a in result.areas] == [1, 2, 2, 3]  # sqrt(2) <= 1.5


def test_direction_minus_one_orients() -> None:
    # i2 is "grammar school": higher means less disadvantage, so it must agree with i1 here
    rows = rows_of([1, 2, 3, 4], [40, 30, 20, 10])
    same = compute_index(rows, id_key="id", status=["i1", "i2"], directions={"i2": -1})
    assert [a.components["i2"][1] for a in same.areas] == [
        a.components["i1"][1] for a in same.areas
    ]
    assert same.stats["i2"].direction == -1
    assert [a.status_sum for a in same.areas] == pytest.approx(
        [2 * a.components["i1"][1] for a in same.areas]
    )
    # unoriented, the two indicators cancel out exactly: zero SD of the sum, all index 0
    opposite = compute_index(rows, id_key="id", status=["i1", "i2"])
    assert [a.status_index for a in opposite.areas] == [0.0] * 4
    assert "status sum" in opposite.zero_sd


def test_invalid_direction_and_columns() -> None:
    rows = rows_of([1, 2])
    with pytest.raises(ValueError, match="direction"):
        compute_index(rows, id_key="id", status=["i1"], directions={"i1": 2})
    with pytest.raises(ValueError, match="status indicator"):
        compute_index(rows, id_key="id", status=[])
    with pytest.raises(ValueError, match="both"):
        compute_index(rows, id_key="id", status=["i1"], dynamic=["i1"])
    with pytest.raises(ValueError, match="no column"):
        compute_index(rows, id_key="id", status=["i1", "nope"])
    with pytest.raises(ValueError, match="duplicate area id"):
        compute_index(rows + rows, id_key="id", status=["i1"])
    with pytest.raises(TypeError, match="text"):
        compute_index([{"id": "a", "i1": "1,5"}], id_key="id", status=["i1"])
    # directions for columns that are not used are ignored
    compute_index(rows, id_key="id", status=["i1"], directions={"other": 0})


# --------------------------------------------------------------------------------------------
# Classes and cut points
# --------------------------------------------------------------------------------------------


def test_cut_points_are_inclusive_towards_the_middle() -> None:
    assert [classify_status(x) for x in (-1.5, -1.000001, -1.0, 0.0, 1.0)] == [1, 1, 2, 2, 2]
    assert [classify_status(x) for x in (1.000001, 1.5, 1.500001, 3.0)] == [3, 3, 4, 4]
    assert [classify_dynamic(x) for x in (-1.000001, -1.0, 1.0, 1.000001)] == [1, 2, 2, 3]
    # classification uses the index rounded to 6 decimals, as written to CSV
    assert classify_status(1.0000004) == 2 and classify_status(1.0000006) == 3
    assert classify_status(-1.0000004) == 2 and classify_status(-1.0000006) == 1
    # floating-point noise around a cut is classified as on the cut
    assert classify_status(1.0000000000000002) == 2
    assert classify_status(-1.0000000000000002) == 2
    assert classify_status(1.5000000000000002) == 3
    assert classify_dynamic(1.0000000000000002) == 2
    with pytest.raises(ValueError):
        classify_status(math.nan)


def test_index_exactly_on_the_cuts() -> None:
    # 1.5, -1.5, 1, -1, .5, -.5, 0 have mean 0 and population SD exactly 1, so the index is
    # the value itself; scaled and shifted, the arithmetic is no longer exact.
    base = [1.5, -1.5, 1.0, -1.0, 0.5, -0.5, 0.0]
    for scale, shift in ((1.0, 0.0), (3.7, 12.1), (0.013, 0.29), (1e6, -7.3)):
        values = [x * scale + shift for x in base]
        result = compute_index(rows_of(values, values), id_key="id", status=["i1"], dynamic=["i2"])
        assert [a.status_index for a in result.areas] == pytest.approx(base)
        assert [a.status_class for a in result.areas] == [3, 1, 2, 2, 2, 2, 2]
        assert [a.dynamic_class for a in result.areas] == [3, 1, 2, 2, 2, 2, 2]
    # two areas always get index -1 and +1: both medium
    two = compute_index(rows_of([0.1, 0.7]), id_key="id", status=["i1"])
    assert [a.status_class for a in two.areas] == [2, 2]


# --------------------------------------------------------------------------------------------
# Selection of areas
# --------------------------------------------------------------------------------------------


def test_min_population_excludes() -> None:
    rows = rows_of([1, 2, 3, 10], population=[1000, 299, 300, 5000])
    result = compute_index(rows, id_key="id", status=["i1"], population_key="pop")
    assert [a.id for a in result.areas] == ["a", "c", "d"]
    assert result.left_out_ids() == ["b"]
    assert result.left_out[0].reason == REASON_POPULATION
    assert "299" in result.left_out[0].detail
    # the excluded area does not influence mean and SD
    assert result.stats["i1"].mean == pytest.approx((1 + 3 + 10) / 3)
    assert [a.population for a in result.areas] == [1000, 300, 5000]
    # min_population applies only with a population column
    everyone = compute_index(rows, id_key="id", status=["i1"])
    assert len(everyone.areas) == 4


def test_hand_exclusion() -> None:
    rows = rows_of([1, 2, 3, 100], population=[1000, 1000, 1000, 10])
    result = compute_index(
        rows, id_key="id", status=["i1"], population_key="pop", excluded={"b", "d", "zz"}
    )
    assert [a.id for a in result.areas] == ["a", "c"]
    # "excluded" wins over "population" when both apply
    assert [(x.id, x.reason) for x in result.left_out] == [
        ("b", REASON_EXCLUDED),
        ("d", REASON_EXCLUDED),
    ]


def test_missing_values_excluded_with_reason() -> None:
    rows = rows_of([1, None, 3, 4, 5], [1, 2, math.nan, 4, 5], [1, 2, 3, 4, None])
    rows.append({"id": "f", "i1": 1, "i2": 1, "i3": 1, "pop": None})
    result = compute_index(rows[:5], id_key="id", status=["i1", "i2"], dynamic=["i3"])
    assert [a.id for a in result.areas] == ["a", "d"]
    assert [(x.id, x.reason, x.detail) for x in result.left_out] == [
        ("b", REASON_MISSING, "i1"),
        ("c", REASON_MISSING, "i2"),
        ("e", REASON_MISSING, "i3"),
    ]
    assert result.left_out_ids(REASON_MISSING) == ["b", "c", "e"]
    # a missing value in a column that is not used does not matter
    assert len(compute_index(rows[:5], id_key="id", status=["i2"]).areas) == 4
    # a missing population is a missing value
    for row in rows[:5]:
        row["pop"] = 1000
    with_pop = compute_index(rows, id_key="id", status=["i2"], population_key="pop")
    assert with_pop.left_out[-1].id == "f"
    assert with_pop.left_out[-1].reason == REASON_MISSING
    assert with_pop.left_out[-1].detail == "pop"


def test_nothing_left() -> None:
    result = compute_index(rows_of([None, None]), id_key="id", status=["i1"])
    assert result.areas == [] and len(result.left_out) == 2
    assert result.status_stats is None


# --------------------------------------------------------------------------------------------
# Degenerate data, any number of indicators, ranks
# --------------------------------------------------------------------------------------------


def test_zero_sd_indicator_does_not_crash() -> None:
    rows = rows_of([1, 2, 3, 4], [0.1, 0.1, 0.1, 0.1])
    result = compute_index(rows, id_key="id", status=["i1", "i2"])
    assert result.zero_sd == ["i2"]
    assert result.stats["i2"].zero_sd and result.stats["i2"].sd == 0.0
    assert [a.components["i2"][1] for a in result.areas] == [0.0] * 4
    # the other indicator alone decides
    alone = compute_index(rows, id_key="id", status=["i1"])
    assert [a.status_index for a in result.areas] == [a.status_index for a in alone.areas]
    # nothing varies at all: everyone medium, both the indicator and the sum reported
    flat = compute_index(rows, id_key="id", status=["i2"])
    assert [a.status_index for a in flat.areas] == [0.0] * 4
    assert [a.status_class for a in flat.areas] == [2] * 4
    assert flat.zero_sd == ["i2", "status sum"]
    # a single area
    single = compute_index(rows[:1], id_key="id", status=["i1"], dynamic=["i2"])
    assert single.areas[0].status_class == 2 and single.areas[0].dynamic_class == 2
    assert single.zero_sd == ["i1", "status sum", "i2", "dynamic sum"]


def test_one_indicator() -> None:
    result = compute_index(rows_of([3, 1, 2]), id_key="id", status=["i1"])
    assert [a.rank for a in result.areas] == [1, 3, 2]
    assert not result.has_dynamic
    assert result.areas[0].dynamic_index is None and result.areas[0].dynamic_class is None


def test_seven_indicators() -> None:
    base = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    columns = [[x * (k + 1) + k for x in base] for k in range(7)]
    columns[3] = [-x for x in columns[3]]  # one indicator with direction -1
    status = [f"i{k}" for k in range(1, 8)]
    result = compute_index(rows_of(*columns), id_key="id", status=status, directions={"i4": -1})
    z1 = [a.components["i1"][1] for a in result.areas]
    for k in status:
        assert [a.components[k][1] for a in result.areas] == pytest.approx(z1)
    assert [a.status_sum for a in result.areas] == pytest.approx([7 * z for z in z1])
    assert [a.status_index for a in result.areas] == pytest.approx(z1)
    assert len(result.stats) == 7


def test_ranks() -> None:
    result = compute_index(rows_of([5, 9, 1, 9, 7]), id_key="id", status=["i1"])
    # highest index is rank 1; ties share the rank
    assert {a.id: a.rank for a in result.areas} == {"a": 4, "b": 1, "c": 5, "d": 1, "e": 3}
    reversed_result = compute_index(
        rows_of([5, 9, 1, 9, 7]), id_key="id", status=["i1"], directions={"i1": -1}
    )
    assert reversed_result.by_id()["c"].rank == 1


def test_dynamic_index() -> None:
    rows = rows_of([1, 2, 3, 4], [0.5, -0.5, 0.0, 0.0], [1.0, -1.0, 0.0, 0.0])
    result = compute_index(rows, id_key="id", status=["i1"], dynamic=["i2", "i3"])
    assert result.has_dynamic
    assert [a.dynamic_index for a in result.areas] == pytest.approx(
        [math.sqrt(2), -math.sqrt(2), 0.0, 0.0]
    )
    assert [a.dynamic_class for a in result.areas] == [3, 1, 2, 2]
    assert set(result.areas[0].components) == {"i1", "i2", "i3"}


# --------------------------------------------------------------------------------------------
# Changes and CSV helpers
# --------------------------------------------------------------------------------------------


def test_changes() -> None:
    series = {2017: 10.0, 2018: 11.0, 2019: 12.5, 2020: None, 2021: math.nan}
    assert changes(series, 2, 2019) == 2.5
    assert changes(series, 1, 2019) == 1.5
    assert changes(series, 2, 2018) is None  # 2016 absent
    assert changes(series, 1, 2020) is None
    assert changes(series, 2, 2021) is None
    with pytest.raises(ValueError):
        changes(series, 0, 2019)


def test_parse_number() -> None:
    assert parse_number("2,5") == 2.5
    assert parse_number(" -0.25 ") == -0.25
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("1.234.567") == 1234567
    assert parse_number("\u22123,0") == -3.0
    assert parse_number("12 345") == 12345
    for missing in ("", "  ", "NA", "nan", "."):
        assert parse_number(missing) is None
    for bad in ("abc", "+/-", "inf", "1,2,3.4.5"):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_read_csv_rows_decimal_comma_and_semicolon() -> None:
    text = "\ufeffid;name;pop;rate\n007;Süd;1.234;2,5\n008;Nord;;\n\n009;Ost;500\n"
    rows = read_csv_rows(io.StringIO(text), ["pop", "rate"])
    assert rows == [
        {"id": "007", "name": "Süd", "pop": 1.234, "rate": 2.5},
        {"id": "008", "name": "Nord", "pop": None, "rate": None},
        {"id": "009", "name": "Ost", "pop": 500.0, "rate": None},
    ]
    rows = read_csv_rows(io.BytesIO(b'id,rate\n1,"2,5"\n2,3.5\n'), ["rate"])
    assert [row["rate"] for row in rows] == [2.5, 3.5]
    with pytest.raises(ValueError, match="not in CSV header"):
        read_csv_rows(io.StringIO("id,rate\n1,2\n"), ["pop"])
    with pytest.raises(ValueError, match="line 3"):
        read_csv_rows(io.StringIO("id,rate\n1,2\n2,x2\n"), ["rate"])


def test_write_results_csv(tmp_path: Path) -> None:
    rows = rows_of([1, 2, 3, 4], [0, 1, 0, 1], population=[1000, 1000, 1000, 10])
    result = compute_index(rows, id_key="id", status=["i1"], dynamic=["i2"], population_key="pop")
    out = io.StringIO()
    write_results_csv(result, out, with_dynamic=True)
    lines = out.getvalue().splitlines()
    assert (
        lines[0]
        == "id,status_sum,status_index,status_class,dynamic_sum,dynamic_index,dynamic_class"
    )
    assert len(lines) == 4  # area d is left out (population)
    assert lines[1] == "a,-1.224745,-1.224745,1,-0.707107,-0.707107,2"
    assert lines[2].startswith("b,0.000000,0.000000,2,")  # never "-0.000000"
    path = tmp_path / "out.csv"
    write_results_csv(result, path, with_dynamic=False)
    assert (
        path.read_text(encoding="utf-8").splitlines()[0]
        == "id,status_sum,status_index,status_class"
    )
    # default: with dynamics when the result has them
    default = io.StringIO()
    write_results_csv(result, default)
    assert default.getvalue() == out.getvalue()
    no_dynamic = compute_index(rows, id_key="id", status=["i1"])
    with pytest.raises(ValueError):
        write_results_csv(no_dynamic, io.StringIO(), with_dynamic=True)


def test_csv_round_trip_of_berlin_results() -> None:
    folder = BERLIN_MSS_2019
    rows = read_csv_rows(folder / "indicators.csv", ("inhabitants", *S_COLUMNS))
    result = compute_index(rows, id_key="id", status=S_COLUMNS, population_key="inhabitants")
    out = io.StringIO()
    write_results_csv(result, out, with_dynamic=False)
    written = read_csv_rows(io.StringIO(out.getvalue()), ["status_index", "status_class"])
    assert len(written) == len(result.areas)
    for row in written:
        assert classify_status(row["status_index"]) == row["status_class"]


# --------------------------------------------------------------------------------------------
# Synthetic demo series
# --------------------------------------------------------------------------------------------


def test_demo_series_deterministic_and_complete() -> None:
    first = demo_series.generate()
    assert first == demo_series.generate()
    assert len(first) == 53 * 13 * 8
    keys = {(number, code, year) for number, code, year, _ in first}
    assert len(keys) == len(first)
    assert {k[0] for k in keys} == {f"{n:02d}" for n in range(1, 54)}
    assert {k[1] for k in keys} == set(demo_series.INDICATOR_CODES)
    assert {k[2] for k in keys} == set(range(2012, 2025))
    assert len(demo_series.INDICATOR_CODES) == 8


def test_demo_series_values_plausible() -> None:
    values: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for number, code, year, value in demo_series.generate():
        values[number, code][year] = value
        if code == "inhabitants":
            assert isinstance(value, int) and value > 0
        else:
            assert 0.0 <= value <= 100.0
            assert value == round(value, 1)

    def mean(numbers: list[str], code: str) -> float:
        series = [v for n in numbers for v in values[n, code].values()]
        return sum(series) / len(series)

    estates, villages = ["23", "25", "14", "15"], ["35", "40", "44"]
    assert mean(estates, "sgb2_rate") > 2 * mean(villages, "sgb2_rate")
    assert mean(estates, "grammar_school") < mean(villages, "grammar_school")
    assert any(v < 300 for n, _ in demo_series.DISTRICTS for v in values[n, "inhabitants"].values())
    total_2024 = sum(values[n, "inhabitants"][2024] for n, _ in demo_series.DISTRICTS)
    assert 200_000 < total_2024 < 230_000


def test_demo_metadata_and_names() -> None:
    directions = {i.code: i.direction for i in demo_series.INDICATORS}
    assert directions["grammar_school"] == -1
    assert directions["sgb2_rate"] == 1
    assert all(i.name_de and i.name_en and i.unit and i.topic for i in demo_series.INDICATORS)
    with open(ERFURT_DISTRICTS_CSV, encoding="utf-8", newline="") as handle:
        official = [(row["number"], row["name"]) for row in csv.DictReader(handle)]
    assert list(demo_series.DISTRICTS) == official


def test_demo_series_feeds_the_index() -> None:
    codes = ["unemployment", "sgb2_rate", "children_sgb2"]
    rows = demo_series.index_rows(2024)
    directions = {i.code: i.direction for i in demo_series.INDICATORS}
    result = compute_index(
        rows,
        id_key="id",
        status=[*codes, "grammar_school"],
        dynamic=[f"d_{code}" for code in codes],
        population_key="inhabitants",
        directions=directions,
    )
    assert "51" in result.left_out_ids(REASON_POPULATION)
    ranked = sorted(result.areas, key=lambda a: a.rank)
    assert {a.id for a in ranked[:7]} <= {"05", "06", "10", "13", "14", "15", "23", "25"}
    assert all(a.status_class >= 3 for a in ranked[:5])
    # the first year has no two-year change: every district misses the dynamics values
    early = compute_index(
        demo_series.index_rows(2012), id_key="id", status=codes, dynamic=["d_sgb2_rate"]
    )
    assert early.areas == [] and len(early.left_out_ids(REASON_MISSING)) == 53
