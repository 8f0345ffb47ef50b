"""Roles × actions for comments and follows, decided only by app.core.permissions.

Supports and proposal editing are the proposals domain's predicates (tested there). Whether
a particular object takes comments at all is the target's registered ``can_comment``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.comments.models import Comment
from app.core.permissions import perm as p
from app.extensions import db

ROLES = ["anonymous", "unconfirmed", "citizen", "author", "mayor", "planner", "admin"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
CONTRIBUTORS = SIGNED_IN - {"unconfirmed"}

GLOBAL = {
    "can_comment": CONTRIBUTORS,
    "can_follow": SIGNED_IN,
}
# predicate -> comment state -> roles allowed
ON_COMMENT = {
    "can_edit_comment": {"fresh": {"author"}, "old": set(), "deleted": set()},
    "can_delete_comment": {"fresh": {"author"}, "old": {"author"}, "deleted": set()},
    "can_report_comment": {
        "fresh": CONTRIBUTORS - {"author"},
        "old": CONTRIBUTORS - {"author"},
        "deleted": set(),
    },
}


@pytest.fixture
def comment_states(people):
    author = people["author"]

    def make(**extra):
        c = Comment(target_type="note", target_id=1, author_id=author.id, body="x", **extra)
        db.session.add(c)
        db.session.flush()
        return c

    states = {"fresh": make(), "old": make(), "deleted": make()}
    states["old"].created_at = states["old"].created_at - timedelta(minutes=16)
    from app.core.time import utcnow

    states["deleted"].deleted_at = utcnow()
    db.session.commit()
    return states


@pytest.mark.parametrize("predicate", sorted(GLOBAL))
def test_global_matrix(people, predicate):
    got = {role for role in ROLES if getattr(p, predicate)(people[role])}
    assert got == GLOBAL[predicate]


@pytest.mark.parametrize(
    "predicate,state", [(pr, st) for pr, states in ON_COMMENT.items() for st in states]
)
def test_comment_matrix(people, comment_states, predicate, state):
    check = getattr(p, predicate)
    got = {role for role in ROLES if check(people[role], comment_states[state])}
    assert got == ON_COMMENT[predicate][state]
