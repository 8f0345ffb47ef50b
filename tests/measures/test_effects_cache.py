"""The figures of "Entwicklung im Vergleich" are computed once per data version and kept per
process: a second view computes nothing, and every write they depend on (an indicator import
or its rollback, a value changed by another process, a comparison edit, a measure edit,
another measure on the indicator) is seen at the next view — never a stale figure."""

# ruff: noqa: F811 (the imported ``planted`` fixture is a parameter of the tests)

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import update

from app.extensions import db
from app.indicators.models import Indicator, IndicatorValue
from app.measures import effects, services
from tests.measures.test_effects import START, YEARS, planted  # noqa: F401 (the fixture)


@pytest.fixture
def computations(monkeypatch):
    """The measure ids the figures were computed for (cache misses)."""
    calls: list[int] = []
    real = effects.compute

    def counting(loaded, neighbours):
        calls.append(loaded.measure.id)
        return real(loaded, neighbours)

    monkeypatch.setattr(effects, "compute", counting)
    return calls


@pytest.fixture
def measure(make_measure, planted):
    return make_measure(indicators=[(planted.id, "down")], actual_start=date(START, 3, 1))


def api(client, measure) -> dict:
    (effect,) = client.get(f"/api/v1/measures/{measure.id}/effects").get_json()["effects"]
    return effect


def section(html: str) -> str:
    """The page's "Entwicklung im Vergleich" (the rest holds a timed CSRF token)."""
    assert 'id="entwicklung-im-vergleich"' in html
    return html.split('id="entwicklung-im-vergleich"')[1].split('id="history-title"')[0]


def post_dids(effect) -> list[float]:
    return [y["did"] for y in effect["years"]]


def test_a_second_view_computes_nothing(client, measure, computations):
    first = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert computations == [measure.id]
    again = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    body = api(client, measure)  # the API reads the same cache
    assert computations == [measure.id]
    assert section(first) == section(again) and body["reason"] is None
    # each language has its own texts: English computes once more, then keeps it
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    client.get(f"/massnahmen/{measure.id}")
    assert computations == [measure.id, measure.id]
    assert "Counted as a decrease" in english


def test_an_indicator_import_changes_the_figures_shown(
    client,
    runner,
    tmp_path,
    measure,
    planted,
    districts,
    computations,
):
    before = api(client, measure)
    for did in post_dids(before):
        assert did == pytest.approx(-2.0, rel=0.10)
    page = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert "-2.0" in page and "-4.0" not in page
    # a new import: district 23 falls by another 2.0 from the start year, and a new year 2022
    stored = {
        (v.year): v.value
        for v in db.session.scalars(
            db.select(IndicatorValue).where(
                IndicatorValue.indicator_id == planted.id,
                IndicatorValue.district_id == districts["23"].id,
            )
        )
    }
    lines = ["district;indicator;year;value"]
    lines += [f"23;planted;{year};{stored[year] - 2.0:.6f}" for year in YEARS if year >= START]
    rng = random.Random(8)
    for number in sorted(districts):
        last = db.session.scalar(
            db.select(IndicatorValue.value).where(
                IndicatorValue.indicator_id == planted.id,
                IndicatorValue.district_id == districts[number].id,
                IndicatorValue.year == YEARS[-1],
            )
        )
        step = -2.0 if number == "23" else 0.0
        lines.append(f"{number};planted;2022;{last + 0.5 + step + rng.gauss(0, 0.05):.6f}")
        lines.append(f"{number};inhabitants;2022;{200 if number == '05' else 3000}")
    path = tmp_path / "more.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["indicators", "import", str(path), "--confirm", "--overwrite"])
    assert result.exit_code == 0, result.output
    after = api(client, measure)
    assert len(computations) == 2
    assert after["years"][-1]["year"] == 2022
    for did in post_dids(after):
        assert did == pytest.approx(-4.0, rel=0.10)
    page = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert "-4.0" in page and "2022" in page
    # rolling the import back brings the old figures back
    from app.indicators.imports import rollback_batch
    from app.indicators.models import ImportBatch

    batch = db.session.scalar(db.select(ImportBatch).order_by(ImportBatch.id.desc()))
    rollback_batch(None, batch)
    db.session.commit()
    assert api(client, measure) == before


