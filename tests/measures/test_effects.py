"""Effect monitoring ("Entwicklung im Vergleich"): known effects planted in synthetic series
(a common trend, seeded district noise, a step in the treated districts) are recovered; the
guards hold; the API answers in the issue's shape with a constant number of queries."""

from __future__ import annotations

import random
from datetime import date

import pytest

from app.extensions import db
from app.indicators.models import Indicator, IndicatorValue
from app.measures import effects
from app.measures.models import EffectComparison, Measure

YEARS = list(range(2010, 2022))
START = 2016
TREATED = [1, 2]


def synthetic(
    *,
    step: float = 0.0,
    pre_trend: float = 0.0,
    districts: int = 50,
    years: list[int] = YEARS,
    seed: int = 7,
    noise: float = 0.05,
) -> effects.Series:
    """A common trend of +0.5 a year, district levels between 5 and 30, seeded noise; the
    treated districts get ``step`` from the start year and an extra slope ``pre_trend`` a
    year before it (zero at the baseline)."""
    rng = random.Random(seed)
    series: effects.Series = {}
    for d in range(1, districts + 1):
        level = rng.uniform(5, 30)
        series[d] = {}
        for year in years:
            value = level + 0.5 * (year - years[0]) + rng.gauss(0, noise)
            if d in TREATED:
                if year >= START:
                    value += step
                else:
                    value += pre_trend * (year - (START - 1))
            series[d][year] = value
    return series


def run(series, **kwargs) -> effects.Effect:
    options = {"excluded": set(), "neighbours": {}, "weights": None, "direction": "down"}
    options.update(kwargs)
    return effects.compute_effect("x", series, TREATED, START, **options)


def test_a_planted_step_is_recovered_in_every_post_year():
    effect = run(synthetic(step=-2.0))
    assert effect.reason is None and effect.baseline_year == START - 1
    assert len(effect.comparison) == effects.K
    assert not set(effect.comparison) & set(TREATED)
    assert [f.year for f in effect.years] == list(range(START, 2022))
    for figure in effect.years:
        assert figure.did == pytest.approx(-2.0, rel=0.10)
    assert effect.parallel is True
    # the planted step is larger than every placebo district's difference
    assert effect.placebo_of == 48 and effect.placebo_rank == 48


@pytest.mark.parametrize("step", [-2.0, 2.0])
def test_the_placebo_rank_counts_the_expected_direction(step):
    """A step in the expected direction is stronger than every placebo district's difference;
    the same step against the expectation is weaker than every one (not "larger" as an
    absolute value would say)."""
    expected = "down" if step < 0 else "up"
    contrary = "up" if step < 0 else "down"
    series = synthetic(step=step)
    strong = run(series, direction=expected)
    assert strong.mean_did == pytest.approx(step, rel=0.10)
    assert strong.placebo_of == 48 and strong.placebo_rank == 48
    assert not strong.against_expectation
    weak = run(series, direction=contrary)
    assert weak.placebo_of == 48 and weak.placebo_rank == 0
    assert weak.against_expectation
    # the figures themselves do not depend on the direction
    assert [f.did for f in weak.years] == [f.did for f in strong.years]


