"""Migration 0006 moves the old status columns onto the workflow: one work item and one
history row per proposal, need and barrier report, with the documented mapping."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from config import BASE_DIR
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture

PROPOSALS = {
    "submitted": "new",
    "in_review": "in_review",
    "accepted": "planned",
    "rejected": "declined",
    "implemented": "done",
    "withdrawn": "new",
}
NEEDS = {"open": "new", "in_progress": "in_implementation", "met": "done", "closed": "declined"}


def _before() -> str:
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    return script.get_revision("0006").down_revision


def _insert(conn, table: str, **values) -> int:
    columns = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    # table and column names are this test's own constants
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)  # noqa: S608
    return conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()  # noqa: S608


def _old_rows(conn) -> dict:
    council = _insert(conn, "councils", slug="rat", name="Rat")
    district = _insert(
        conn,
        "districts",
        number="23",
        name="Moskauer Platz",
        area_km2=1.0,
        geometry="{}",
        geometry_simplified="{}",
        label_lat=50.99,
        label_lon=11.05,
        updated_at="2026-01-01 00:00:00",
        council_id=council,
    )
    category = _insert(
        conn,
        "proposal_categories",
        slug="other",
        name_de="Sonstiges",
        name_en="Other",
        icon="dot",
        colour="#555555",
        sort=1,
        active=True,
    )
    common = {"lat": 50.99, "lon": 11.05, "district_id": district, "address": ""}
    proposals = {}
    for n, status in enumerate(PROPOSALS):
        proposals[status] = _insert(
            conn,
            "proposals",
            title=f"P {status}",
            description="",
            category_id=category,
            place_from_map=False,
            status=status,
            is_demo=False,
            created_at=f"2026-03-0{n + 1} 10:00:00",
            updated_at="2026-04-01 12:00:00",
            **common,
        )
    needs = {}
    for status in NEEDS:
        needs[status] = _insert(
            conn,
            "needs",
            title=f"N {status}",
            description="",
            category_id=category,
            priority="high",
            status=status,
            council_id=council,
            place_from_map=False,
            author_role="mayor",
            is_demo=False,
            created_at="2026-03-01 10:00:00",
            updated_at="2026-03-01 10:00:00",
            **common,
        )
    report = _insert(
        conn,
        "barrier_reports",
        district_from_id=district,
        text="Bus",
        barrier_codes="transport",
        affected_count=1,
        visibility="public",
        status="open",
        is_demo=False,
        created_at="2026-03-01 10:00:00",
    )
    _insert(
        conn,
        "official_responses",
        target_type="proposal",
        target_id=proposals["accepted"],
        role="planner",
        body="Machen wir.",
        created_at="2026-03-05 09:00:00",
    )
    return {"proposals": proposals, "needs": needs, "report": report, "district": district}


def test_old_statuses_become_work_items(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision=_before())
        with db.engine.begin() as conn:
            made = _old_rows(conn)
        upgrade(revision="0006")
        with db.engine.connect() as conn:
            items = {
                (t, i): (key, district, first, closed, due)
                for t, i, key, district, first, closed, due in conn.execute(
                    text(
                        "SELECT w.target_type, w.target_id, s.key, w.district_id, "
                        "w.first_response_at, w.closed_at, w.due_on FROM work_items w "
                        "JOIN workflow_statuses s ON s.id = w.status_id"
                    )
                )
            }
            history = conn.execute(
                text("SELECT count(*), count(from_status_id) FROM work_item_status_changes")
            ).one()
            withdrawn = dict(conn.execute(text("SELECT id, withdrawn_at FROM proposals")).all())
        assert len(items) == len(PROPOSALS) + len(NEEDS) + 1
        assert tuple(history) == (len(items), 0)  # one row each, from nothing
        for old, new in PROPOSALS.items():
            key, district, first, closed, due = items[("proposal", made["proposals"][old])]
            assert key == new, old
            assert district == made["district"]
            assert (closed is not None) == (new in ("done", "declined")), old
            assert (first is not None) == (old == "accepted"), old  # its official response
            assert due is not None
        for old, new in NEEDS.items():
            assert items[("need", made["needs"][old])][0] == new, old
        assert items[("barrier_report", made["report"])][:2] == ("new", made["district"])
        assert [i for i, at in withdrawn.items() if at is not None] == [
            made["proposals"]["withdrawn"]
        ]
        for table in ("proposals", "needs", "barrier_reports"):
            assert "status" not in {c["name"] for c in inspect(db.engine).get_columns(table)}

        downgrade(revision=_before())
        with db.engine.connect() as conn:
            back = dict(conn.execute(text("SELECT id, status FROM proposals")).all())
            needs_back = dict(conn.execute(text("SELECT id, status FROM needs")).all())
        assert {old: back[pid] for old, pid in made["proposals"].items()} == {
            old: old for old in PROPOSALS
        }
        assert {old: needs_back[nid] for old, nid in made["needs"].items()} == {
            old: old for old in NEEDS
        }
        downgrade(revision="base")
        db.engine.dispose()
