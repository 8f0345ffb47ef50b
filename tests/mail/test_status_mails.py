"""Status-change mails name the new status (its public name in the recipient's language) and
quote the public answer, in the text and the HTML part, single and in digests
(fixmystreet#4901). Made through the back office's routes, delivered to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.time import utcnow
from app.extensions import db
from app.mail import services, worker
from app.mail.digests import send_digests
from app.notifications import services as notifications

ANSWER = "Die Bänke werden im Mai aufgestellt.\nDanke für den Hinweis!"


def _parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content().replace("\r\n", "\n"),
        message.get_body(("html",)).get_content().replace("\r\n", "\n"),
    )


def _status_url(proposal) -> str:
    return f"/verwaltung/eingang/proposal/{proposal.id}/status"


@pytest.fixture
def followed(people, proposal_factory):
    """A proposal by ``author`` (German, mails on her own input at once) followed by
    ``citizen`` (English, mails on what he follows at once)."""
    people["citizen"].locale = "en"
    people["author"].locale = "de"
    proposal = proposal_factory(people["author"], title="Bänke am Anger")
    notifications.follow(people["author"], "proposal", proposal.id)
    notifications.follow(people["citizen"], "proposal", proposal.id)
    services.set_preference(people["citizen"], "followed", "immediately")
    db.session.commit()
    return proposal


def _by_recipient(smtp) -> dict[str, object]:
    return {message["To"]: message for message in smtp.messages}


def test_status_change_mail_names_the_new_status(client, login_as, people, followed, smtp):
    login_as(people["planner"])
    response = client.post(_status_url(followed), data={"status": "in_review"})
    assert response.status_code == 302
    assert worker.send_due()["sent"] == 2
    mails = _by_recipient(smtp)
    german = _parts(mails[people["author"].email])
    english = _parts(mails[people["citizen"].email])
    for body in german:
        assert "Neuer Status: In Prüfung" in body
        assert "Antwort" not in body  # no answer was given
    for body in english:
        assert "New status: In review" in body
        assert "In Prüfung" not in body


def test_answer_mail_names_the_status_and_quotes_the_answer(
    client, login_as, people, followed, smtp
):
    login_as(people["planner"])
    response = client.post(_status_url(followed), data={"status": "done", "answer": ANSWER})
    assert response.status_code == 302
    assert worker.send_due()["sent"] == 2  # one mail each: the answer's, naming the status
    mails = _by_recipient(smtp)
    text, html = _parts(mails[people["author"].email])
    assert "Status: Erledigt" in text and "Status: Erledigt" in html
    assert "Die öffentliche Antwort:" in text
    assert "> Die Bänke werden im Mai aufgestellt.\n> Danke für den Hinweis!" in text
    assert "<blockquote" in html
    assert "Die Bänke werden im Mai aufgestellt.<br>Danke für den Hinweis!" in html
    text, html = _parts(mails[people["citizen"].email])
    assert "Status: Done" in text and "Status: Done" in html
    assert "The public answer:" in text and "> Danke für den Hinweis!" in text


def test_bulk_answer_mail_names_the_status(client, login_as, people, followed, smtp):
    login_as(people["planner"])
    response = client.post(
        "/verwaltung/eingang/sammelaktion",
        data={
            "action": "status",
            "status": "declined",
            "answer": "Dafür ist kein Platz.",
            "selected": [f"proposal-{followed.id}"],
        },
    )
    assert response.status_code == 200
    worker.send_due()
    text, html = _parts(_by_recipient(smtp)[people["citizen"].email])
    for body in (text, html):
        assert "Status: Declined" in body and "Dafür ist kein Platz." in body


def test_answer_is_escaped_in_the_html_part(client, login_as, people, followed, smtp):
    login_as(people["planner"])
    client.post(_status_url(followed), data={"status": "done", "answer": "<b>fett</b> & gut"})
    worker.send_due()
    text, html = _parts(_by_recipient(smtp)[people["author"].email])
    assert "> <b>fett</b> & gut" in text
    assert "&lt;b&gt;fett&lt;/b&gt; &amp; gut" in html and "<b>fett" not in html


def test_the_digest_keeps_each_events_status_and_answer(client, login_as, people, followed, smtp):
    """Two changes before the digest: each item names the status it set, not the latest."""
    reader = people["citizen"]
    services.set_preference(reader, "followed", "daily")
    db.session.commit()
    login_as(people["planner"])
    client.post(_status_url(followed), data={"status": "in_review"})
    client.post(_status_url(followed), data={"status": "done", "answer": ANSWER})
    # the author's own mails go out at once; the follower's wait for the digest
    assert worker.send_due()["sent"] == 2
    smtp.reset()
    tomorrow = utcnow() + timedelta(days=1)
    seven = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8, 0, tzinfo=UTC)
    assert send_digests(seven) == 1
    db.session.commit()
    worker.send_due(seven)
    [message] = smtp.messages
    assert message["Subject"] == "Quartier: your daily summary (2)"
    text, html = _parts(message)
    for body in (text, html):
        assert "New status: In review" in body
        assert "Status: Done" in body
        assert "Danke für den Hinweis!" in body
    assert body.index("In review") < body.index("Status: Done")
    assert "  > Danke für den Hinweis!" in text  # quoted under its item


def test_need_status_change_mail_names_the_status(
    client, login_as, people, districts, categories, smtp
):
    from app.needs import services as needs

    mayor = people["mayor"]
    district = districts["23"]
    need = needs.create_need(
        mayor,
        district.council,
        title="Jugendraum",
        description="Ein Raum fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_district(district.council, district),
    )
    people["citizen"].locale = "en"
    notifications.follow(people["citizen"], "need", need.id)
    services.set_preference(people["citizen"], "followed", "immediately")
    db.session.commit()
    needs.set_status(mayor, need, "planned")
    db.session.commit()
    worker.send_due()
    text, html = _parts(_by_recipient(smtp)[people["citizen"].email])
    assert "New status: Planned" in text and "New status: Planned" in html


def test_digest_items_without_facts_stay_on_their_own_lines(
    create_user, proposal_factory, notify, smtp
):
    reader = create_user()
    reader.locale = "en"
    services.set_preference(reader, "followed", "daily")
    first = proposal_factory(create_user(), title="Erster")
    second = proposal_factory(create_user(), title="Zweiter")
    notify(reader, first, kind="new_comment")
    notify(reader, second, kind="new_comment")
    db.session.commit()
    tomorrow = utcnow() + timedelta(days=1)
    seven = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8, 0, tzinfo=UTC)
    assert send_digests(seven) == 1
    db.session.commit()
    worker.send_due(seven)
    text, _html = _parts(smtp.messages[0])
    lines = text.splitlines()
    assert "* New comment: Erster" in lines and "* New comment: Zweiter" in lines
    assert "Status" not in text
