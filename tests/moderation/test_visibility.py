"""The read side of moderation: hidden and pending items disappear from every public list,
map, API, count and district page; their page is 404 to the public and shown, with the
reason, to the author and the item's moderators (never to another council's mayor)."""

from __future__ import annotations

import re

import pytest

from app.barriers import integration as barrier_integration
from app.barriers import services as barriers
from app.comments import services as comments
from app.comments.targets import get_target
from app.extensions import db
from app.notifications.models import Notification
from app.proposals import integration as proposal_integration
from app.proposals import services as proposals

# The label points of two districts with councils of their own.
MOSKAUER_PLATZ = (51.0109, 11.0002)  # 23, council "Moskauer Platz"
RIETH = (51.0064, 11.0149)  # 06, council "Rieth"

STATES = [
    pytest.param("hidden", "insult", id="hidden"),
    pytest.param("pending_review", None, id="pending_review"),
    pytest.param("pending_approval", None, id="pending_approval"),
]


@pytest.fixture
def app_overrides(tmp_path):
    # One affected person is enough for a published aggregate cell here.
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads"), "BARRIER_MIN_CELL": 1}


@pytest.fixture
def people(districts, create_user):
    return {
        "author": create_user(),
        "citizen": create_user(),
        "mayor": create_user("mayor", council="23"),
        "member": create_user("council_member", council="23"),
        "other_mayor": create_user("mayor", council="06"),
        "planner": create_user("planner"),
        "admin": create_user("admin"),
    }


@pytest.fixture
def make_proposal(categories):
    def factory(author, title="Mehr Bänke am Moskauer Platz", point=MOSKAUER_PLATZ):
        proposal = proposals.create_proposal(
            author,
            title=title,
            description="Zum Ausruhen beim Einkaufen.",
            category=categories["other"],
            place=proposals.place_from_point(*point),
        )
        db.session.commit()
        return proposal

    return factory


@pytest.fixture
def offer(districts):
    barriers.load_offer_types()
    db.session.flush()
    library = next(t for t in barriers.offer_types() if t.slug == "library")
    made = barriers.save_offer(
        None,
        None,
        name="Bibliothek Moskauer Platz",
        type_id=library.id,
        address="Moskauer Platz 1",
        provider="Stadt",
        lat=MOSKAUER_PLATZ[0],
        lon=MOSKAUER_PLATZ[1],
    )
    db.session.commit()
    return made


@pytest.fixture
def make_report(districts, offer):
    def factory(author):
        report = barriers.create_report(
            author,
            offer=offer,
            offer_text="",
            district_from=districts["23"],
            text="Der Bus fährt abends nicht.",
            visibility="public",
            details={
                "barrier_types": ["transport"],
                "affected": "self",
                "age_group": "30_49",
                "participation_benefits": "not_stated",
            },
        )
        db.session.commit()
        return report

    return factory


@pytest.fixture
def view_as(client, login):
    """Log out, log in ``user`` (``None``: anonymous) and switch the UI to English."""

    def switch(user) -> None:
        client.post("/abmelden")
        if user is not None:
            login(user)
        client.post("/sprache", data={"lang": "en"})

    return switch


def moderate(item, state: str, reason: str | None, note: str | None = None) -> None:
    item.moderation_state = state
    item.moderation_reason = reason
    item.moderation_note = note
    db.session.commit()


def _api_ids(client, url: str) -> list[int]:
    return [f["properties"]["id"] for f in client.get(url).get_json(force=True)["features"]]


def _links(page: str, prefix: str) -> set[int]:
    return {int(i) for i in re.findall(rf'href="{prefix}(\d+)"', page)}


