"""Who may create, edit, withdraw and support a proposal."""

from app.extensions import db
from app.proposals import services
from app.proposals.permissions import (
    can_create_proposal,
    can_edit_proposal,
    can_support_proposal,
    can_withdraw_proposal,
)


def test_matrix(people, make_proposal):
    proposal = make_proposal(people["author"])
    expected = {
        #               create edit   withdraw support
        "anonymous": (False, False, False, False),
        "unconfirmed": (False, False, False, False),
        "author": (True, True, True, False),
        "citizen": (True, False, False, True),
        "admin": (True, False, False, True),
    }
    for name, row in expected.items():
        user = people[name]
        got = (
            can_create_proposal(user),
            can_edit_proposal(user, proposal),
            can_withdraw_proposal(user, proposal),
            can_support_proposal(user, proposal),
        )
        assert got == row, name


def test_withdrawn_and_locked(people, make_proposal):
    proposal = make_proposal(people["author"])
    services.support(people["citizen"], proposal)
    db.session.commit()
    assert not can_edit_proposal(people["author"], proposal)
    assert can_withdraw_proposal(people["author"], proposal)
    services.withdraw(people["author"], proposal)
    db.session.commit()
    assert not can_withdraw_proposal(people["author"], proposal)
    assert not can_support_proposal(people["admin"], proposal)
