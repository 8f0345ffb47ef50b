"""The figures read durations stored on the work items (first response, closure, on time):
they must stay what the items' times say after every kind of write — status changes, a
reopening, a published answer, a bulk import — and the figures must equal the percentiles
of :mod:`app.core.stats` over those times. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import content_types, stats
from app.core.time import as_utc
from app.extensions import db
from app.proposals.models import Proposal
from app.responses import services as responses
from app.responsiveness import services
from app.workflow import services as workflow
from app.workflow.models import WorkItem

from .conftest import BASE


def _expected(item: WorkItem) -> tuple[float | None, float | None, bool | None]:
    created = as_utc(item.created_at)
    first = as_utc(item.first_response_at)
    closed = as_utc(item.closed_at)
    return (
        stats.days_between(created, first) if first else None,
        stats.days_between(created, closed) if closed and item.status.closed else None,
        None if first is None or item.due_on is None else first.date() <= item.due_on,
    )


def _assert_stored(items: list[WorkItem]) -> None:
    db.session.expire_all()
    for item in items:
        item = db.session.get(WorkItem, item.id)
        first, closure, on_time = _expected(item)
        assert item.first_response_days == (pytest.approx(first, abs=1e-6) if first else None)
        assert item.closure_days == (pytest.approx(closure, abs=1e-6) if closure else None)
        assert item.on_time is on_time


def _assert_figures(items: list[WorkItem], office_id: int) -> None:
    db.session.expire_all()
    fresh = [db.session.get(WorkItem, i.id) for i in items]
    firsts = [f for f, _c, _o in map(_expected, fresh) if f is not None]
    closures = [c for _f, c, _o in map(_expected, fresh) if c is not None]
    (group,) = [g for g in services.responsiveness().by_office if g.key == office_id]
    assert group.first_response.n == len(firsts)
    assert group.first_response.median == pytest.approx(stats.median(firsts), abs=1e-6)
    assert group.first_response.p90 == pytest.approx(stats.percentile(firsts, 90), abs=1e-6)
    assert group.closure.n == len(closures)
    expected_median = stats.median(closures)
    if expected_median is None:
        assert group.closure.median is None and group.closure.p90 is None
    else:
        assert group.closure.median == pytest.approx(expected_median, abs=1e-6)
        assert group.closure.p90 == pytest.approx(stats.percentile(closures, 90), abs=1e-6)


def test_status_changes_answers_and_reopening_keep_the_durations(make_items, offices, people):
    planner = people["planner"]
    items = make_items(
        14,
        created=[BASE + timedelta(days=i, hours=i) for i in range(14)],
        due_days=150,
    )
    _assert_stored(items)
    assert all(i.first_response_days is None for i in items)
    for item in items[:12]:
        workflow.change_status(planner, item, "in_review")
    db.session.commit()
    _assert_stored(items)
    for item in items[:11]:
        workflow.change_status(planner, item, "done", answered_by=("measure", 1))
    db.session.commit()
    _assert_stored(items)
    _assert_figures(items, offices["social-planning"].id)
    # reopened: no closure time any more (and the first response stays)
    workflow.change_status(planner, items[0], "planned")
    db.session.commit()
    _assert_stored(items)
    assert db.session.get(WorkItem, items[0].id).closure_days is None
    assert db.session.get(WorkItem, items[0].id).first_response_days is not None
    _assert_figures(items, offices["social-planning"].id)
    # a published answer is a first response too, and on time
    proposal = db.session.get(Proposal, items[12].target_id)
    answer = responses.respond(
        planner, content_types.get("proposal"), proposal, "Wir prüfen das.", notify=False
    )
    db.session.commit()
    stored = db.session.get(WorkItem, items[12].id)
    assert stored.first_response_days == pytest.approx(
        stats.days_between(stored.created_at, answer.created_at), abs=1e-6
    )
    _assert_stored(items)
    _assert_figures(items, offices["social-planning"].id)


def test_on_time_follows_the_due_date(make_items, offices):
    late, early = make_items(2, response_days=[20, 5], due_days=10)
    _assert_stored([late, early])
    assert (late.on_time, early.on_time) == (False, True)
    late.due_on = (late.created_at + timedelta(days=30)).date()
    db.session.commit()
    assert db.session.get(WorkItem, late.id).on_time is True


def test_bulk_imported_items_carry_their_durations(proposal_factory):
    proposal = proposal_factory(number="23", title="Importiert", commit=False)
    db.session.delete(workflow.item_for("proposal", proposal.id))
    db.session.flush()
    entry = workflow.ImportedItem(proposal.id, "done", None, None, BASE)
    assert workflow.import_items("proposal", [entry]) == 1
    item = db.session.scalar(select(WorkItem).where(WorkItem.target_id == proposal.id))
    assert item.first_response_days == 0 and item.closure_days == 0