def test_the_placebo_wording_names_the_direction(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        down = effects.placebo_text(run(synthetic(step=-2.0), direction="down"))
        assert "decrease" in down and "48 of 48" in down and "rose, not fell" not in down
        up = effects.placebo_text(run(synthetic(step=-2.0), direction="up"))
        assert "increase" in up and "0 of 48" in up
        assert "The indicator fell, not rose" in up
        rising = effects.placebo_text(run(synthetic(step=2.0), direction="down"))
        assert "The indicator rose, not fell" in rising


def test_a_planted_step_is_recovered_with_population_weights():
    series = synthetic(step=-2.0, noise=0.2)
    rng = random.Random(3)
    weights = {d: rng.uniform(500, 20000) for d in series}
    effect = run(series, weights=weights)
    for figure in effect.years:
        assert figure.did == pytest.approx(-2.0, rel=0.10)


def test_without_an_effect_the_placebo_rank_is_not_extreme():
    effect = run(synthetic(step=0.0, seed=11))
    assert effect.reason is None
    assert effect.placebo_of == 48
    assert 0 < effect.placebo_rank < 0.9 * effect.placebo_of
    assert all(abs(f.did) < 0.2 for f in effect.years)


def test_a_planted_pre_trend_is_not_parallel():
    effect = run(synthetic(step=-2.0, pre_trend=0.6))
    assert effect.pre_trend_years == 6
    assert effect.parallel is False
    assert effect.max_abs_pre_did > effect.tolerance
    # the event-study value of the baseline year is 0 by construction
    assert effect.pre_years[-1].year == START - 1 and effect.pre_years[-1].did == 0


def test_fewer_than_three_pre_years_give_a_reason_not_a_figure():
    effect = run(synthetic(years=list(range(2014, 2022))))
    assert effect.pre_trend_years == 2
    assert effect.reason and not effect.years and effect.parallel is None


def test_fewer_than_three_comparison_districts_give_a_reason():
    series = synthetic(districts=6)
    # districts 3 and 4 neighbour the treated ones, 5 has another measure: only 6 remains
    effect = run(series, neighbours={1: {3}, 2: {4}}, excluded={5})
    assert effect.comparison == [6]
    assert effect.reason and not effect.years


def test_neighbours_and_excluded_districts_are_never_compared():
    series = synthetic()
    # make districts 3 and 4 the perfect matches: they would be chosen first
    for d in (3, 4):
        series[d] = {y: (series[1][y] + series[2][y]) / 2 for y in YEARS}
    assert {3, 4} <= set(run(series).comparison)
    effect = run(series, neighbours={1: {3}}, excluded={4})
    assert not {3, 4} & set(effect.comparison)


def test_no_start_year():
    effect = effects.compute_effect(
        "x",
        synthetic(),
        TREATED,
        None,
        excluded=set(),
        neighbours={},
        weights=None,
        direction="down",
    )
    assert effect.reason and effect.baseline_year is None


def test_neighbours_come_from_shared_boundaries():
    from shapely.geometry import box

    shapes = {1: box(0, 0, 1, 1), 2: box(1, 0, 2, 1), 3: box(5, 5, 6, 6)}
    assert effects.neighbours_of(shapes) == {1: {2}, 2: {1}, 3: set()}


# --- with the database ------------------------------------------------------------------------


@pytest.fixture
def planted(districts):
    """A rate indicator over all districts 2010–2021 with a step of −2.0 in district 23 from
    2016, inhabitants per district (district 05 under 300, and a copy of 23's series)."""
    rate = Indicator(
        code="planted",
        name_de="Gepflanzt",
        name_en="Planted",
        unit="percent",
        topic="labour",
        direction=1,
    )
    inhabitants = Indicator(
        code="inhabitants",
        name_de="Einwohner",
        name_en="Inhabitants",
        unit="count",
        topic="population",
        direction=0,
    )
    db.session.add_all([rate, inhabitants])
    db.session.flush()
    rng = random.Random(5)  # drawn in the districts' number order: the same series on any database
    levels = {number: rng.uniform(5, 30) for number in sorted(districts)}
    levels["05"] = levels["23"]
    for number, district in sorted(districts.items()):
        for year in YEARS:
            value = levels[number] + 0.5 * (year - 2010) + rng.gauss(0, 0.05)
            if number == "23" and year >= START:
                value -= 2.0
            db.session.add(
                IndicatorValue(
                    indicator_id=rate.id, district_id=district.id, year=year, value=value
                )
            )
            people = 200.0 if number == "05" else 3000.0
            db.session.add(
                IndicatorValue(
                    indicator_id=inhabitants.id, district_id=district.id, year=year, value=people
                )
            )
    db.session.commit()
    return rate


def test_the_api_answers_in_the_issue_shape(client, make_measure, planted, districts):
    measure = make_measure(
        indicators=[(planted.id, "down")],
        actual_start=date(START, 3, 1),
        qualitative_assessment="Gut angenommen.",
    )
    body = client.get(f"/api/v1/measures/{measure.id}/effects").get_json()
    assert body["measure"] == measure.id
    (effect,) = body["effects"]
    assert set(effect) == {
        "indicator",
        "baseline_year",
        "treated",
        "comparison",
        "years",
        "pre_trend",
        "placebo",
        "reason",
    }
    assert effect["indicator"] == "planted" and effect["baseline_year"] == START - 1
    assert effect["treated"] == ["23"] and effect["reason"] is None
    assert len(effect["comparison"]) == 5
    # tiny districts (05 copies 23 but has 200 inhabitants) and neighbours are left out
    assert "05" not in effect["comparison"]
    neighbours = effects.district_neighbours()[districts["23"].id]
    assert neighbours
    numbers = {d.id: n for n, d in districts.items()}
    assert not {numbers[d] for d in neighbours} & set(effect["comparison"])
    assert set(effect["years"][0]) == {"year", "treated", "comparison", "did"}
    for year in effect["years"]:
        assert year["did"] == pytest.approx(-2.0, rel=0.10)
    assert effect["pre_trend"]["years"] == 6 and effect["pre_trend"]["parallel"] is True
    assert set(effect["placebo"]) == {"rank", "of", "direction"}
    assert effect["placebo"]["direction"] == "down"
    assert effect["placebo"]["rank"] == effect["placebo"]["of"] > 30
    assert client.get("/api/v1/measures/999999/effects").status_code == 404


def test_a_frozen_group_is_used_and_the_query_count_is_constant(
    client, make_measure, planted, districts, count_queries
):
    measure = make_measure(indicators=[(planted.id, "down")], actual_start=date(START, 3, 1))
    assert effects.freeze(measure, today_year=START - 1) == 0  # not started yet
    assert effects.freeze(measure, today_year=START) == 1
    assert effects.freeze(measure, today_year=START) == 0  # frozen once
    db.session.commit()
    row = db.session.scalar(db.select(EffectComparison))
    chosen = [districts[n].id for n in ("01", "02", "03")]
    row.district_ids = chosen
    db.session.commit()
    url = f"/api/v1/measures/{measure.id}/effects"
    client.get(url)  # warm the per-process caches
    with count_queries() as one:
        (effect,) = client.get(url).get_json()["effects"]
    assert effect["comparison"] == ["01", "02", "03"]
    other = Indicator(
        code="other", name_de="Andere", name_en="Other", unit="count", topic="labour", direction=1
    )
    db.session.add(other)
    db.session.commit()
    second = make_measure(
        indicators=[(planted.id, "down"), (other.id, "up")], actual_start=date(START, 3, 1)
    )
    url = f"/api/v1/measures/{second.id}/effects"
    client.get(url)
    with count_queries() as two:
        body = client.get(url).get_json()
    assert len(body["effects"]) == 2
    found = {e["indicator"]: e for e in body["effects"]}
    assert found["other"]["reason"] and not found["other"]["years"]  # no values: a reason
    assert found["planted"]["reason"] is None
    assert one.count == two.count


def test_the_measure_page_shows_the_comparison(client, make_measure, planted, districts):
    measure = make_measure(
        indicators=[(planted.id, "down")],
        actual_start=date(START, 3, 1),
        qualitative_assessment="Gut angenommen.",
    )
    html = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert "Entwicklung im Vergleich" in html and "Wirkung" not in html
    assert 'id="compare-planted"' in html and "<svg" in html
    assert "Gut angenommen." in html
    effect = effects.load_effects(measure)[0]
    number = next(n for n, d in districts.items() if d.id == effect.comparison[0])
    assert f'href="/ortsteile/{number}"' in html
    assert "-2.0" in html  # the difference per year in the table
    # the placebo rank is counted in the expected direction, and the page says which
    assert "zählt der Unterschied als Rückgang" in html and "nicht gestiegen" not in html
    contrary = make_measure(
        title="Erwartet steigend",
        indicators=[(planted.id, "up")],
        actual_start=date(START, 3, 1),
    )
    html = client.get(f"/massnahmen/{contrary.id}").get_data(as_text=True)
    assert "zählt der Unterschied als Anstieg" in html and "größer als in 0 von" in html
    assert "ist der Indikator gesunken, nicht gestiegen" in html
    methods = client.get("/indikatoren/methode").get_data(as_text=True)
    assert 'id="entwicklung-im-vergleich"' in methods


def test_the_page_says_why_there_is_no_figure(client, make_measure, planted):
    measure = make_measure(indicators=[(planted.id, "down")], actual_start=date(2012, 3, 1))
    html = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert "Entwicklung im Vergleich" in html and 'id="compare-planted"' in html
    assert "<svg" not in html.split('id="compare-planted"')[1].split("</section>")[0]


def test_a_planner_changes_the_comparison_group_with_a_reason(
    client, make_measure, planted, districts, login, planner
):
    from app.core.audit import AuditEntry

    measure = make_measure(indicators=[(planted.id, "down")], actual_start=date(START, 3, 1))
    login(planner)
    url = f"/verwaltung/massnahmen/{measure.id}/vergleich"
    page = client.get(url)
    assert page.status_code == 200 and "Gepflanzt" in page.get_data(as_text=True)
    # without a reason: refused, what was typed stays, nothing written
    refused = client.post(url, data={"indicator": planted.id, "districts": "01, 2, 03"})
    assert refused.status_code == 400
    assert 'value="01, 2, 03"' in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(EffectComparison)) is None
    unknown = client.post(
        url, data={"indicator": planted.id, "districts": "01, 99", "reason": "Ortskenntnis"}
    )
    assert unknown.status_code == 400 and "99" in unknown.get_data(as_text=True)
    own = client.post(url, data={"indicator": planted.id, "districts": "23", "reason": "x"})
    assert own.status_code == 400
    done = client.post(
        url, data={"indicator": planted.id, "districts": "01, 2, 03", "reason": "Ortskenntnis"}
    )
    assert done.status_code == 302
    row = db.session.scalar(db.select(EffectComparison))
    assert sorted(row.district_ids) == sorted(districts[n].id for n in ("01", "02", "03"))
    assert row.reason == "Ortskenntnis" and row.edited_by_id == planner.id
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "measure.comparison_changed")
    )
    assert entry.reason == "Ortskenntnis" and entry.target_id == measure.id
    body = client.get(f"/api/v1/measures/{measure.id}/effects").get_json()
    assert body["effects"][0]["comparison"] == ["01", "02", "03"]


