"""Barrier reports are answered and closed in the item view like the other inputs: the
answer is signed by the office, shown on the report's page and told to its author; a
report only for the administration keeps its answer among the people who see it."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification
from app.responses.models import OfficialResponse
from app.workflow import services as workflow

from .conftest import INBOX


def _url(report, suffix: str = "") -> str:
    return f"{INBOX}barrier_report/{report.id}{suffix}"


def test_planner_closes_a_barrier_report_with_an_answer(client, login_as, people, make_report):
    report, item = make_report()
    login_as(people["planner"])
    page = client.get(_url(report)).get_data(as_text=True)
    assert 'name="answer"' in page and 'value="done"' in page  # closing statuses offered
    response = client.post(
        _url(report, "/status"), data={"status": "done", "answer": "Der Bus fährt ab Mai."}
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status.key == "done" and item.closed_at is not None
    answer = db.session.scalar(select(OfficialResponse))
    assert (answer.target_type, answer.office.slug) == ("barrier_report", "social-planning")
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == people["citizen"].id)
    ).all()
    assert kinds == ["official_response"]
    client.get("/abmelden")
    html = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "Der Bus fährt ab Mai." in html and "Amtliche Antwort · Fachamt Sozialplanung" in html


def test_closing_a_barrier_report_without_an_answer_is_refused(
    client, login_as, people, make_report
):
    report, item = make_report()
    login_as(people["planner"])
    response = client.post(_url(report, "/status"), data={"status": "done"})
    assert response.status_code == 400
    assert "zuerst eine öffentliche Antwort nötig" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.status.key == "new"


def test_the_answer_of_a_private_report_stays_private(
    client, login_as, people, barrier_report_factory
):
    report = barrier_report_factory(people["citizen"], number="23", visibility="administration")
    login_as(people["planner"])
    response = client.post(
        _url(report, "/status"), data={"status": "done", "answer": "Wir melden uns."}
    )
    assert response.status_code == 302
    assert workflow.item_for("barrier_report", report.id).status.key == "done"
    login_as(people["citizen"])  # the author sees it
    assert "Wir melden uns." in client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    login_as(people["author"])  # anybody else does not even see the report
    assert client.get(f"/barrieren/{report.id}").status_code == 404
    # nor can the mayor of the district answer it
    login_as(people["mayor"])
    assert client.post(
        f"/antworten/barrier_report/{report.id}", data={"body": "Hallo"}
    ).status_code in (403, 404)