def test_a_value_changed_by_another_process_is_seen(client, measure, planted, districts):
    before = api(client, measure)
    # another worker's write, even one that leaves ``updated_at`` as it was
    db.session.execute(
        update(IndicatorValue)
        .where(
            IndicatorValue.indicator_id == planted.id,
            IndicatorValue.district_id == districts["23"].id,
            IndicatorValue.year == YEARS[-1],
        )
        .values(value=IndicatorValue.value + 3.0, updated_at=IndicatorValue.updated_at)
    )
    db.session.commit()
    after = api(client, measure)
    assert after["years"][-1]["did"] == pytest.approx(before["years"][-1]["did"] + 3.0, abs=0.01)


def test_a_comparison_edit_changes_the_figures(client, measure, planted, districts, planner):
    assert len(api(client, measure)["comparison"]) == effects.K
    effects.set_comparison(planner, measure, planted.id, ["01", "02", "03"], "Ortskenntnis")
    db.session.commit()
    assert api(client, measure)["comparison"] == ["01", "02", "03"]


def test_a_measure_edit_changes_the_figures(
    client,
    measure,
    planted,
    planner,
    measure_data,
    computations,
):
    before = api(client, measure)
    assert before["placebo"]["rank"] == before["placebo"]["of"]
    # the expected direction turned round: the same decrease now ranks lowest
    services.save_measure(
        planner,
        measure,
        measure_data(indicators=[(planted.id, "up")], actual_start=date(START, 3, 1)),
    )
    db.session.commit()
    turned = api(client, measure)
    assert turned["placebo"]["rank"] == 0 and turned["placebo"]["direction"] == "up"
    # a later start: another baseline year
    services.save_measure(
        planner,
        measure,
        measure_data(indicators=[(planted.id, "up")], actual_start=date(START + 2, 3, 1)),
    )
    db.session.commit()
    assert api(client, measure)["baseline_year"] == START + 1
    assert len(computations) == 3


def test_another_measure_on_the_indicator_changes_the_comparison(
    client,
    measure,
    make_measure,
    planted,
    districts,
):
    chosen = api(client, measure)["comparison"]
    taken = chosen[0]
    make_measure(
        title="Andere Maßnahme",
        district_ids=[districts[taken].id],
        indicators=[(planted.id, "down")],
    )
    assert taken not in api(client, measure)["comparison"]


def test_the_cache_is_bounded(app, client, make_measure, planted, monkeypatch, computations):
    monkeypatch.setitem(app.config, "MEASURE_EFFECTS_CACHE_SIZE", 1)
    first = make_measure(indicators=[(planted.id, "down")], actual_start=date(START, 3, 1))
    second = make_measure(
        title="Zweite", indicators=[(planted.id, "down")], actual_start=date(START, 3, 1)
    )
    for m in (first, second, first):
        api(client, m)
    assert computations == [first.id, second.id, first.id]
    monkeypatch.setitem(app.config, "MEASURE_EFFECTS_CACHE_SIZE", 0)  # no cache at all
    api(client, first)
    api(client, first)
    assert computations[3:] == [first.id, first.id]


@pytest.mark.postgres_only
def test_the_values_version_does_not_depend_on_the_order_rows_are_added_in(districts):
    """The same values added in two orders give the same version of their sum. A float sum
    would not (1e16 + 1 - 1e16 is 0, 1e16 - 1e16 + 1 is 1), and PostgreSQL's parallel
    aggregate adds its workers' partial sums in a varying order: a cache key holding a float
    sum then changed between two views of unchanged data (seen in CI). SQLite has no parallel
    scan: it adds in the table's one order, so the same data always give the same sum."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    versions = []
    for code, values in (("first", (1e16, 1.0, -1e16)), ("second", (1e16, -1e16, 1.0))):
        indicator = Indicator(
            code=code, name_de=code, name_en=code, unit="count", topic="labour", direction=1
        )
        db.session.add(indicator)
        db.session.flush()
        for year, value in enumerate(values, start=2010):
            db.session.add(
                IndicatorValue(
                    indicator_id=indicator.id,
                    district_id=districts["01"].id,
                    year=year,
                    value=value,
                )
            )
            db.session.flush()  # one row at a time, in this order
        versions.append(effects.values_version([indicator.id]))
    assert versions[0][0] == versions[1][0] == "3"  # the count
    assert float(versions[0][3]) == float(versions[1][3]) == 1.0  # the sum, exact
