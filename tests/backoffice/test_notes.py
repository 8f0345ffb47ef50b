"""Internal notes on the item view: who may write and read them, @mentions that notify the
people who may see the item (unknown names stay text), audit; and a crawl of every public
page, API and export proving that no note text leaks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.notifications.models import Notification
from app.workflow import triage
from app.workflow.models import WorkItemNote
from tests.barriers.test_privacy import SKIP_ENDPOINTS, _text, _urls

from .conftest import INBOX

NOTE_TEXT = "NOTIZ-GEHEIM-K9Q"


def _url(obj, suffix: str = "", target_type: str = "proposal") -> str:
    return f"{INBOX}{target_type}/{obj.id}{suffix}"


def _mentions(user) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.kind == triage.MENTION)
    )


@pytest.mark.parametrize("role", ["planner", "admin", "mayor", "council_member"])
def test_planners_admins_and_the_districts_council_add_notes(
    client, login_as, people, make_proposal, role
):
    proposal, item = make_proposal(number="23")
    login_as(people[role])
    response = client.post(_url(proposal, "/notiz"), data={"body": f"Bitte prüfen ({role})"})
    assert response.status_code == 302
    db.session.expire_all()
    notes = triage.notes_of(item)
    assert [n.body for n in notes] == [f"Bitte prüfen ({role})"]
    assert notes[0].author_id == people[role].id
    page = client.get(_url(proposal)).get_data(as_text=True)
    assert f"Bitte prüfen ({role})" in page and people[role].display_name in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "workflow.note_added"))
    assert entry is not None and entry.target_id == proposal.id
    assert "Bitte prüfen" not in str(entry.after)  # the audit row keeps no text


@pytest.mark.parametrize("role", ["citizen", "author", "other_mayor"])
def test_others_cannot_add_or_read_notes(client, login_as, people, make_proposal, role):
    proposal, item = make_proposal(number="23")
    triage.add_note(people["planner"], item, NOTE_TEXT)
    db.session.commit()
    login_as(people[role])
    assert client.post(_url(proposal, "/notiz"), data={"body": "Hallo"}).status_code == 403
    assert client.get(_url(proposal)).status_code == 403
    db.session.expire_all()
    assert len(triage.notes_of(item)) == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_empty_or_too_long_notes_are_refused(client, login_as, people, make_proposal, body):
    proposal, item = make_proposal()
    login_as(people["planner"])
    response = client.post(_url(proposal, "/notiz"), data={"body": body})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert triage.notes_of(item) == []


def test_mentions_notify_people_who_may_see_the_item(
    client, login_as, people, make_proposal, create_user
):
    proposal, item = make_proposal(number="23")
    colleague = create_user("planner", office="urban-planning")
    colleague.display_name = "Petra Schulz"
    people["mayor"].display_name = "Bürgermeisterin Kühn"
    people["other_mayor"].display_name = "Otto Fremd"  # another council: may not see it
    people["citizen"].display_name = "Clara Bürger"  # no back office at all
    db.session.commit()
    login_as(people["planner"])
    body = (
        "@petra schulz bitte mit @Bürgermeisterin Kühn klären; "
        "@Otto Fremd und @Clara Bürger nicht, @Niemand Bekanntes auch nicht."
    )
    response = client.post(_url(proposal, "/notiz"), data={"body": body})
    assert response.status_code == 302
    db.session.expire_all()
    assert _mentions(colleague) == 1
    assert _mentions(people["mayor"]) == 1
    assert _mentions(people["other_mayor"]) == 0
    assert _mentions(people["citizen"]) == 0
    assert _mentions(people["planner"]) == 0  # not the author
    assert triage.notes_of(item)[0].body == body  # unknown names stay plain text
    # the notification links to the back office's item view, in German and English
    login_as(colleague)
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "in einer internen Notiz erwähnt" in page
    assert f'href="{_url(proposal)}"' in page


def test_a_name_must_end_at_a_word_boundary(people, create_user):
    anna = create_user("planner", office="urban-planning")
    anna.display_name = "Anna"
    annabel = create_user("planner", office="urban-planning")
    annabel.display_name = "Annabel Roth"
    found = triage.mentioned("Frage an @Annabelle und @Annabel Roth.", [anna, annabel])
    assert [u.id for u in found] == [annabel.id]
    assert triage.mentioned("@Anna, bitte.", [anna, annabel]) == [anna]


def test_mention_notification_in_english(client, login_as, people, make_proposal, english):
    proposal, item = make_proposal()
    people["admin"].display_name = "Alex Admin"
    db.session.commit()
    triage.add_note(people["planner"], item, "Ping @Alex Admin")
    db.session.commit()
    login_as(people["admin"])
    client.post("/sprache", data={"lang": "en"})
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "You were mentioned in an internal note" in page


@pytest.fixture
def noted(make_proposal, make_need, make_report, people):
    """A proposal, a need and a barrier report (district 23), each with an internal note."""
    made = {}
    for target_type, (obj, item) in {
        "proposal": make_proposal(number="23", title="Öffentlicher Vorschlag"),
        "need": make_need(number="23"),
        "barrier_report": make_report(number="23"),
    }.items():
        triage.add_note(people["planner"], item, f"{NOTE_TEXT} zu {target_type}")
        made[target_type] = obj
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(WorkItemNote)) == 3
    return made


def _crawl_values(noted, districts) -> dict[str, list]:
    ids = [obj.id for obj in noted.values()]
    return {
        "report_id": [noted["barrier_report"].id],
        "number": ["23", "25"],
        "offer_id": [1],
        "slug": [districts[n].council.slug for n in ("23", "25")],
        "target_type": list(noted),
        "type_name": list(noted),
        "fmt": ["csv", "xlsx", "geojson"],
        "target_id": ids,
        "code": ["population"],
        "batch_id": [1],
        "user_id": [1],
        "comment_id": [1],
        "proposal_id": [noted["proposal"].id],
        "need_id": [noted["need"].id],
        "measure_id": [1],
        "response_id": [1],
        "token": ["not-a-token"],
        "scenario_id": [1],
        "status_id": [1],
        "type_id": [1],
        "rule_id": [1],
        "template_id": [1],
        "tag_id": [1],
        "filename": ["dgs.mp4"],
        "ext": ["xml", "json"],
        "service_code": ["other"],
        "service_request_id": [str(noted["proposal"].id), f"need-{noted['need'].id}"],
        "key": ["vorschlaege", "bedarfe", "barrieren"],
        "extension": ["jsonld"],
    }


@pytest.mark.parametrize("who", ["anonymous", "citizen", "author", "other_mayor"])
def test_notes_never_leak_to_public_pages_api_or_exports(
    app, client, login_as, people, districts, noted, who
):
    assert set(SKIP_ENDPOINTS) >= {"static"}
    login_as(people[who] if who != "anonymous" else None)
    urls = _urls(app, _crawl_values(noted, districts))
    assert f"/vorschlaege/{noted['proposal'].id}" in urls
    assert any(url.startswith("/api/") for url in urls)
    seen_public = False
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        body = _text(response)
        assert NOTE_TEXT not in body, f"note text on {url} for {who}"
        if url == f"/vorschlaege/{noted['proposal'].id}":
            seen_public = "Öffentlicher Vorschlag" in body
    assert seen_public  # the crawl really reads the public page


def test_the_crawl_finds_the_notes_in_the_back_office(client, login_as, people, noted):
    """The counter-check: the same marker is found where notes belong."""
    login_as(people["planner"])
    for target_type, obj in noted.items():
        assert NOTE_TEXT in client.get(_url(obj, target_type=target_type)).text
