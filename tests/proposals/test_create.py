import pytest
from sqlalchemy import select

from app.extensions import db
from app.proposals.models import Proposal

from .conftest import ALTSTADT, form_data


@pytest.fixture
def signed_in(client, login, citizen, districts, categories):
    login(citizen)
    return citizen


def test_form_page(client, signed_in):
    response = client.get("/vorschlaege/neu")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="proposal-map"' in page
    assert 'name="lat"' in page and 'name="lon"' in page


def test_anonymous_is_sent_to_login(client, districts, categories):
    assert client.get("/vorschlaege/neu").status_code == 302


def test_submit_with_map_point(client, signed_in, districts):
    response = client.post("/vorschlaege/neu", data=form_data())
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert proposal.title == "Neue Sitzbänke am Anger"
    assert proposal.place_from_map is True
    assert proposal.district_id == districts["01"].id
    assert (proposal.lat, proposal.lon) == ALTSTADT
    assert proposal.author_id == signed_in.id
    assert response.headers["Location"].endswith(f"/vorschlaege/{proposal.id}")


def test_submit_without_map(client, signed_in, districts):
    response = client.post(
        "/vorschlaege/neu",
        data=form_data(lat="", lon="", district="23", address="Am Spielplatz"),
    )
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    district = districts["23"]
    assert proposal.place_from_map is False
    assert proposal.district_id == district.id
    assert (proposal.lat, proposal.lon) == (district.label_lat, district.label_lon)
    assert proposal.address == "Am Spielplatz"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Bitte geben Sie einen Titel ein."),
        ({"title": "x" * 121}, "Bitte verwenden Sie höchstens 120 Zeichen."),
        ({"description": ""}, "Bitte beschreiben Sie Ihren Vorschlag."),
        ({"description": "x" * 5001}, "Bitte verwenden Sie höchstens 5.000 Zeichen."),
        ({"category": ""}, "Bitte wählen Sie eine Kategorie."),
        ({"category": "nope"}, "Bitte wählen Sie eine Kategorie."),
        ({"lat": "abc"}, "Der Breitengrad muss eine Zahl wie 50.9787 sein."),
        ({"lon": "999"}, "Der Längengrad muss eine Zahl wie 11.0328 sein."),
        ({"lon": ""}, "Bitte geben Sie Breiten- und Längengrad an oder keines von beiden."),
        (
            {"lat": "", "lon": ""},
            "Bitte markieren Sie den Ort auf der Karte, geben Sie Koordinaten ein oder "
            "wählen Sie einen Ortsteil.",
        ),
        (
            {"district": "99", "lat": "", "lon": ""},
            "Bitte wählen Sie einen Ortsteil aus der Liste.",
        ),
        ({"address": "x" * 201}, "Bitte verwenden Sie höchstens 200 Zeichen."),
        ({"lat": "52.52", "lon": "13.40"}, "Dieser Ort liegt außerhalb von Erfurt"),
    ],
)
def test_bad_input_keeps_values(client, signed_in, changes, message):
    data = form_data(title="Mein Titel für den Test")
    data.update(changes)
    response = client.post("/vorschlaege/neu", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(Proposal)) is None
    for name in ("title", "address"):
        value = data[name]
        if value and len(value) < 100:
            assert f'value="{value}"' in page
    if data["description"] and len(data["description"]) < 100:
        assert data["description"] in page


def test_district_followers_are_told(client, signed_in, create_user, districts):
    notifications = pytest.importorskip("app.notifications.services")
    from app.notifications.models import Notification

    neighbour = create_user()
    notifications.follow(neighbour, "district", districts["01"].id)
    db.session.commit()
    assert client.post("/vorschlaege/neu", data=form_data()).status_code == 302
    note = db.session.scalar(select(Notification).where(Notification.user_id == neighbour.id))
    assert note is not None and note.kind == "new_proposal"
