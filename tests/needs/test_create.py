"""Posting and editing needs: the place rule, who may post, audit of edits and status."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.needs.models import Need, NeedProposalLink
from app.notifications.models import Notification

from .conftest import BERLIN, HERRENBERG, MOSKAUER_PLATZ, form_data, point_in


def _english(client):
    client.post("/sprache", data={"lang": "en"})


def _count() -> int:
    return db.session.scalar(select(func.count(Need.id)))


def test_form_page_offers_only_own_districts(client, login, member, categories, districts):
    login(member)
    response = client.get("/bedarfe/neu")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="proposal-map"' in page and 'name="lat"' in page
    assert f'<option value="{MOSKAUER_PLATZ}">' in page
    assert f'<option value="{HERRENBERG}">' not in page
    assert "<script>" not in page


def test_create_without_point(client, login, member, categories, districts):
    login(member)
    response = client.post("/bedarfe/neu", data=form_data(address="Stadtteilzentrum"))
    assert response.status_code == 302, response.get_data(as_text=True)
    need = db.session.scalar(select(Need))
    district = districts[MOSKAUER_PLATZ]
    assert response.headers["Location"].endswith(f"/bedarfe/{need.id}")
    assert need.council_id == district.council_id and need.district_id == district.id
    assert need.place_from_map is False
    assert (need.lat, need.lon) == (district.label_lat, district.label_lon)
    assert need.address == "Stadtteilzentrum"
    assert need.author_id == member.id and need.author_role == "council_member"
    assert need.priority == "high" and need.status == "new"
    assert need.moderation_state == "visible"


def test_create_with_point_by_mayor(client, login, mayor, categories, districts):
    login(mayor)
    lat, lon = point_in(districts[MOSKAUER_PLATZ])
    response = client.post(
        "/bedarfe/neu", data=form_data(lat=str(lat), lon=str(lon), district="", priority="low")
    )
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert need.place_from_map is True and (need.lat, need.lon) == (lat, lon)
    assert need.author_role == "mayor" and need.priority == "low"


def test_new_need_notifies_district_followers(
    client, login, member, citizen, districts, categories
):
    from app.notifications import services as notifications

    notifications.follow(citizen, "district", districts[MOSKAUER_PLATZ].id)
    db.session.commit()
    login(member)
    client.post("/bedarfe/neu", data=form_data())
    need = db.session.scalar(select(Need))
    note = db.session.scalar(select(Notification).where(Notification.user_id == citizen.id))
    assert (note.kind, note.target_type, note.target_id) == ("new_need", "need", need.id)
    assert notifications.is_following(member, "need", need.id)


@pytest.mark.parametrize("where", ["other_council", "outside_erfurt", "no_council"])
def test_place_outside_the_councils_districts_is_refused(
    client, login, member, categories, districts, where
):
    login(member)
    _english(client)
    lat, lon = {
        "other_council": point_in(districts[HERRENBERG]),
        "outside_erfurt": BERLIN,
        "no_council": point_in(districts["01"]),
    }[where]
    data = form_data(
        lat=str(lat), lon=str(lon), district="", title="Mein Titel", description="Mein Text"
    )
    response = client.post("/bedarfe/neu", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This place is not in the districts of your district council (Moskauer Platz)." in page
    assert 'id="lat-error"' in page  # the message is on the field
    assert 'value="Mein Titel"' in page and "Mein Text" in page  # what was typed stays
    assert f'value="{lat}"' in page
    assert _count() == 0


def test_district_of_another_council_by_tampering(client, login, member, categories, districts):
    login(member)
    response = client.post("/bedarfe/neu", data=form_data(district=HERRENBERG))
    assert response.status_code == 400
    assert _count() == 0


def test_council_of_another_council_by_tampering(client, login, member, categories, districts):
    login(member)
    other = districts[HERRENBERG].council
    response = client.post("/bedarfe/neu", data=form_data(council=str(other.id)))
    assert response.status_code == 400
    response = client.post(
        "/bedarfe/neu", data=form_data(council=str(other.id), district=HERRENBERG)
    )
    assert response.status_code == 400
    assert _count() == 0


def test_member_of_two_councils_chooses_the_council(
    client, login, create_user, categories, districts
):
    from app.accounts import services as accounts

    person = create_user("council_member", council=MOSKAUER_PLATZ)
    accounts.grant_role(None, person, "council_member", council_id=districts[HERRENBERG].council_id)
    db.session.commit()
    login(person)
    page = client.get("/bedarfe/neu").get_data(as_text=True)
    assert 'name="council"' in page and "15 Herrenberg (Herrenberg)" in page
    herrenberg = districts[HERRENBERG].council
    moskau = districts[MOSKAUER_PLATZ].council
    # a district of the other council than the chosen one: refused
    response = client.post(
        "/bedarfe/neu", data=form_data(council=str(moskau.id), district=HERRENBERG)
    )
    assert response.status_code == 400
    # no council chosen: refused
    assert client.post("/bedarfe/neu", data=form_data(council="")).status_code == 400
    assert _count() == 0
    response = client.post(
        "/bedarfe/neu", data=form_data(council=str(herrenberg.id), district=HERRENBERG)
    )
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert need.council_id == herrenberg.id and need.district_id == districts[HERRENBERG].id


@pytest.mark.parametrize("role", [None, "planner", "admin"])
def test_citizens_planners_admins_cannot_post(
    client, login, create_user, categories, districts, role
):
    login(create_user(role))
    assert client.get("/bedarfe/neu").status_code == 403
    assert client.post("/bedarfe/neu", data=form_data()).status_code == 403
    assert _count() == 0


def test_anonymous_is_sent_to_login(client, districts):
    response = client.get("/bedarfe/neu")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_other_council_cannot_edit(client, login, member, other_member, make_need, citizen):
    need = make_need(member)
    login(other_member)
    assert client.get(f"/bedarfe/{need.id}/bearbeiten").status_code == 403
    assert client.post(f"/bedarfe/{need.id}/bearbeiten", data=form_data()).status_code == 403
    client.post("/abmelden")
    login(citizen)
    assert client.get(f"/bedarfe/{need.id}/bearbeiten").status_code == 403


def test_edit_and_status_change_are_audited(
    client, login, member, mayor, citizen, make_need, districts
):
    from app.notifications import services as notifications

    need = make_need(member)
    notifications.follow(citizen, "need", need.id)
    db.session.commit()
    login(mayor)  # the council's mayor keeps the council's needs up to date too
    page = client.get(f"/bedarfe/{need.id}/bearbeiten").get_data(as_text=True)
    assert 'name="status"' in page and 'value="Treffpunkt für Jugendliche"' in page
    response = client.post(
        f"/bedarfe/{need.id}/bearbeiten",
        data=form_data(title="Jugendraum gesucht", priority="medium", status="in_implementation"),
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert (need.title, need.priority, need.status) == (
        "Jugendraum gesucht",
        "medium",
        "in_implementation",
    )
    assert need.author_id == member.id  # the poster stays
    entries = {
        e.action: e
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "need"))
    }
    edited = entries["need.edited"]
    assert edited.actor_id == mayor.id and edited.district_id == need.district_id
    assert edited.before["title"] == "Treffpunkt für Jugendliche"
    assert edited.after["title"] == "Jugendraum gesucht" and edited.after["priority"] == "medium"
    assert "council_id" not in edited.after and "lat" not in edited.after
    status = entries["workflow.status_changed"]
    assert status.actor_id == mayor.id and status.district_id == need.district_id
    assert (status.before["status"], status.after["status"]) == ("new", "in_implementation")
    note = db.session.scalar(select(Notification).where(Notification.user_id == citizen.id))
    assert (note.kind, note.target_type, note.target_id) == ("status_changed", "need", need.id)


def test_edit_keeps_the_place_rule(client, login, member, make_need, districts):
    need = make_need(member)
    login(member)
    lat, lon = point_in(districts[HERRENBERG])
    response = client.post(
        f"/bedarfe/{need.id}/bearbeiten",
        data=form_data(lat=str(lat), lon=str(lon), district="", title="Geändert"),
    )
    assert response.status_code == 400
    db.session.refresh(need)
    assert need.title == "Treffpunkt für Jugendliche"


def test_invalid_status_and_priority(client, login, member, make_need):
    need = make_need(member)
    login(member)
    url = f"/bedarfe/{need.id}/bearbeiten"
    assert client.post(url, data=form_data(status="met")).status_code == 400  # an old one
    # a closed status needs a public answer on the need first; nothing is changed
    response = client.post(url, data=form_data(status="done", title="Geändert"))
    assert response.status_code == 400
    assert "Für diesen Status ist zuerst eine öffentliche Antwort nötig." in (
        response.get_data(as_text=True)
    )
    db.session.refresh(need)
    assert need.status == "new" and need.title == "Treffpunkt für Jugendliche"
    assert client.post(url, data=form_data(priority="urgent")).status_code == 400


# --- links to proposals ----------------------------------------------------------------------


def test_link_proposals(client, login, member, citizen, make_proposal, districts):
    mine = make_proposal(citizen)
    elsewhere = make_proposal(citizen, number=HERRENBERG, title="Anderswo")
    hidden = make_proposal(citizen, title="Versteckt")
    hidden.moderation_state = "hidden"
    db.session.commit()
    login(member)
    page = client.get("/bedarfe/neu").get_data(as_text=True)
    assert f'value="{mine.id}"' in page
    assert f'value="{elsewhere.id}"' not in page and f'value="{hidden.id}"' not in page
    for bad in (str(elsewhere.id), str(hidden.id), "999999", "abc"):
        response = client.post("/bedarfe/neu", data=form_data(proposals=[str(mine.id), bad]))
        assert response.status_code == 400, bad
        assert 'id="proposals-error"' in response.get_data(as_text=True)
    assert _count() == 0
    response = client.post("/bedarfe/neu", data=form_data(proposals=[str(mine.id)]))
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert [link.proposal_id for link in db.session.scalars(select(NeedProposalLink))] == [mine.id]
    _english(client)
    need_page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert f'href="/vorschlaege/{mine.id}"' in need_page
    proposal_page = client.get(f"/vorschlaege/{mine.id}").get_data(as_text=True)
    assert "Expressed as a need by the council" in proposal_page
    assert f'href="/bedarfe/{need.id}"' in proposal_page
    # editing can remove the link
    client.post(f"/bedarfe/{need.id}/bearbeiten", data=form_data(status="new"))
    assert db.session.scalar(select(func.count()).select_from(NeedProposalLink)) == 0


def test_hidden_need_is_not_shown_on_the_proposal(
    client, member, citizen, make_need, make_proposal
):
    proposal = make_proposal(citizen)
    need = make_need(member, linked_proposal_ids=[proposal.id])
    need.moderation_state = "hidden"
    db.session.commit()
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert f'href="/bedarfe/{need.id}"' not in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"lat": "nan", "lon": "inf", "council": "abc", "district": "999", "priority": "<b>"},
        {"title": "x" * 10_000, "proposals": ["x" * 50, "-1", "1e9"], "status": "\u202e"},
        form_data(proposals=[str(n) for n in range(1, 40)]),
    ],
)
def test_garbage_is_400_not_500(client, login, member, make_need, data):
    need = make_need(member)
    login(member)
    assert client.post("/bedarfe/neu", data=data).status_code == 400
    assert client.post(f"/bedarfe/{need.id}/bearbeiten", data=data).status_code == 400
    assert _count() == 1


def test_one_district_council_needs_no_place(client, login, member, categories, districts):
    login(member)
    response = client.post("/bedarfe/neu", data=form_data(district=""))
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert need.district_id == districts[MOSKAUER_PLATZ].id and need.place_from_map is False
