"""The matrix of roles × actions, decided only by app.core.permissions."""

from __future__ import annotations

import pytest

from app.core.permissions import perm as p

# District 23 (Moskauer Platz) has its own council; 25 (Johannesplatz) has another;
# 01 (Altstadt) has none.
OWN, OTHER, NO_COUNCIL = "23", "25", "01"

ROLES = ["anonymous", "unconfirmed", "citizen", "council_member", "mayor", "planner", "admin"]

# action -> roles allowed, for (own council's district, other district, district without council)
MATRIX = {
    "can_moderate": {
        OWN: {"council_member", "mayor", "planner", "admin"},
        OTHER: {"planner", "admin"},
        NO_COUNCIL: {"planner", "admin"},
    },
    "can_post_need": {
        OWN: {"council_member", "mayor"},
        OTHER: set(),
        NO_COUNCIL: set(),
    },
    "can_respond_officially": {
        OWN: {"mayor", "planner"},
        OTHER: {"planner"},
        NO_COUNCIL: {"planner"},
    },
}

GLOBAL = {
    "is_anyone": set(ROLES),
    "is_signed_in": set(ROLES) - {"anonymous"},
    "can_contribute": set(ROLES) - {"anonymous", "unconfirmed"},
    "can_manage_own_account": set(ROLES) - {"anonymous"},
    "can_manage_roles": {"admin"},
    "can_manage_districts": {"admin"},
    "can_manage_api_keys": {"admin"},
    "is_planner": {"planner"},
    "is_admin": {"admin"},
    "can_read_audit_log": {"council_member", "mayor", "planner", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("where", [OWN, OTHER, NO_COUNCIL])
def test_district_matrix(people, districts, role, action, where):
    predicate = getattr(p, action)
    expected = role in MATRIX[action][where]
    assert predicate(people[role], districts[where]) is expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(GLOBAL))
def test_global_matrix(people, role, action):
    assert getattr(p, action)(people[role]) is (role in GLOBAL[action])


def test_nobody_moderates_own_content(people, districts):
    for role in ("council_member", "mayor", "planner", "admin"):
        user = people[role]
        assert p.can_moderate_content(user, districts[OWN], author_id=user.id) is False
        assert p.can_moderate_content(user, districts[OWN], author_id=people["citizen"].id)


def test_mayor_of_one_council_is_refused_in_another(districts, create_user):
    mayor = create_user("mayor", council=OTHER)
    assert p.can_moderate(mayor, districts[OTHER])
    assert not p.can_moderate(mayor, districts[OWN])
    assert not p.can_post_need(mayor, districts[OWN])
    assert not p.can_respond_officially(mayor, districts[OWN])


def test_deleted_user_has_no_rights(people, districts):
    from app.accounts.services import delete_account
    from app.extensions import db

    admin = people["admin"]
    delete_account(admin)
    db.session.commit()
    assert not p.is_admin(admin)
    assert not p.can_moderate(admin, districts[OWN])
