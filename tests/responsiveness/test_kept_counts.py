"""The figures' counts kept on write (work_item_counts, work_item_days: database triggers on
work_items) equal a fresh count of the work items after every kind of write: creates, status
changes, assignments, hides, deletes, Core bulk inserts and plain SQL."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import insert, select, text, update

from app.core.time import utcnow
from app.extensions import db
from app.moderation import services as moderation
from app.proposals.models import Proposal
from app.responsiveness import services
from app.workflow import services as workflow
from app.workflow.models import (
    COUNT_DIMENSIONS,
    DAY_DIMENSIONS,
    DAY_MEASURES,
    WorkItem,
    WorkItemCount,
    WorkItemDays,
    durations,
)

from .conftest import BASE


def _bucket(days: float) -> int:
    if days < 1:
        return 0
    if days < 100:
        return int(days)
    if days < 1000:
        return int(days // 10) * 10
    return 1000


def _fresh() -> tuple[Counter, Counter]:
    """The counts computed in Python from every work item."""
    counts: Counter = Counter()
    days: Counter = Counter()
    for item in db.session.scalars(select(WorkItem)):
        facts = {
            "items": 1,
            "answered": int(item.first_response_days is not None),
            "on_time": int(item.on_time is True),
            "timed": int(item.on_time is not None),
            "closed_timed": int(item.closure_days is not None),
            "unanswered_due": int(item.first_response_days is None and item.due_on is not None),
        }
        for dimension in COUNT_DIMENSIONS:
            key = getattr(item, f"{dimension}_id") or 0
            for name, value in facts.items():
                counts[(dimension, key, item.status_id, name)] += value
        for dimension in DAY_DIMENSIONS:
            key = getattr(item, f"{dimension}_id") or 0
            for measure, column in DAY_MEASURES.items():
                value = getattr(item, column)
                if value is not None:
                    days[(dimension, key, measure, _bucket(value))] += 1
    return +counts, +days


def _kept() -> tuple[Counter, Counter]:
    counts: Counter = Counter()
    for row in db.session.scalars(select(WorkItemCount)):
        for name in ("items", "answered", "on_time", "timed", "closed_timed", "unanswered_due"):
            counts[(row.dimension, row.key_id, row.status_id, name)] += getattr(row, name)
    days: Counter = Counter()
    for row in db.session.scalars(select(WorkItemDays)):
        days[(row.dimension, row.key_id, row.measure, row.day)] += row.n
    return +counts, +days


def assert_kept_equals_fresh() -> None:
    db.session.flush()
    db.session.expire_all()
    kept, fresh = _kept(), _fresh()
    assert kept[0] == fresh[0]
    assert kept[1] == fresh[1]


def test_counts_follow_every_kind_of_write(make_items, offices, people, districts):
    assert_kept_equals_fresh()
    items = make_items(
        12,
        response_days=[0.5, 2, 3.25, 7, 30, 120.5, 400],
        closure_days=[1, 5, 45.5, 1200],
        due_days=10,
    )
    make_items(5, office=None, number="01", response_days=[1.5], due_days=30)
    assert_kept_equals_fresh()
    assert db.session.scalar(select(WorkItemCount.items).limit(1)) is not None

    # status changes and an assignment through the workflow, a district move
    admin = people["admin"]
    workflow.change_status(admin, items[8], "in_review")
    workflow.change_status(admin, items[3], "planned")
    workflow.assign(admin, items[9], offices["urban-planning"])
    items[10].district_id = districts["01"].id
    # an answer afterwards, a due date removed
    items[11].first_response_at = items[11].created_at + timedelta(days=3.5)
    items[7].due_on = None
    db.session.commit()
    assert_kept_equals_fresh()

    # hiding the input (moderation) leaves its work item as it is
    proposal = db.session.get(Proposal, items[0].target_id)
    moderation.hide(admin, "proposal", proposal, "off_topic")
    db.session.commit()
    assert_kept_equals_fresh()

    # a delete
    db.session.delete(items[1])
    db.session.commit()
    assert_kept_equals_fresh()

    # Core: a bulk insert and an UPDATE statement that bypass the ORM's events
    done = workflow.status_by_key("done")
    created = BASE - timedelta(days=3)
    first = created + timedelta(days=2.75)
    closed = created + timedelta(days=150)
    due = (created + timedelta(days=30)).date()
    db.session.execute(
        insert(WorkItem),
        [
            {
                "target_type": "proposal",
                "target_id": 900_000 + n,
                "status_id": done.id,
                "office_id": offices["social-planning"].id if n % 2 else None,
                "district_id": districts["23"].id,
                "created_at": created,
                "updated_at": created,
                "first_response_at": first,
                "closed_at": closed,
                "due_on": due,
                **durations(
                    created_at=created,
                    first_response_at=first,
                    closed_at=closed,
                    due_on=due,
                    closed=True,
                ),
            }
            for n in range(4)
        ],
    )
    db.session.execute(
        update(WorkItem)
        .where(WorkItem.target_id >= 900_002)
        .values(office_id=offices["urban-planning"].id, closure_days=None)
    )
    # an UPDATE of a column that is not counted changes nothing
    db.session.execute(text("UPDATE work_items SET support_count = support_count + 1"))
    db.session.commit()
    assert_kept_equals_fresh()


def test_rolled_back_writes_leave_no_count(make_items):
    items = make_items(3, response_days=[2], due_days=5)
    before = _kept()
    items[0].first_response_at = utcnow()
    items[1].office_id = None
    db.session.delete(items[2])
    db.session.flush()
    assert _kept() != before
    db.session.rollback()
    assert _kept() == before


def test_the_figures_read_the_kept_counts(make_items, offices):
    """The figures come from the kept counts: a count changed behind the triggers' back shows
    (so no page counts the work items themselves)."""
    make_items(12, response_days=[1] * 12)
    office_id = offices["social-planning"].id
    before = {g.key: g.inputs for g in services.responsiveness().by_office}
    db.session.execute(
        update(WorkItemCount)
        .where(WorkItemCount.dimension == "office", WorkItemCount.key_id == office_id)
        .values(items=WorkItemCount.items + 5)
    )
    after = {g.key: g.inputs for g in services.responsiveness().by_office}
    assert after[office_id] == before[office_id] + 5


def _imported(start: int, n: int, districts, key: str = "in_review"):
    return [
        workflow.ImportedItem(
            target_id=start + i,
            status_key=key,
            district_id=districts["23"].id,
            category_id=None,
            created_at=BASE,
        )
        for i in range(n)
    ]


def test_a_bulk_load_counts_once_at_the_end(make_items, districts, monkeypatch):
    """Bulk loads (``import_items`` from ``BULK_COUNT_ROWS`` rows on, any code inside
    ``bulk_counts()``) skip the per-row triggers and count afresh at the end; the triggers are
    back afterwards."""
    make_items(3, response_days=[2], due_days=5)
    monkeypatch.setattr(workflow, "BULK_COUNT_ROWS", 4)
    before = _kept()
    with workflow.bulk_counts():
        workflow.import_items("proposal", _imported(800_000, 6, districts))
        # nested: the import's own block does nothing more; no count moved yet
        db.session.flush()
        assert _kept() == before
    assert _kept() != before
    assert_kept_equals_fresh()
    # a load of BULK_COUNT_ROWS rows or more on its own pauses and counts as well
    workflow.import_items("proposal", _imported(810_000, 5, districts, "done"))
    assert_kept_equals_fresh()
    # the triggers are back: a single write is counted at once
    make_items(1, number="01")
    assert_kept_equals_fresh()
    db.session.commit()
    assert_kept_equals_fresh()


def test_a_rolled_back_bulk_load_leaves_the_triggers(make_items, districts):
    make_items(2, response_days=[1])
    before = _kept()
    with workflow.bulk_counts():
        workflow.import_items("proposal", _imported(820_000, 3, districts))
    db.session.rollback()
    assert _kept() == before
    make_items(2, number="01")  # counted by the triggers, which the rollback kept
    assert_kept_equals_fresh()


def test_the_rebuild_command_repairs_the_counts(app, make_items):
    make_items(4, response_days=[1, 3], closure_days=[5])
    db.session.execute(update(WorkItemCount).values(items=WorkItemCount.items + 7))
    db.session.execute(text("DELETE FROM work_item_days"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["workflow", "rebuild-counts"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    assert_kept_equals_fresh()
