"""The ranking method with hand-computed small examples (pure: no app, no database)."""

from __future__ import annotations

import pytest

from app.locations.scoring import (
    CriterionInput,
    ScoringError,
    haversine_m,
    nearest_m,
    per_thousand,
    percents,
    rank,
    stability,
)


def _criteria():
    return [
        CriterionInput("x", 3, +1, {"A": 0, "B": 5, "C": 10}),
        CriterionInput("y", 1, -1, {"A": 1, "B": 3, "C": 2}),
    ]


def test_min_max_direction_and_weights_by_hand():
    # x: A 0, B .5, C 1; y (lower is more need): A 1, B 0, C .5; shares .75 / .25
    result = rank(_criteria(), ["A", "B", "C"])
    assert [r.district for r in result.rows] == ["C", "B", "A"]
    scores = {r.district: r.score for r in result.rows}
    assert scores == pytest.approx({"A": 25.0, "B": 37.5, "C": 87.5})
    c = result.rows[0]
    assert [x.points for x in c.contributions] == pytest.approx([75.0, 12.5])
    assert [x.normalised for x in c.contributions] == pytest.approx([1.0, 0.5])
    assert [x.raw for x in c.contributions] == [10, 2]
    assert result.percents == {"x": 75, "y": 25}
    assert result.shares == pytest.approx({"x": 0.75, "y": 0.25})
    assert [r.rank for r in result.rows] == [1, 2, 3]
    assert result.ranges == {"x": (0, 10), "y": (1, 3)}


def test_district_without_data_is_listed_not_zero():
    criteria = [
        CriterionInput("x", 1, +1, {"A": 0, "B": 10, "C": 5, "D": None}),
        CriterionInput("y", 1, +1, {"A": 1, "B": 2, "C": 3}),
    ]
    result = rank(criteria, ["A", "B", "C", "D"])
    assert result.missing == {"D": ["x", "y"]}
    assert "D" not in [r.district for r in result.rows]
    # normalised over the ranked districts only: C = 50 % of x + 100 % of y
    assert {r.district: r.score for r in result.rows} == pytest.approx(
        {"A": 0.0, "B": 75.0, "C": 75.0}
    )
    # a tie goes to the earlier district key
    assert [r.district for r in result.rows][:2] == ["B", "C"]


def test_no_spread_is_flagged_and_gives_nothing():
    criteria = [
        CriterionInput("x", 1, +1, {"A": 4, "B": 4}),
        CriterionInput("y", 1, +1, {"A": 0, "B": 2}),
    ]
    result = rank(criteria, ["A", "B"])
    assert result.no_spread == ["x"]
    assert [r.score for r in result.rows] == pytest.approx([50.0, 0.0])


def test_percents_sum_to_100():
    assert percents([1 / 3, 1 / 3, 1 / 3]) == [34, 33, 33]
    assert sum(percents([0.123, 0.456, 0.421])) == 100
    assert percents([1.0]) == [100]


def test_bad_weights_refused():
    with pytest.raises(ScoringError):
        rank([CriterionInput("x", 0, 1, {"A": 1})], ["A"])
    with pytest.raises(ScoringError):
        rank([], ["A"])


def _near_tie_rows():
    # four clear leaders; E leads on x, F on y, G last: E stays in the top 5 iff w_x >= w_y
    rows = [(d, [1.0, 1.0]) for d in "ABCD"]
    return rows + [("E", [1.0, 0.0]), ("F", [0.0, 1.0]), ("G", [0.0, 0.0])]


def test_stability_clear_leaders_always_stay_near_tie_about_half():
    shares = stability([1, 1], _near_tie_rows(), draws=1000, seed=7)
    assert set(shares) == {"A", "B", "C", "D", "E"}
    assert all(shares[d] == 1.0 for d in "ABCD")
    assert 0.42 < shares["E"] < 0.58
    # seeded: the same draws again
    assert stability([1, 1], _near_tie_rows(), draws=1000, seed=7) == shares
    # weights ±20 % cannot overturn a 2:1 weight: E always stays
    assert stability([2, 1], _near_tie_rows(), draws=200, seed=7)["E"] == 1.0


def test_rank_reports_stability_of_top_five():
    values_x = {d: float(i) for i, d in enumerate("ABCDEFG")}
    result = rank([CriterionInput("x", 1, +1, values_x)], list("ABCDEFG"), draws=50)
    assert list(result.stability) == ["G", "F", "E", "D", "C"]
    assert set(result.stability.values()) == {1.0}
    assert result.draws == 50


def test_distance_and_rates():
    # one degree of latitude is about 111.2 km
    assert haversine_m(50.0, 11.0, 51.0, 11.0) == pytest.approx(111195, rel=1e-3)
    found = nearest_m({"A": (50.0, 11.0), "B": (50.5, 11.0)}, [(51.0, 11.0), (50.0, 11.01)])
    assert found["A"] == pytest.approx(haversine_m(50.0, 11.0, 50.0, 11.01))
    assert found["B"] == pytest.approx(55597, rel=1e-3)
    assert nearest_m({"A": (50.0, 11.0)}, []) == {"A": None}
    rates = per_thousand({"A": 3}, {"A": 1500, "B": 2000, "C": 100, "D": None}, 300)
    assert rates == {"A": 2.0, "B": 0.0, "C": None, "D": None}


def _brute_force(weights, rows, draws, seed, top=5, variation=0.2):
    """Every district scored in every draw (the reference for the pruned computation)."""
    import random

    rng = random.Random(seed)
    leaders = [d for d, _ in rows[:top]]
    stays = dict.fromkeys(leaders, 0)
    for _ in range(draws):
        drawn = [w * rng.uniform(1 - variation, 1 + variation) for w in weights]
        total = sum(drawn)
        drawn = [w / total for w in drawn]
        scored = sorted(
            (
                (sum(w * v for w, v in zip(drawn, values, strict=True)), -i)
                for i, (_, values) in enumerate(rows)
            ),
            reverse=True,
        )
        for _score, pos in scored[:top]:
            if -pos < top:
                stays[leaders[-pos]] += 1
    return {d: n / draws for d, n in stays.items()}


@pytest.mark.parametrize("seed", [1, 5, 7])
def test_pruning_gives_the_same_shares_as_scoring_everyone(seed):
    import random

    rng = random.Random(seed)  # three criteria: few enough that the draws move the top 5
    numbers = [f"{i:02d}" for i in range(1, 54)]
    criteria = [
        CriterionInput(
            f"c{k}", rng.randint(1, 9), rng.choice((1, -1)), {n: rng.random() for n in numbers}
        )
        for k in range(3)
    ]
    result = rank(criteria, numbers, draws=300, seed=seed)
    norm = [(r.district, [c.normalised for c in r.contributions]) for r in result.rows]
    expected = _brute_force([c.weight for c in criteria], norm, 300, seed)
    assert result.stability == pytest.approx(expected)
    assert any(share < 1.0 for share in expected.values())  # the draws do move the top 5