# --- proposals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "reason"), STATES)
def test_moderated_proposal_is_in_no_public_list(
    client, people, make_proposal, districts, state, reason
):
    shown = make_proposal(people["citizen"], title="Neuer Spielplatz")
    moderated = make_proposal(people["author"], title="Mehr Bänke am Moskauer Platz")
    moderate(moderated, state, reason)
    shown_id, moderated_id = shown.id, moderated.id

    assert _api_ids(client, "/api/v1/proposals") == [shown_id]
    assert client.get("/api/v1/proposals").get_json(force=True)["total"] == 1
    assert _api_ids(client, "/api/v1/proposals?district=23") == [shown_id]
    map_page = client.get("/karte").get_data(as_text=True)
    assert _links(map_page.split('id="proposal-list"', 1)[1], "/vorschlaege/") == {shown_id}
    district_page = client.get("/ortsteile/23").get_data(as_text=True)
    assert _links(district_page, "/vorschlaege/") == {shown_id}
    assert proposals.latest_for_district(districts["23"].id) == ([shown], 1)
    # duplicate hint: a similar title nearby finds only the public proposal
    similar = proposals.similar_proposals("Mehr Bänke am Moskauer Platz", *MOSKAUER_PLATZ)
    assert [p.id for p in similar] == []
    moderate(moderated, "visible", None)
    similar = proposals.similar_proposals("Mehr Bänke am Moskauer Platz", *MOSKAUER_PLATZ)
    assert [p.id for p in similar] == [moderated_id]


@pytest.mark.parametrize(("state", "reason"), STATES)
def test_moderated_proposal_is_not_counted_for_indicators(
    app, people, make_proposal, districts, state, reason
):
    shown = make_proposal(people["citizen"], title="Neuer Spielplatz")
    moderated = make_proposal(people["author"])
    moderate(moderated, state, reason)
    district_id = districts["23"].id
    assert proposal_integration.QUERIES.count(None) == {district_id: 1}
    assert proposal_integration.QUERIES.list_for_district(district_id) == [(shown.id, shown.title)]
    with app.test_request_context():
        assert set(proposal_integration.QUERIES.bulk_load([shown.id, moderated.id])) == {shown.id}
        assert proposal_integration.QUERIES.load(moderated.id) is None


VIEWERS = {
    # who: status code of the page of a moderated proposal in district 23 by "author"
    None: 404,
    "citizen": 404,
    "other_mayor": 404,
    "author": 200,
    "mayor": 200,
    "member": 200,
    "planner": 200,
    "admin": 200,
}


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_moderated_proposal_page(client, people, make_proposal, view_as, viewer):
    proposal = make_proposal(people["author"])
    moderate(proposal, "hidden", "insult", "Bitte sachlich bleiben.")
    proposal_id = proposal.id
    view_as(people.get(viewer))
    response = client.get(f"/vorschlaege/{proposal_id}")
    assert response.status_code == VIEWERS[viewer]
    photo = client.get(f"/vorschlaege/{proposal_id}/foto")
    assert photo.status_code == 404  # no photo, and for the public no proposal either
    if VIEWERS[viewer] == 404:
        assert "Mehr Bänke" not in response.get_data(as_text=True)
        return
    page = response.get_data(as_text=True)
    assert 'id="moderation-notice"' in page
    assert "Hidden by the moderation" in page
    assert "Reason: Insult" in page
    assert "Bitte sachlich bleiben." in page
    if viewer == "author":
        assert "Your contribution was hidden by the moderation" in page
    # the author cannot moderate their own content; the district's moderators can
    has_link = "/moderation/" in page.split('id="moderation-notice"', 1)[1].split("</div>", 1)[0]
    assert has_link == (viewer != "author")


@pytest.mark.parametrize(("state", "reason"), STATES)
def test_every_state_shows_its_notice_to_the_author(
    client, people, make_proposal, view_as, state, reason
):
    proposal = make_proposal(people["author"])
    moderate(proposal, state, reason)
    proposal_id = proposal.id
    view_as(people["author"])
    page = client.get(f"/vorschlaege/{proposal_id}").get_data(as_text=True)
    assert f'data-state="{state}"' in page
    view_as(people["other_mayor"])
    assert client.get(f"/vorschlaege/{proposal_id}").status_code == 404


def test_visible_proposal_has_no_notice(client, people, make_proposal, view_as):
    proposal = make_proposal(people["author"])
    view_as(people["mayor"])
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "moderation-notice" not in page


