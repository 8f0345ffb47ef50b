"""Benchmark for ``GET /api/v1/proposals`` (the map's proposals layer and list view).

Generates 50,000 proposals spread over the districts (points inside each district, numbers
roughly proportional to the district's area, all categories and statuses), 500 people,
~100,000 supports and ~20,000 comments, on SQLite and — when PostgreSQL answers at
``BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432``) — on PostgreSQL in a
scratch database ``quartier_bench_proposals`` (created and dropped). Then serves the app with
gunicorn (2 workers) and prints median / p95 latency, response size and requests per second
of the API for one district's bbox, for the whole city (default limit and the maximum
limit), with filters, and beside the trivial ``/api/v1/health`` under the same server.

Targets (issue 3): one district's bbox ≤ 30 ms median; the whole city never more than
~300 KB (the API caps a page and pages with ``next``; see ``app/proposals/listing.py``).

Usage: ``.venv/bin/python bench/proposals_bench.py`` (prints figures; not a timed test).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import gunicorn, measure_paths, on_sqlite_and_postgres  # noqa: E402
from shapely.geometry import Point, shape  # noqa: E402
from shapely.prepared import prep  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.comments.models import Comment  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.proposals import listing  # noqa: E402
from app.proposals.models import Category, Proposal, Support  # noqa: E402
from app.proposals.services import load_categories  # noqa: E402
from app.workflow import services as workflow  # noqa: E402
from app.workflow.models import STATUS_KEYS  # noqa: E402

PROPOSALS = 50_000
PEOPLE = 500
COMMENTS = 20_000
PG_NAME = "quartier_bench_proposals"
WORDS = (
    "Mehr Bänke",
    "Sichere Querung",
    "Spielplatz erneuern",
    "Bessere Beleuchtung",
    "Radweg verbreitern",
    "Treffpunkt für Jugendliche",
    "Bücherschrank aufstellen",
    "Öffnungszeiten verlängern",
)


def _points(rng: random.Random, districts: list[District], n: int):
    """``n`` random points inside the districts, about proportional to their area."""
    shapes = [(d.id, shape(json.loads(d.geometry))) for d in districts]
    total_area = sum(g.area for _id, g in shapes)
    for district_id, geometry in shapes:
        share = max(1, round(n * geometry.area / total_area))
        inside = prep(geometry)
        minx, miny, maxx, maxy = geometry.bounds
        made = 0
        while made < share:
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if inside.contains(Point(lon, lat)):
                made += 1
                yield district_id, lat, lon


def fill(url: str) -> str:
    """Create the schema and the data; returns one district's bbox query value."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_districts()
        load_categories()
        db.session.commit()
        rng = random.Random(11)
        t0 = time.perf_counter()
        districts = db.session.scalars(select(District).order_by(District.number)).all()
        categories = db.session.scalars(select(Category.id)).all()
        users = [
            {"id": i, "email": f"bench{i}@example.org", "display_name": f"Bench {i}"}
            for i in range(1, PEOPLE + 1)
        ]
        db.session.execute(insert(User), users)
        proposals, chosen = [], []
        points = list(_points(rng, districts, PROPOSALS))[:PROPOSALS]
        statuses = list(STATUS_KEYS)
        for pid, (district_id, lat, lon) in enumerate(points, start=1):
            chosen.append(rng.choice(statuses[:1] * 6 + statuses[1:]))
            proposals.append(
                {
                    "id": pid,
                    "title": f"{rng.choice(WORDS)} (Bench {pid})",
                    "description": "Ein Vorschlag für den Benchmark.",
                    "category_id": rng.choice(categories),
                    "author_id": rng.randint(1, PEOPLE),
                    "lat": lat,
                    "lon": lon,
                    "district_id": district_id,
                    "address": "",
                    "place_from_map": True,
                    "is_demo": True,
                }
            )
        supports = []
        for pid in range(1, len(proposals) + 1):
            for user_id in rng.sample(range(1, PEOPLE + 1), rng.choice((0, 0, 1, 2, 3, 6))):
                supports.append({"user_id": user_id, "proposal_id": pid})
        comments = [
            {
                "target_type": "proposal",
                "target_id": rng.randint(1, len(proposals)),
                "author_id": rng.randint(1, PEOPLE),
                "body": "Gute Idee.",
            }
            for _ in range(COMMENTS)
        ]
        for model, rows in (
            (Proposal, proposals),
            (Support, supports),
            (Comment, comments),
        ):
            for i in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[i : i + 5000])
        workflow.load_statuses()
        with workflow.bulk_counts():  # the figures' counts once at the end
            for i in range(0, len(proposals), 5000):
                workflow.import_items(
                    "proposal",
                    [
                        workflow.ImportedItem(
                            target_id=p["id"],
                            status_key=key,
                            district_id=p["district_id"],
                            category_id=p["category_id"],
                            created_at=None,
                        )
                        for p, key in zip(
                            proposals[i : i + 5000], chosen[i : i + 5000], strict=True
                        )
                    ],
                )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table, n in (("users", PEOPLE), ("proposals", len(proposals))):
                db.session.execute(text(f"SELECT setval('{table}_id_seq', :n)"), {"n": n})
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(
            f"  generated {len(proposals):,} proposals, {len(supports):,} supports, "
            f"{len(comments):,} comments in {time.perf_counter() - t0:.1f} s"
        )
        altstadt = next(d for d in districts if d.number == "01")
        minx, miny, maxx, maxy = shape(json.loads(altstadt.geometry)).bounds
        db.session.remove()
        db.engine.dispose()
    return f"{minx:.5f},{miny:.5f},{maxx:.5f},{maxy:.5f}"


def run(url: str, label: str) -> None:
    bbox = fill(url)
    with gunicorn(url) as port:
        results = measure_paths(
            port,
            [
                ("proposals, one district bbox (01)", f"/api/v1/proposals?bbox={bbox}"),
                ("proposals, district=01", "/api/v1/proposals?district=01"),
                ("proposals, whole city (default limit)", "/api/v1/proposals"),
                (
                    f"proposals, whole city, limit={listing.MAX_LIMIT}",
                    f"/api/v1/proposals?limit={listing.MAX_LIMIT}",
                ),
                (
                    "proposals, city, category+status",
                    "/api/v1/proposals?category=mobility&status=planned",
                ),
            ],
            label,
        )
    one = results["proposals, one district bbox (01)"]["median"]
    biggest = max(r["size"] for name, r in results.items() if name != "health")
    print(
        f"  targets: one district median {one:.1f} ms "
        f"(≤ 30 ms: {'yes' if one <= 30 else 'NO'}),"
        f" largest answer {biggest / 1024:.0f} KB (≤ ~300 KB: "
        f"{'yes' if biggest <= 300 * 1024 else 'NO'})"
    )


def main() -> None:
    on_sqlite_and_postgres(PG_NAME, run)


if __name__ == "__main__":
    main()
