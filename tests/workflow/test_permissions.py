"""Who may change an item's status, assign it and edit the workflow settings."""

from __future__ import annotations

from app.workflow import services as workflow
from app.workflow.permissions import (
    can_assign,
    can_change_status,
    can_edit_workflow_settings,
    can_read_workflow_settings,
)


def test_status_change_matrix(people, proposal_factory, make_need):
    own = workflow.item_for("proposal", proposal_factory(number="23").id)  # council of 23
    other = workflow.item_for("proposal", proposal_factory(number="25").id)  # council of 25
    need = workflow.item_for("need", make_need(people["council_member"]).id)
    expected = {
        "anonymous": (False, False, False),
        "unconfirmed": (False, False, False),
        "citizen": (False, False, False),
        "author": (False, False, False),
        "council_member": (True, False, True),
        "mayor": (True, False, True),
        "other_mayor": (False, True, False),
        "planner": (True, True, True),
        "admin": (True, True, True),
    }
    for name, row in expected.items():
        user = people[name]
        got = tuple(can_change_status(user, item) for item in (own, other, need))
        assert got == row, name


def test_settings_and_assignment(people):
    for name, user in people.items():
        assert can_edit_workflow_settings(user) == (name == "admin"), name
        assert can_read_workflow_settings(user) == (name in ("admin", "planner")), name
        assert can_assign(user) == (name in ("admin", "planner")), name