def test_no_support_or_comments_on_a_hidden_proposal(client, people, make_proposal, view_as):
    proposal = make_proposal(people["author"])
    moderate(proposal, "hidden", "advertising")
    proposal_id = proposal.id
    view_as(people["mayor"])
    assert client.post(f"/vorschlaege/{proposal_id}/unterstuetzen").status_code == 403
    response = client.post(f"/kommentare/proposal/{proposal_id}", data={"body": "Hallo"})
    assert response.status_code == 403
    view_as(people["citizen"])
    assert client.post(f"/vorschlaege/{proposal_id}/unterstuetzen").status_code == 404
    response = client.post(f"/kommentare/proposal/{proposal_id}", data={"body": "Hallo"})
    assert response.status_code == 404


def test_notification_target_of_a_hidden_proposal(client, people, make_proposal, view_as):
    """Followers no longer see the hidden proposal through their notifications; its author
    still does (they are told it was hidden)."""
    proposal = make_proposal(people["author"], title="Mehr Bänke am Moskauer Platz")
    moderate(proposal, "hidden", "insult")
    for who, kind in (("citizen", "status_changed"), ("author", "content_hidden")):
        db.session.add(
            Notification(
                user_id=people[who].id, kind=kind, target_type="proposal", target_id=proposal.id
            )
        )
    db.session.commit()
    view_as(people["citizen"])
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "Mehr Bänke" not in page and "(no longer available)" in page
    view_as(people["author"])
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "Mehr Bänke" in page and f"/vorschlaege/{proposal.id}" in page
    # outside a request nobody is signed in: the loader treats it as the public
    assert get_target("proposal").load(proposal.id) is None


def test_my_contributions_show_the_reason(client, people, make_proposal, view_as):
    proposal = make_proposal(people["author"])
    moderate(proposal, "hidden", "personal_data")
    view_as(people["author"])
    page = client.get("/meine-beitraege").get_data(as_text=True)
    assert "Mehr Bänke" in page
    assert "Hidden by the moderation – reason: Personal data" in page


# --- comments ----------------------------------------------------------------------------------


@pytest.fixture
def thread(people, make_proposal):
    proposal = make_proposal(people["citizen"])
    shown = comments.add_comment(people["citizen"], "proposal", proposal.id, "Gute Idee!")
    hidden = comments.add_comment(
        people["author"], "proposal", proposal.id, "Ein beleidigender Satz."
    )
    db.session.commit()
    moderate(hidden, "hidden", "insult")
    return proposal, shown, hidden


COMMENT_VIEWERS = {
    None: False,
    "citizen": False,
    "other_mayor": False,
    "author": True,
    "mayor": True,
    "member": True,
    "planner": True,
}


@pytest.mark.parametrize("viewer", list(COMMENT_VIEWERS))
def test_hidden_comment_placeholder_or_text(client, people, thread, view_as, viewer):
    proposal, shown, hidden = thread
    view_as(people.get(viewer))
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Gute Idee!" in page
    article = page.split(f'id="comment-{hidden.id}"', 1)[1].split("</article>", 1)[0]
    if COMMENT_VIEWERS[viewer]:
        assert "Ein beleidigender Satz." in article
        assert "Reason: Insult" in article
        assert "This comment was hidden by the moderation." not in article
        assert ("/moderation/" in article) == (viewer != "author")
    else:
        assert "Ein beleidigender Satz." not in page
        assert "This comment was hidden by the moderation." in article
        assert "Insult" not in article


@pytest.mark.parametrize(("state", "reason"), STATES[:2])
def test_hidden_comments_are_not_counted(client, people, thread, state, reason):
    proposal, shown, hidden = thread
    moderate(hidden, state, reason)
    assert comments.counts("proposal", [proposal.id]) == {proposal.id: 1}
    assert comments.count_for("proposal", proposal.id) == 1
    assert comments.count_for("proposal", proposal.id, include_moderated=True) == 2
    features = client.get("/api/v1/proposals").get_json(force=True)["features"]
    assert [f["properties"]["comments"] for f in features] == [1]


