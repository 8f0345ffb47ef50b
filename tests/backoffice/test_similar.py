"""Duplicates in the item view: refused of itself and of a duplicate with a clear message;
candidates and "similar inputs nearby" (same category within 1,000 m, a shared stemmed
word in the title), found with a bounded box query on both databases."""

from __future__ import annotations

import pytest

from app.backoffice import services
from app.extensions import db
from app.workflow import services as workflow

from .conftest import INBOX

# ~0.009° of latitude are 1,000 m; the points lie around district 23's label point


def _url(obj, suffix: str = "") -> str:
    return f"{INBOX}proposal/{obj.id}{suffix}"


def _mark(client, copy, original):
    return client.post(
        _url(copy, "/status"),
        data={"status": "duplicate", "duplicate_type": "proposal", "duplicate_id": original.id},
    )


def test_duplicate_of_itself_is_refused_with_a_message(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = _mark(client, proposal, proposal)
    assert response.status_code == 400
    assert "kann kein Doppel von sich selbst sein" in response.get_data(as_text=True)
    db.session.expire_all()
    assert workflow.item_for("proposal", proposal.id).status.key == "new"


def test_duplicate_of_a_duplicate_is_refused_with_a_message(
    client, login_as, people, make_proposal
):
    original, _ = make_proposal(title="Original")
    copy, _ = make_proposal(title="Kopie")
    third, _ = make_proposal(title="Dritte")
    login_as(people["planner"])
    assert _mark(client, copy, original).status_code == 302
    response = _mark(client, third, copy)
    assert response.status_code == 400
    assert "selbst ein Doppel" in response.get_data(as_text=True)
    # nor can the original become a duplicate while copies point at it
    again = _mark(client, original, third)
    assert again.status_code == 400
    assert "Doppel eines Doppels" in again.get_data(as_text=True)
    db.session.expire_all()
    assert workflow.item_for("proposal", third.id).status.key == "new"
    assert workflow.item_for("proposal", original.id).status.key == "new"


def test_similar_titles_share_a_stemmed_word():
    assert services.similar_title("Neue Spielplätze", "Spielplatz am Teich")
    assert not services.similar_title("Bank am Teich", "Mehr Licht")
    assert not services.similar_title("Der und die", "die und das")  # stop words only


@pytest.fixture
def placed(make_proposal, districts):
    here = (districts["23"].label_lat, districts["23"].label_lon)

    def make(title: str, dlat: float = 0.0, category: str = "green-play", **kw):
        return make_proposal(title=title, point=(here[0] + dlat, here[1]), category=category, **kw)[
            0
        ]

    return make


def test_nearby_same_category_within_1000_m_nearest_first(placed):
    me = placed("Neuer Spielplatz")
    close = placed("Spielplätze sanieren", 0.001)  # ~110 m, similar
    other_title = placed("Mehr Bänke", 0.004)  # ~450 m, not similar
    placed("Spielplatz weit weg", 0.012)  # ~1,330 m: too far
    placed("Spielplatz", 0.0005, category="other")  # another category
    item = workflow.item_for("proposal", me.id)
    found = services.similar_nearby(item, me)
    assert [(n.target_id, n.similar) for n in found] == [
        (close.id, True),
        (other_title.id, False),
    ]
    assert 100 <= found[0].distance_m <= 120
    assert [n.target_id for n in services.duplicate_candidates(found)] == [close.id]


def test_a_duplicate_is_no_candidate(client, login_as, people, placed):
    me = placed("Neuer Spielplatz")
    original = placed("Spielplatz", 0.001)
    copy = placed("Spielplatz bitte", 0.002)
    login_as(people["planner"])
    assert _mark(client, copy, original).status_code == 302
    found = services.similar_nearby(workflow.item_for("proposal", me.id), me)
    assert {n.target_id for n in found} == {original.id, copy.id}
    assert [n.target_id for n in services.duplicate_candidates(found)] == [original.id]


def test_item_view_offers_the_candidates_as_one_click_duplicates(client, login_as, people, placed):
    me = placed("Neuer Spielplatz")
    close = placed("Spielplätze sanieren", 0.001)
    login_as(people["planner"])
    html = client.get(_url(me)).get_data(as_text=True)
    assert 'id="nearby-list"' in html and f'data-item="proposal-{close.id}"' in html
    assert "Als Doppel von „Spielplätze sanieren“ markieren" in html
    assert _mark(client, me, close).status_code == 302
    db.session.expire_all()
    assert (
        workflow.item_for("proposal", me.id).duplicate_of_id
        == workflow.item_for("proposal", close.id).id
    )


def test_council_members_see_nearby_but_no_duplicate_buttons(client, login_as, people, placed):
    me = placed("Neuer Spielplatz")
    placed("Spielplätze sanieren", 0.001)
    login_as(people["council_member"])
    html = client.get(_url(me)).get_data(as_text=True)
    assert 'id="nearby-list"' in html and 'id="duplicate-candidates"' not in html


def test_nearby_costs_a_constant_number_of_queries(placed, count_queries):
    me = placed("Neuer Spielplatz")
    item = workflow.item_for("proposal", me.id)

    def measure() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            services.similar_nearby(item, me)
        return counter.count

    placed("Spielplatz eins", 0.001)
    few = measure()
    for n in range(8):
        placed(f"Spielplatz {n}", 0.0001 * n)
    assert measure() == few


def _across_the_boundary(base) -> tuple[tuple[float, float], tuple[float, float]]:
    """Two points ~130 m apart, the first in ``base``, the second in another district: walk
    from the label point in each direction until the district changes."""
    from app.districts.services import OutsideCity, locate

    step = 0.0002
    for dlat, dlon in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        lat, lon = base.label_lat, base.label_lon
        for _ in range(200):
            lat, lon = lat + dlat * step, lon + dlon * step
            try:
                found = locate(lat, lon)
            except OutsideCity:
                break
            if found.number != base.number:
                back = (lat - dlat * 6 * step, lon - dlon * 6 * step)
                ahead = (lat + dlat * 3 * step, lon + dlon * 3 * step)
                if locate(*back).number == base.number and locate(*ahead).number != base.number:
                    return back, ahead
                break
    raise AssertionError("no neighbouring district found")


def test_council_members_see_nearby_inputs_of_their_districts_only(
    client, login_as, people, make_proposal, districts
):
    """Near a district boundary: the input across it (another council) is listed for the
    planner, not for the council member."""
    here, there = _across_the_boundary(districts["23"])
    me = make_proposal(title="Spielplatz hier", point=here, category="green-play")[0]
    across = make_proposal(title="Spielplatz drüben", point=there, category="green-play")[0]
    item = workflow.item_for("proposal", me.id)
    assert workflow.item_for("proposal", across.id).district_id != districts["23"].id
    assert across.id in [n.target_id for n in services.similar_nearby(item, me)]
    login_as(people["planner"])
    assert f'data-item="proposal-{across.id}"' in client.get(_url(me)).get_data(as_text=True)
    login_as(people["council_member"])
    html = client.get(_url(me)).get_data(as_text=True)
    assert 'id="nearby-section"' in html
    assert f'data-item="proposal-{across.id}"' not in html
