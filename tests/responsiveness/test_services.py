"""The figures against hand-computed values, the 10-item threshold and the backlog."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.time import utcnow
from app.extensions import db
from app.responsiveness import services
from app.workflow import services as workflow

from .conftest import BASE


def _group(groups, key):
    (found,) = [g for g in groups if g.key == key]
    return found


def test_median_and_90th_percentile_match_hand_computed_values(make_items, offices, districts):
    # Responses after 1, 2, …, 10 days: median (5 + 6) / 2 = 5.5; 90th percentile at
    # position 9 · 0.9 = 8.1 between 9 and 10: 9 + 0.1 · (10 − 9) = 9.1.
    # Closures of all ten after 10, 20, …, 100 days: median 55, 90th percentile 91.
    make_items(
        10,
        response_days=range(1, 11),
        closure_days=[10 * d for d in range(1, 11)],
    )
    found = services.responsiveness()
    office = _group(found.by_office, offices["social-planning"].id)
    assert (office.inputs, office.answered, office.closed, office.open) == (10, 10, 10, 0)
    assert office.first_response.n == 10
    assert office.first_response.median == pytest.approx(5.5, abs=1e-3)
    assert office.first_response.p90 == pytest.approx(9.1, abs=1e-3)
    assert office.closure.median == pytest.approx(55, abs=1e-3)
    assert office.closure.p90 == pytest.approx(91, abs=1e-3)
    district = _group(found.by_district, districts["23"].id)
    assert district.first_response.median == pytest.approx(5.5, abs=1e-3)
    assert district.label == districts["23"].name and district.number == "23"


def test_unanswered_items_count_in_the_backlog_not_in_the_percentile(make_items, offices):
    # 12 items, 10 answered after 2 days each (and 2 unanswered): the median is 2, not
    # pulled by the open ones; both open items are in the backlog.
    make_items(12, response_days=[2] * 10, created=[BASE] * 10 + [utcnow()] * 2)
    office = _group(services.responsiveness().by_office, offices["social-planning"].id)
    assert (office.inputs, office.answered, office.open) == (12, 10, 12)
    assert office.first_response.n == 10
    assert office.first_response.median == pytest.approx(2, abs=1e-3)
    assert sum(b["count"] for b in services.backlog()) == 12


@pytest.mark.parametrize("n,shown", [(9, False), (10, True)])
def test_figures_need_ten_items(make_items, offices, n, shown):
    make_items(n, response_days=[3] * n, closure_days=[4] * n)
    office = _group(services.responsiveness().by_office, offices["social-planning"].id)
    assert office.shown is shown
    assert office.inputs == n
    if shown:
        assert office.first_response.median == pytest.approx(3, abs=1e-3)
        assert office.closure.p90 == pytest.approx(4, abs=1e-3)
    else:
        assert office.first_response == services.Timing(9, None, None)
        assert office.closure.median is None


def test_a_figure_over_fewer_than_ten_values_is_hidden_in_a_large_group(make_items, offices):
    # 15 inputs, all answered, only 9 closed: response figures shown, closure figures not.
    make_items(15, response_days=[1] * 15, closure_days=[5] * 9)
    office = _group(services.responsiveness().by_office, offices["social-planning"].id)
    assert office.shown
    assert office.first_response.median == pytest.approx(1, abs=1e-3)
    assert office.closure == services.Timing(9, None, None)


def test_share_answered_within_the_target(make_items, offices):
    # Due 5 days after creation: 6 answered after 3 days (on time), 4 after 8 days (late),
    # 2 unanswered and overdue (late): 6 of 12. Two more unanswered, not yet due: left out.
    items = make_items(
        14,
        response_days=[3] * 6 + [8] * 4,
        created=[BASE] * 12 + [utcnow()] * 2,
        due_days=5,
    )
    assert items[-1].first_response_at is None
    office = _group(services.responsiveness().by_office, offices["social-planning"].id)
    assert (office.on_time, office.on_time_base) == (6, 12)
    assert office.share_on_time == pytest.approx(0.5)


def test_groups_without_office_or_district_are_labelled(make_items):
    make_items(2, office=None)
    found = services.responsiveness()
    assert _group(found.by_office, None).label == "Noch kein Amt"


def test_backlog_buckets_by_whole_days(make_items):
    now = utcnow().replace(microsecond=0)
    ages = [0, 14, 14.9, 15, 30, 31, 90, 91, 400]
    items = make_items(len(ages) + 1, created=[now - timedelta(days=a) for a in ages] + [BASE])
    # the last one is closed: not in the backlog
    items[-1].status = workflow.status_by_key("done")
    items[-1].closed_at = now
    db.session.commit()
    counts = {b["key"]: b["count"] for b in services.backlog(now)}
    assert counts == {"0-14": 3, "15-30": 2, "31-90": 2, "over-90": 2}


def test_figures_count_by_district_status_category_and_office(make_items, offices, districts):
    make_items(3, number="23", closure_days=[1])
    make_items(2, number="25", office="transport-planning")
    found = services.figures()
    rows = {r["number"]: r for r in found.by_district_status}
    new = workflow.status_by_key("new").id
    done = workflow.status_by_key("done").id
    assert rows["23"]["cells"] == {new: 2, done: 1} and rows["23"]["total"] == 3
    assert rows["25"]["cells"] == {new: 2}
    assert found.status_totals[new] == 4 and found.status_totals[done] == 1
    by_office = {r["key"]: (r["inputs"], r["open"]) for r in found.by_office}
    assert by_office == {
        offices["social-planning"].id: (3, 2),
        offices["transport-planning"].id: (2, 2),
    }
    assert [(r["inputs"], r["open"]) for r in found.by_category] == [(5, 4)]
    assert found.backlog_total == 4


def test_days_between_works_on_this_database(app, make_items):
    (item,) = make_items(1, response_days=[1.5])
    value = db.session.scalar(
        db.select(
            services.days_between(services.WorkItem.created_at, services.WorkItem.first_response_at)
        ).where(services.WorkItem.id == item.id)
    )
    assert float(value) == pytest.approx(1.5, abs=1e-4)