def test_a_hidden_comment_takes_no_replies(people, thread):
    proposal, _shown, hidden = thread
    with pytest.raises(comments.CommentError):
        comments.add_comment(people["mayor"], "proposal", proposal.id, "Antwort", hidden.id)


def test_my_contributions_show_the_hidden_comment(client, people, thread, view_as):
    view_as(people["author"])
    page = client.get("/meine-beitraege").get_data(as_text=True)
    assert "Hidden by the moderation – reason: Insult" in page
    assert "Ein beleidigender Satz." in page


def test_thread_queries_do_not_grow_with_hidden_comments(
    client, people, make_proposal, view_as, count_queries
):
    proposal = make_proposal(people["citizen"])
    proposal_id = proposal.id

    def add(n: int) -> None:
        for i in range(n):
            author = people["author"] if i % 2 else people["citizen"]
            c = comments.add_comment(author, "proposal", proposal_id, f"Kommentar {i}")
            c.moderation_state, c.moderation_reason = "hidden", "off_topic"
        db.session.commit()

    view_as(people["mayor"])
    add(2)
    client.get(f"/vorschlaege/{proposal_id}")
    with count_queries() as few:
        assert client.get(f"/vorschlaege/{proposal_id}").status_code == 200
    add(6)
    with count_queries() as many:
        page = client.get(f"/vorschlaege/{proposal_id}").get_data(as_text=True)
    assert page.count("Reason: Off-topic") == 8
    assert many.count == few.count


# --- barrier reports ---------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "reason"), STATES[:2])
def test_moderated_barrier_report_is_in_no_public_list(
    app, client, people, make_report, districts, state, reason
):
    shown = make_report(people["citizen"])
    moderated = make_report(people["author"])
    summary = client.get("/api/v1/barriers/summary").get_json()
    assert summary["by_offer"][0]["cells"] == {"transport": 2}
    moderate(moderated, state, reason)
    shown_id, moderated_id = shown.id, moderated.id

    assert _api_ids(client, "/api/v1/barriers") == [shown_id]
    assert _api_ids(client, "/api/v1/barriers?district=23") == [shown_id]
    summary = client.get("/api/v1/barriers/summary").get_json()
    assert summary["by_offer"][0]["cells"] == {"transport": 1}
    assert summary["by_district"][0]["cells"] == {"transport": 1}
    index = client.get("/barrieren").get_data(as_text=True)
    assert _links(index, "/barrieren/") == {shown_id}
    map_page = client.get("/karte").get_data(as_text=True)
    assert f"/barrieren/{moderated_id}" not in map_page
    # indicator inputs
    district_id = districts["23"].id
    assert barrier_integration.QUERIES.count(None) == {district_id: 1}
    assert [r for r, _t in barrier_integration.QUERIES.list_for_district(district_id)] == [shown_id]
    with app.test_request_context():
        assert set(barrier_integration.QUERIES.bulk_load([shown_id, moderated_id])) == {shown_id}


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_moderated_barrier_report_page(client, people, make_report, view_as, viewer):
    report = make_report(people["author"])
    moderate(report, "hidden", "advertising")
    report_id = report.id
    view_as(people.get(viewer))
    response = client.get(f"/barrieren/{report_id}")
    assert response.status_code == VIEWERS[viewer]
    if VIEWERS[viewer] == 200:
        page = response.get_data(as_text=True)
        assert "Reason: Advertising" in page
        assert "This affects me too" not in page


def test_barrier_report_in_my_contributions(client, people, make_report, view_as):
    report = make_report(people["author"])
    moderate(report, "hidden", "duplicate")
    view_as(people["author"])
    page = client.get("/meine-beitraege").get_data(as_text=True)
    assert "Hidden by the moderation – reason: Duplicate" in page
    index = client.get("/barrieren").get_data(as_text=True)
    assert f"/barrieren/{report.id}" in index  # "your reports", with its state
