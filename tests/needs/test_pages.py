"""The need page, moderation visibility, supports and comments."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.comments.models import Comment
from app.extensions import db
from app.needs import services
from app.needs.models import NeedSupport


def _english(client):
    client.post("/sprache", data={"lang": "en"})


def _supports() -> int:
    return db.session.scalar(select(func.count(NeedSupport.id)))


def test_need_page_shows_council_and_role(client, mayor, member, make_need):
    need = make_need(mayor, title="Jugendraum", description="Siehe https://example.org/info.")
    other = make_need(member, title="Bänke")
    _english(client)
    response = client.get(f"/bedarfe/{need.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "District council Moskauer Platz" in page
    assert "District mayor: Erika Muster" in page
    assert "High" in page and "Open" in page
    assert '<a href="https://example.org/info" rel="nofollow noopener ugc">' in page
    assert 'href="/ortsteile/23"' in page
    assert 'id="comments-title"' in page
    assert "<script>" not in page
    page = client.get(f"/bedarfe/{other.id}").get_data(as_text=True)
    assert "Council member: Max Rat" in page


def test_point_need_shows_a_map(client, member, make_need, districts):
    district = districts["23"]
    need = make_need(member, point=(district.label_lat, district.label_lon))
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert 'data-mode="show"' in page
    plain = make_need(member)
    assert 'data-mode="show"' not in client.get(f"/bedarfe/{plain.id}").get_data(as_text=True)


def test_unknown_need_is_404(client, districts):
    assert client.get("/bedarfe/12345").status_code == 404


@pytest.mark.parametrize("state", ["hidden", "pending_review", "pending_approval"])
def test_hidden_need_is_404_for_the_public(
    client, login, member, mayor, citizen, other_member, make_need, create_user, state
):
    need = make_need(member)
    need.moderation_state = state
    db.session.commit()
    url = f"/bedarfe/{need.id}"
    assert client.get(url).status_code == 404
    login(citizen)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/unterstuetzen").status_code == 404
    client.post("/abmelden")
    login(other_member)  # moderates only Herrenberg
    assert client.get(url).status_code == 404
    client.post("/abmelden")
    for viewer in (member, mayor, create_user("planner")):
        login(viewer)
        assert client.get(url).status_code == 200, viewer
        client.post("/abmelden")


# --- supports --------------------------------------------------------------------------------


def test_support_is_idempotent_and_can_be_withdrawn(client, login, member, citizen, make_need):
    need = make_need(member)
    login(citizen)
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert f'action="/bedarfe/{need.id}/unterstuetzen"' in page
    assert client.post(f"/bedarfe/{need.id}/unterstuetzen").status_code == 302
    assert client.post(f"/bedarfe/{need.id}/unterstuetzen").status_code == 302
    assert _supports() == 1
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert 'aria-pressed="true"' in page
    assert client.post(f"/bedarfe/{need.id}/unterstuetzung-zurueckziehen").status_code == 302
    assert _supports() == 0
    assert client.post(f"/bedarfe/{need.id}/unterstuetzung-zurueckziehen").status_code == 302


def test_own_need_cannot_be_supported(client, login, member, mayor, make_need):
    need = make_need(member)
    login(member)
    assert client.post(f"/bedarfe/{need.id}/unterstuetzen").status_code == 403
    assert _supports() == 0
    with pytest.raises(services.NeedError):
        services.support(member, need)
    client.post("/abmelden")
    login(mayor)  # another member of the same council may support it
    assert client.post(f"/bedarfe/{need.id}/unterstuetzen").status_code == 302
    assert _supports() == 1


def test_support_needs_a_confirmed_account(client, login, create_user, member, make_need):
    need = make_need(member)
    assert client.post(f"/bedarfe/{need.id}/unterstuetzen").status_code == 302  # to login
    login(create_user(confirmed=False))
    assert client.post(f"/bedarfe/{need.id}/unterstuetzen").status_code == 403
    assert _supports() == 0


def test_hidden_need_cannot_be_supported(member, citizen, make_need):
    need = make_need(member)
    need.moderation_state = "hidden"
    db.session.commit()
    with pytest.raises(services.NeedError):
        services.support(citizen, need)


def test_support_race_counts_once(member, citizen, make_need, monkeypatch):
    need = make_need(member)
    db.session.add(NeedSupport(user_id=citizen.id, need_id=need.id))
    db.session.flush()
    # a second request that checked before the first one's row was there
    monkeypatch.setattr(services, "has_supported", lambda user, need_id: False)
    assert services.support(citizen, need) is False
    db.session.commit()
    assert _supports() == 1


# --- comments and follows --------------------------------------------------------------------


def test_comment_on_a_need(client, login, member, citizen, make_need):
    need = make_need(member)
    login(citizen)
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert f'action="/kommentare/need/{need.id}"' in page
    response = client.post(
        f"/kommentare/need/{need.id}", data={"body": "Gute Idee, ich helfe mit."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/bedarfe/{need.id}#comment-")
    comment = db.session.scalar(select(Comment))
    assert (comment.target_type, comment.target_id) == ("need", need.id)
    assert "Gute Idee, ich helfe mit." in client.get(f"/bedarfe/{need.id}").get_data(as_text=True)


def test_no_comments_on_hidden_need(client, login, member, citizen, make_need):
    need = make_need(member)
    need.moderation_state = "hidden"
    db.session.commit()
    login(citizen)
    # One visibility rule for every content type: a hidden need, like a hidden proposal, does
    # not exist for the public (was 403 while the need's loader skipped the rule).
    assert client.post(f"/kommentare/need/{need.id}", data={"body": "x"}).status_code == 404


def test_follow_a_need(client, login, member, citizen, make_need):
    from app.notifications import services as notifications

    need = make_need(member)
    login(citizen)
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert 'class="follow-form"' in page
    client.post(f"/folgen/need/{need.id}", data={"next": f"/bedarfe/{need.id}"})
    assert notifications.is_following(citizen, "need", need.id)


def test_registries(app):
    from app.comments.targets import get_target
    from app.indicators.registry import get_input_type
    from app.moderation.registry import get_moderated
    from app.notifications.contributions import sections

    assert get_target("need") is not None
    assert get_moderated("need").model.__name__ == "Need"
    assert get_input_type("need") is not None
    assert "needs" in {s.key for s in sections()}


def test_indicator_input_and_contributions_count_visible_needs(app, member, make_need, districts):
    from app.indicators.registry import get_input_type
    from app.notifications.contributions import sections

    visible = make_need(member)
    hidden = make_need(member, title="Versteckt")
    hidden.moderation_state = "hidden"
    db.session.commit()
    kind = get_input_type("need")
    assert kind.counter(None) == {districts["23"].id: 1}
    with app.test_request_context():
        assert kind.loader(hidden.id) is None
        assert kind.loader(visible.id) == (
            visible.title,
            f"/bedarfe/{visible.id}",
            visible.district_id,
        )
        section = next(s for s in sections() if s.key == "needs")
        assert {item.title for item in section.loader(member)} == {visible.title, hidden.title}


def test_need_can_be_reported_and_hidden_by_moderation(
    client, login, member, mayor, citizen, make_need
):
    need = make_need(member)
    login(citizen)
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert f'href="/melden/need/{need.id}"' in page
    client.post("/abmelden")
    login(mayor)  # moderates the council's districts, not own content
    response = client.post(
        f"/moderation/need/{need.id}/verbergen", data={"reason": "off_topic", "note": ""}
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.moderation_state == "hidden"
    client.post("/abmelden")
    assert client.get(f"/bedarfe/{need.id}").status_code == 404
    login(member)  # the author sees it, with the notice
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert 'id="moderation-notice"' in page