def test_saving_a_started_measure_freezes_its_groups(
    client, planted, login, planner, offices, districts
):
    from tests.measures.test_pages import form_data

    login(planner)
    data = form_data(offices, districts, indicators="planted:down", actual_start=f"{START}-03-01")
    assert client.post("/verwaltung/massnahmen/neu", data=data).status_code == 302
    row = db.session.scalar(db.select(EffectComparison))
    assert row is not None and len(row.district_ids) == effects.K and row.reason == ""
    measure_id = row.measure_id
    # saving again keeps the frozen group
    frozen = list(row.district_ids)
    url = f"/verwaltung/massnahmen/{measure_id}/bearbeiten"
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalars(db.select(EffectComparison)).all()[0].district_ids == frozen
    # a measure that has not started yet gets none
    later = form_data(
        offices, districts, title="Später", indicators="planted:down", actual_start="2099-01-01"
    )
    assert client.post("/verwaltung/massnahmen/neu", data=later).status_code == 302
    assert len(db.session.scalars(db.select(EffectComparison)).all()) == 1


def test_only_planners_change_comparison_groups(client, make_measure, planted, login, people):
    measure = make_measure(indicators=[(planted.id, "down")], actual_start=date(START, 3, 1))
    login(people["author"])
    assert client.get(f"/verwaltung/massnahmen/{measure.id}/vergleich").status_code in (403, 404)


