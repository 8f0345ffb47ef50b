"""Pre-moderation: a council that switched it on publishes new proposals in its districts only
after approval. Until then the proposal is pending, unannounced and visible only to its
author (with a notice) and its moderators."""

from __future__ import annotations

import pytest

from app.core.audit import AuditEntry
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.proposals import services as proposals
from app.proposals.models import Proposal

MOSKAUER_PLATZ = (51.0109, 11.0002)  # district 23, council "Moskauer Platz"
RIETH = (51.0064, 11.0149)  # district 06, council "Rieth"


@pytest.fixture
def app_overrides(tmp_path):
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads")}


@pytest.fixture
def setup(districts, create_user):
    proposals.load_categories()
    author, follower = create_user(), create_user()
    mayor, other_mayor = create_user("mayor", council="23"), create_user("mayor", council="06")
    for number in ("23", "06"):
        notifications.follow(follower, "district", districts[number].id)
    db.session.commit()
    return {
        "author": author,
        "follower": follower,
        "mayor": mayor,
        "other_mayor": other_mayor,
        "districts": districts,
    }


def premoderate(district, on: bool = True) -> None:
    district.council.premoderation = on
    db.session.commit()


def post_proposal(client, point, title="Neue Sitzbänke am Platz"):
    return client.post(
        "/vorschlaege/neu",
        data={
            "title": title,
            "description": "Hier fehlen Bänke zum Ausruhen.",
            "category": "other",
            "lat": str(point[0]),
            "lon": str(point[1]),
            "district": "",
            "address": "",
            "confirm": "y",
        },
    )


def _new_proposal_notifications(user_id: int) -> list[tuple[str, int]]:
    return [
        (n.target_type, n.target_id)
        for n in db.session.scalars(
            db.select(Notification).where(
                Notification.user_id == user_id, Notification.kind == "new_proposal"
            )
        )
    ]


def _switch(client, login, user) -> None:
    client.post("/abmelden")
    if user is not None:
        login(user)
    client.post("/sprache", data={"lang": "en"})


def test_premoderated_district_holds_new_proposals(client, login, setup):
    premoderate(setup["districts"]["23"])
    _switch(client, login, setup["author"])
    response = post_proposal(client, MOSKAUER_PLATZ)
    assert response.status_code == 302
    proposal = db.session.scalar(db.select(Proposal))
    assert proposal.district.number == "23"
    assert proposal.moderation_state == "pending_approval"
    proposal_id = proposal.id

    # the author is told, on the next page and by the banner there
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "will be published after approval" in page
    assert 'data-state="pending_approval"' in page
    assert "Your contribution will be published after approval" in page
    # the author follows their proposal (answers reach them after approval)
    assert notifications.is_following(setup["author"], "proposal", proposal_id)
    # district followers are not told (yet)
    assert _new_proposal_notifications(setup["follower"].id) == []
    # the hold is in the audit log, in the district's scope
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "proposal.held_for_approval")
    )
    assert (entry.target_type, entry.target_id, entry.actor_id) == (
        "proposal",
        proposal_id,
        setup["author"].id,
    )
    assert entry.district_id == setup["districts"]["23"].id
    assert entry.after == {"moderation_state": "pending_approval"}

    # absent from every public list
    for url in ("/api/v1/proposals", "/api/v1/proposals?district=23"):
        assert client.get(url).get_json(force=True)["features"] == []
    assert f"/vorschlaege/{proposal_id}" not in client.get("/karte").get_data(as_text=True)
    district_page = client.get("/ortsteile/23").get_data(as_text=True)
    assert f"/vorschlaege/{proposal_id}" not in district_page

    # the public and another council's mayor get 404; the district's mayor sees it
    for viewer, status in (
        (None, 404),
        (setup["follower"], 404),
        (setup["other_mayor"], 404),
        (setup["mayor"], 200),
    ):
        _switch(client, login, viewer)
        response = client.get(f"/vorschlaege/{proposal_id}")
        assert response.status_code == status
        if status == 200:
            assert "This contribution is waiting for approval" in response.get_data(as_text=True)


def test_without_premoderation_proposals_are_published_at_once(client, login, setup):
    premoderate(setup["districts"]["23"])  # another council's switch does not matter
    _switch(client, login, setup["author"])
    response = post_proposal(client, RIETH)
    assert response.status_code == 302
    proposal = db.session.scalar(db.select(Proposal))
    assert proposal.district.number == "06"
    assert proposal.moderation_state == "visible"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has been published" in page and "moderation-notice" not in page
    assert _new_proposal_notifications(setup["follower"].id) == [("proposal", proposal.id)]
    ids = [f["properties"]["id"] for f in client.get("/api/v1/proposals").get_json()["features"]]
    assert ids == [proposal.id]
    assert not db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "proposal.held_for_approval")
    )
    _switch(client, login, None)
    assert client.get(f"/vorschlaege/{proposal.id}").status_code == 200


def test_switching_premoderation_off_again(client, login, setup):
    district = setup["districts"]["23"]
    premoderate(district)
    premoderate(district, on=False)
    _switch(client, login, setup["author"])
    post_proposal(client, MOSKAUER_PLATZ)
    assert db.session.scalar(db.select(Proposal.moderation_state)) == "visible"


def test_premoderation_in_the_service(setup):
    """Every way of creating a proposal goes through the service, which decides."""
    premoderate(setup["districts"]["23"])
    category = proposals.categories()[0]
    held = proposals.create_proposal(
        setup["author"],
        title="A",
        description="B",
        category=category,
        place=proposals.place_from_district(setup["districts"]["23"]),
    )
    published = proposals.create_proposal(
        setup["author"],
        title="C",
        description="D",
        category=category,
        place=proposals.place_from_district(setup["districts"]["06"]),
    )
    assert (held.moderation_state, published.moderation_state) == ("pending_approval", "visible")
    assert proposals.needs_approval(setup["districts"]["23"])
    assert not proposals.needs_approval(setup["districts"]["01"])  # no council of its own
