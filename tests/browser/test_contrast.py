"""The header's counters (unread notifications, the planner's inbox) as Chromium computes
them: their text contrast against their own background (the stylesheet test,
tests/core/test_contrast.py, checks the rules; this checks the cascade of the real page)."""

from __future__ import annotations

from app.extensions import db
from app.notifications import services as notifications
from tests.core.test_contrast import TEXT, contrast, over, parse_colour

from .conftest import log_in

COLOURS = """[...document.querySelectorAll('header .badge')].map(e => {
    const s = getComputedStyle(e);
    return [e.textContent.trim(), s.color, s.backgroundColor];
})"""


def test_header_badges_are_readable(page, live_server, create_user, proposal_factory):
    citizen = create_user()
    proposal = proposal_factory(create_user())
    notifications.notify_users(
        [citizen.id], kind="new_comment", target_type="proposal", target_id=proposal.id
    )
    db.session.commit()
    log_in(page, citizen.email)
    page.goto("/")
    found = page.evaluate(COLOURS)
    assert found, "the unread badge is shown"
    for text, colour, background in found:
        ground = over(parse_colour(background), (255, 255, 255, 1.0))
        ratio = contrast(over(parse_colour(colour), ground), ground)
        assert ratio >= TEXT, f"badge {text!r}: {colour} on {background} is {ratio:.2f}:1"
