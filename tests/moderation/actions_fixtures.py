"""Fixtures for the moderation actions tests: people in every role, content of every
moderated type in a district of council 23 ("Moskauer Platz") or council 06 ("Rieth")."""

from __future__ import annotations

import re

import pytest

from app.barriers import services as barriers
from app.comments.models import Comment
from app.extensions import db
from app.moderation.models import Flag
from app.moderation.registry import get_moderated
from app.proposals import services as proposals

# Points in two districts with councils of their own (the councils' label points), and in
# the Altstadt (01), which has no council: there the planners moderate.
POINTS = {"23": (51.0109, 11.0002), "06": (51.0064, 11.0149), "01": (50.9785, 11.0265)}
OWN, OTHER, NO_COUNCIL = "23", "06", "01"

# The three types the issue names, plus needs once that domain registers them.
TYPES = ["proposal", "comment", "barrier_report"]


def all_types() -> list[str]:
    """Every type in the matrix: the three named ones, plus "need" when it is registered.
    (The needs domain registers itself on import, so asking after ``create_app`` is safe.)"""
    import app.needs  # noqa: F401 - registers "need" if the domain does

    return TYPES + (["need"] if get_moderated("need") is not None else [])


ROLES = ["citizen", "member", "mayor", "other_mayor", "planner", "admin"]


@pytest.fixture
def app_overrides(tmp_path):
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads")}


@pytest.fixture
def people(districts, create_user):
    return {
        "citizen": create_user(),
        "member": create_user("council_member", council=OWN),
        "mayor": create_user("mayor", council=OWN),
        "other_mayor": create_user("mayor", council=OTHER),
        "planner": create_user("planner"),
        "admin": create_user("admin"),
        "author": create_user(),
        "reporter": create_user(),
    }


@pytest.fixture
def offers(districts):
    barriers.load_offer_types()
    db.session.flush()
    library = next(t for t in barriers.offer_types() if t.slug == "library")
    made = {}
    for number, (lat, lon) in POINTS.items():
        made[number] = barriers.save_offer(
            None,
            None,
            name=f"Bibliothek {number}",
            type_id=library.id,
            address="Testweg 1",
            provider="Stadt",
            lat=lat,
            lon=lon,
        )
    db.session.commit()
    return made


@pytest.fixture
def make_item(districts, categories, offers, people):
    """``make_item(type, district_number, author)`` → a visible item of that type there."""
    counter = iter(range(1, 10_000))

    def proposal(number, author):
        return proposals.create_proposal(
            author,
            title=f"Mehr Bänke {next(counter)}",
            description="Zum Ausruhen.",
            category=categories["other"],
            place=proposals.place_from_point(*POINTS[number]),
        )

    def factory(target_type: str, number: str, author):
        if target_type == "proposal":
            item = proposal(number, author)
        elif target_type == "comment":
            commented = proposal(number, people["reporter"])
            item = Comment(
                target_type="proposal",
                target_id=commented.id,
                author_id=author.id,
                body="Das ist ein Kommentar.",
            )
            db.session.add(item)
        elif target_type == "barrier_report":
            item = barriers.create_report(
                author,
                offer=offers[number],
                offer_text="",
                district_from=districts[number],
                text="Der Bus fährt abends nicht.",
                visibility="public",
                details={
                    "barrier_types": ["transport"],
                    "affected": "self",
                    "age_group": "30_49",
                    "participation_benefits": "not_stated",
                },
            )
        elif target_type == "need":
            from app.needs.models import Need

            district = districts[number]
            item = Need(
                title=f"Spielplatz {next(counter)}",
                description="Es fehlt ein Spielplatz.",
                category_id=categories["other"].id,
                priority="medium",
                council_id=district.council_id,
                district_id=district.id,
                lat=POINTS[number][0],
                lon=POINTS[number][1],
                author_id=author.id,
                author_role="council_member",
            )
            db.session.add(item)
        else:  # pragma: no cover
            raise AssertionError(target_type)
        db.session.commit()
        return item

    return factory


def add_flag(target_type: str, item, reporter, reason: str = "insult", text=None) -> Flag:
    from app.moderation import services

    entry = get_moderated(target_type)
    district = services.district_of(entry, item)
    flag = Flag(
        target_type=target_type,
        target_id=item.id,
        district_id=district.id if district is not None else None,
        reporter_id=reporter.id,
        reason=reason,
        text=text,
    )
    db.session.add(flag)
    db.session.commit()
    return flag


def set_state(item, state: str, reason: str | None = None) -> None:
    item.moderation_state = state
    item.moderation_reason = reason
    db.session.commit()


def csrf_token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
