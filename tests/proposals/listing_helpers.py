"""Proposals for the API and map tests, made directly with the models."""

from __future__ import annotations

from app.comments.models import Comment
from app.core.time import utcnow
from app.districts.models import District
from app.extensions import db
from tests.workflow.helpers import put_status

# (lat, lon) in known districts
ALTSTADT = (50.9785, 11.0265)
HERRENBERG = (50.9455, 11.0660)


def ensure_categories():
    from app.proposals import services

    services.load_categories()
    db.session.flush()
    from app.proposals.models import Category

    return {c.slug: c for c in db.session.scalars(db.select(Category))}


def _district(number: str) -> District:
    return db.session.scalar(db.select(District).where(District.number == number))


def make_proposals(create_user, prefix: str = "Vorschlag") -> dict:
    from app.proposals.models import Proposal, Support

    categories = ensure_categories()
    author, a, b = create_user(), create_user(), create_user()
    altstadt = _district("01")
    made = []
    for i, (place, district, slug, status) in enumerate(
        [
            (ALTSTADT, altstadt, "health", "new"),
            (ALTSTADT, altstadt, "health", "in_review"),
            (ALTSTADT, altstadt, "education", "new"),
            (ALTSTADT, altstadt, "safety", "withdrawn"),
            (HERRENBERG, None, "health", "new"),
            (HERRENBERG, None, "housing", "planned"),
            (HERRENBERG, None, "other", "new"),
        ]
    ):
        lat, lon = place[0] + i * 0.0001, place[1] + i * 0.0001
        if district is None:
            from app.districts.services import locate

            district = db.session.get(District, locate(lat, lon).id)
        proposal = Proposal(
            title=f"{prefix} {i}",
            description="Beschreibung",
            category_id=categories[slug].id,
            author_id=author.id,
            lat=lat,
            lon=lon,
            district_id=district.id,
            withdrawn_at=utcnow() if status == "withdrawn" else None,
        )
        db.session.add(proposal)
        made.append((proposal, status))
    db.session.flush()
    for proposal, status in made:
        put_status("proposal", proposal, "new" if status == "withdrawn" else status)
    made = [proposal for proposal, _status in made]
    supported = made[0]
    db.session.add_all(
        [
            Support(user_id=a.id, proposal_id=supported.id),
            Support(user_id=b.id, proposal_id=supported.id),
        ]
    )
    # Comments are made directly: this helper does not depend on the proposal comment target.
    db.session.add_all(
        [
            Comment(target_type="proposal", target_id=supported.id, author_id=a.id, body="Gut"),
            Comment(
                target_type="proposal",
                target_id=supported.id,
                author_id=b.id,
                body="",
                deleted_at=utcnow(),
            ),
        ]
    )
    db.session.commit()
    return {
        "all": made,
        "altstadt": made[:4],
        "supported": supported,
        "withdrawn": made[3],
        "users": [author, a, b],
    }


def bulk_proposals(create_user, n: int, title: str = "Vorschlag") -> None:
    from app.proposals.models import Proposal

    categories = ensure_categories()
    author = create_user()
    district = _district("01")
    slug_ids = [c.id for c in categories.values()]
    db.session.execute(
        Proposal.__table__.insert(),
        [
            {
                "title": title,
                "description": "x",
                "category_id": slug_ids[i % len(slug_ids)],
                "author_id": author.id,
                "lat": ALTSTADT[0],
                "lon": ALTSTADT[1],
                "district_id": district.id,
            }
            for i in range(n)
        ],
    )
    db.session.commit()
