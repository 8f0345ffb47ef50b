"""The weekly staff digest: council members and mayors get their moderation queue, including
proposals waiting for approval under pre-moderation; nothing waiting, no mail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.mail import services, worker
from app.mail.digests import send_staff_digests
from app.mail.models import MailOutbox
from app.workflow import services as workflow

MONDAY = datetime(2027, 11, 1, 6, 0, tzinfo=UTC)  # 07:00 CET


def test_council_members_get_their_queue_weekly(
    create_user, proposal_factory, districts, smtp, app
):
    app.config["BASE_URL"] = "https://quartier.example.org"
    member = create_user("council_member", council="23", name="Rat")
    create_user("mayor", council="25")  # nothing waiting in district 25: no mail
    unsubscribed = create_user("council_member", council="23")
    services.set_preference(unsubscribed, "staff", "never")
    create_user()  # not staff
    waiting = proposal_factory(
        create_user(), title="Neuer Spielplatz", number="23", state="pending_approval"
    )
    db.session.commit()

    assert send_staff_digests(MONDAY) == 1
    assert send_staff_digests(MONDAY) == 0  # once per week
    db.session.commit()
    row = db.session.scalars(select(MailOutbox)).one()
    assert (row.user_id, row.kind, row.category) == (member.id, "staff_digest", "staff")
    assert row.idempotency_key == f"staff:{member.id}:2027-11-01"

    worker.send_due(MONDAY)
    [message] = smtp.messages
    assert message["To"] == member.email
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Subject"] == "Quartier: Ihre Wochenübersicht für die Moderation"
    for body in (message.get_body(("plain",)), message.get_body(("html",))):
        text = body.get_content()
        assert "Neuer Spielplatz" in text and "Wartet auf Freigabe" in text
        assert f"https://quartier.example.org/vorschlaege/{waiting.id}" in text


def test_no_staff_digest_when_the_queue_is_empty(create_user, districts):
    create_user("council_member", council="23")
    db.session.commit()
    assert send_staff_digests(MONDAY) == 0


def test_planners_get_their_open_items_overdue_first(create_user, proposal_factory, smtp):
    planner = create_user("planner", office="social-planning")
    planner.locale = "en"
    later = proposal_factory(create_user(), title="Later one", number="23")
    overdue = proposal_factory(create_user(), title="Overdue one", number="23")
    done = proposal_factory(create_user(), title="Closed one", number="23")
    today = date.today()
    for proposal, due in ((later, today + timedelta(days=20)), (overdue, today - timedelta(3))):
        item = workflow.item_for("proposal", proposal.id)
        item.assignee_id, item.due_on = planner.id, due
    closed = workflow.item_for("proposal", done.id)
    closed.assignee_id = planner.id
    closed.status = next(s for s in workflow.statuses() if s.closed)
    db.session.commit()

    assert send_staff_digests(MONDAY) == 1
    db.session.commit()
    worker.send_due(MONDAY)
    [message] = smtp.messages
    assert message["To"] == planner.email
    text = message.get_body(("plain",)).get_content()
    assert "Your open items in the administration" in text
    assert text.index("Overdue one") < text.index("Later one")
    assert "overdue since" in text and "due on" in text
    assert "Closed one" not in text
