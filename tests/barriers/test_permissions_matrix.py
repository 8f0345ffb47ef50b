"""Roles × actions for the barriers domain, decided only by app.core.permissions."""

from __future__ import annotations

import pytest

from app.core.permissions import perm as p

ROLES = [
    "anonymous",
    "unconfirmed",
    "citizen",
    "author",
    "council_member",
    "mayor",
    "planner",
    "admin",
]
EVERYONE = set(ROLES)
CONTRIBUTORS = EVERYONE - {"anonymous", "unconfirmed"}

GLOBAL = {
    "can_manage_offers": {"planner", "admin"},
    "can_report_barrier": CONTRIBUTORS,
    "can_view_barrier_details": {"planner", "admin"},
}
# predicate -> report kind -> roles allowed
ON_REPORT = {
    "can_view_barrier_report": {
        "public": EVERYONE,
        "private": {"author", "planner", "admin"},
        "removed": {"author", "planner", "admin"},
    },
    "can_add_affected": {
        "public": CONTRIBUTORS,
        "private": set(),
        "removed": set(),
    },
}


@pytest.fixture
def reports(people, offers, make_report):
    from app.extensions import db

    author = people["author"]
    removed = make_report(author, offers[0])  # in the Altstadt: no council moderates there
    removed.moderation_state = "hidden"
    db.session.commit()
    return {
        "public": make_report(author, offers[0]),
        "private": make_report(author, offers[0], visibility="administration"),
        "removed": removed,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(GLOBAL))
def test_global_matrix(people, role, action):
    assert getattr(p, action)(people[role]) is (role in GLOBAL[action])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ON_REPORT))
@pytest.mark.parametrize("kind", ["public", "private", "removed"])
def test_report_matrix(people, reports, role, action, kind):
    expected = role in ON_REPORT[action][kind]
    assert getattr(p, action)(people[role], reports[kind]) is expected
