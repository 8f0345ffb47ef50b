"""The criteria read from the stored data: rates per 1,000, distances, indicators, the
districts without data, and the evaluation of a whole scenario."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.indicators.models import IndexDefinition
from app.locations import criteria, services
from app.locations.scoring import haversine_m
from tests.conftest import barrier_details


def test_indicator_criterion_and_missing_district(figures, library):
    found = criteria.evaluate(
        [services.CriterionRow("indicator", {"code": "sgb2_rate"}, 0, 1)], draws=10
    )
    ranking = found.ranking
    assert ranking.missing == {"53": ["c0"]}
    assert found.criteria[0].reasons["53"]
    # a higher rate means more need (the indicator's direction): 52 first, 01 last (score 0)
    assert [r.district for r in ranking.rows[:2]] == ["52", "51"]
    assert ranking.rows[-1].district == "01" and ranking.rows[-1].score == 0
    assert ranking.rows[0].score == pytest.approx(100)


def test_direction_can_be_turned(figures):
    found = criteria.evaluate(
        [services.CriterionRow("indicator", {"code": "sgb2_rate"}, -1, 1)], draws=10
    )
    assert found.ranking.rows[0].district == "01"


def test_distance_to_nearest_offer(figures, library, districts):
    found = criteria.evaluate(
        [services.CriterionRow("distance", {"offer_type": "library"}, 0, 1)], draws=10
    )
    values = found.criteria[0].values
    assert values["01"] == pytest.approx(0.0, abs=1e-6)
    d = districts["30"]
    expected = haversine_m(d.label_lat, d.label_lon, library.lat, library.lon)
    assert values["30"] == pytest.approx(expected)
    assert found.ranking.rows[-1].district == "01"


def test_distance_without_offers_says_so(figures):
    found = criteria.evaluate(
        [services.CriterionRow("distance", {"offer_type": "music-school"}, 0, 1)], draws=10
    )
    assert found.criteria[0].note
    assert found.ranking.rows == [] and len(found.ranking.missing) == 53


def test_barrier_reports_per_thousand(figures, barrier_report_factory):
    for _ in range(3):
        barrier_report_factory(number="23", details=barrier_details(("transport", "escort")))
    barrier_report_factory(number="23", details=barrier_details(("physical",)))
    barrier_report_factory(number="05", details=barrier_details(("transport",)))
    found = criteria.evaluate(
        [services.CriterionRow("barriers", {"barrier_type": "transport"}, 0, 1)], draws=10
    )
    data = found.criteria[0]
    assert data.private
    assert data.counts["23"] == 3 and data.counts["05"] == 1 and data.counts["10"] == 0
    # below the privacy minimum (5) the ranking counts none; the exact rate stays beside it
    assert data.values["23"] == 0 and data.values["05"] == 0
    assert data.below_minimum["23"] == pytest.approx(1000 * 3 / 3300)
    assert data.below_minimum["05"] == pytest.approx(1000 * 1 / 1500)
    assert "10" not in data.below_minimum
    everything = criteria.evaluate([services.CriterionRow("barriers", {}, 0, 1)], draws=10)
    assert everything.criteria[0].counts["23"] == 4
    for _ in range(2):
        barrier_report_factory(number="23", details=barrier_details(("transport",)))
    found = criteria.evaluate(
        [services.CriterionRow("barriers", {"barrier_type": "transport"}, 0, 1)], draws=10
    )
    assert found.criteria[0].values["23"] == pytest.approx(1000 * 5 / 3300)
    assert "23" not in found.criteria[0].below_minimum


def test_proposals_and_supports_per_thousand(figures, proposal_factory):
    proposal_factory(number="23", category="other", supports=2)
    proposal_factory(number="23", category="other")
    found = criteria.evaluate([services.CriterionRow("proposals", {}, 0, 1)], draws=10)
    assert found.criteria[0].counts["23"] == 4  # two proposals, two supports
    assert found.criteria[0].values["23"] == pytest.approx(4000 / 3300)


def test_rates_without_inhabitants_are_missing_not_zero(districts):
    found = criteria.evaluate([services.CriterionRow("needs", {}, 0, 1)], draws=10)
    assert found.ranking.rows == []
    assert found.criteria[0].note


def test_choices_round_trip(figures):
    values = [value for _group, items in criteria.choices() for value, _text in items]
    assert "indicator:sgb2_rate" in values and "indicator:inhabitants" not in values
    for value in values:
        kind, params = criteria.parse_choice(value)
        assert criteria.choice_of(kind, params) == value
    with pytest.raises(criteria.CriterionError):
        criteria.parse_choice("indicator:nope")
    with pytest.raises(criteria.CriterionError):
        criteria.parse_choice("barriers:type:nope")


def test_social_index_status(figures):
    db.session.add(IndexDefinition(name="Test", status_codes=["sgb2_rate"], active=True))
    db.session.commit()
    found = criteria.evaluate([services.CriterionRow("social_status", {}, 0, 1)], draws=10)
    data = found.criteria[0]
    assert data.values["53"] is None and data.reasons["53"] == "nicht im Sozialindex"
    # one status indicator: the index orders the districts like the rate
    assert [r.district for r in found.ranking.rows[:2]] == ["52", "51"]
    assert found.ranking.rows[0].score == pytest.approx(100)


def test_social_index_missing_said_so(figures):
    found = criteria.evaluate([services.CriterionRow("social_dynamic", {}, 0, 1)], draws=10)
    assert found.criteria[0].note == "Es gibt keinen aktiven Sozialindex mit Werten."
    assert found.ranking.rows == []


@pytest.mark.parametrize("weight", [0, 0.5, 2.5, -1, 101, float("nan")])
def test_the_service_refuses_weights_the_form_would_not_take(districts, weight):
    """Weights are whole numbers from 1 to 100, whoever calls the service (form or code)."""
    problems = services.validate(
        services.ScenarioData(
            title="Standort", criteria=[services.CriterionRow("needs", {}, 0, weight)]
        )
    )
    assert [p.field for p in problems] == ["criteria"]
    assert (
        services.validate(
            services.ScenarioData(
                title="Standort", criteria=[services.CriterionRow("needs", {}, 0, 3)]
            )
        )
        == []
    )