def test_the_api_after_the_command_line_imports(client, runner, tmp_path, indicators, districts):
    """``flask indicators import`` of a planted series, ``flask measures import`` of the
    measure, then the API: the step of −2.0 in district 23 from 2016 is recovered."""
    from tests.measures.test_import import write

    rng = random.Random(21)
    lines = ["district;indicator;year;value"]
    for number in sorted(districts):
        level = rng.uniform(5, 30)
        for year in YEARS:
            value = level + 0.5 * (year - 2010) + rng.gauss(0, 0.05)
            if number == "23" and year >= START:
                value -= 2.0
            lines.append(f"{number};sgb2_rate;{year};{value:.3f}")
    values = tmp_path / "series.csv"
    values.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = runner.invoke(args=["indicators", "import", str(values), "--confirm", "--overwrite"])
    assert imported.exit_code == 0, imported.output
    path = write(
        tmp_path,
        f"M-9;Stadtteilbüro;;social-planning;23;in_implementation;;"
        f"{START}-03-01;;;;sgb2_rate:down;",
    )
    result = runner.invoke(args=["measures", "import", str(path)])
    assert result.exit_code == 0, result.output
    measure_id = db.session.scalar(db.select(Measure.id).where(Measure.external_id == "M-9"))
    body = client.get(f"/api/v1/measures/{measure_id}/effects").get_json()
    (effect,) = body["effects"]
    assert effect["reason"] is None and effect["treated"] == ["23"]
    assert len(effect["comparison"]) == 5 and effect["pre_trend"]["parallel"] is True
    for year in effect["years"]:
        assert year["did"] == pytest.approx(-2.0, rel=0.10)


def test_the_freeze_command(runner, make_measure, planted):
    make_measure(indicators=[(planted.id, "down")], actual_start=date(START, 3, 1))
    first = runner.invoke(args=["measures", "freeze-comparisons"])
    assert first.exit_code == 0 and "stored: 1" in first.output
    assert "stored: 0" in runner.invoke(args=["measures", "freeze-comparisons"]).output
