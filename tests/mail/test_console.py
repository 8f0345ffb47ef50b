"""Development (``make run``, MAIL_BACKEND=console): mail appears on the console right after
the request that queued it, without a second process; other backends never send in a request."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail.models import QUEUED, SENT, MailOutbox
from app.notifications import services as notifications


def _comment_on_followed_proposal(create_user, proposal_factory, client, login):
    author = create_user()
    proposal = proposal_factory(author, title="Bänke am Anger")
    notifications.follow(author, "proposal", proposal.id)
    db.session.commit()
    login(create_user(name="Kai"))
    response = client.post(f"/kommentare/proposal/{proposal.id}", data={"body": "Gute Idee"})
    assert response.status_code == 302
    return author


def test_console_backend_prints_after_the_request(
    app, create_user, proposal_factory, client, login, capsys
):
    app.config["MAIL_BACKEND"] = "console"
    author = _comment_on_followed_proposal(create_user, proposal_factory, client, login)
    row = db.session.scalars(select(MailOutbox).where(MailOutbox.user_id == author.id)).one()
    assert row.status == SENT
    out = capsys.readouterr().out
    assert "E-mail (console backend)" in out and f"To: {author.email}" in out


def test_other_backends_do_not_send_inside_a_request(
    app, create_user, proposal_factory, client, login, smtp
):
    author = _comment_on_followed_proposal(create_user, proposal_factory, client, login)
    row = db.session.scalars(select(MailOutbox).where(MailOutbox.user_id == author.id)).one()
    assert row.status == QUEUED
    assert smtp.messages == []
