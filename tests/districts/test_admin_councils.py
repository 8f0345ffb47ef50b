"""Admins correct the council mapping in the app; the change is audited and exported."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.districts.models import Council, District
from app.districts.services import DEFAULT_DATA_DIR, load_districts
from app.extensions import db


@pytest.fixture
def admin(create_user, login, districts):
    user = create_user("admin")
    login(user)
    return user


def test_page_lists_districts_with_their_council(client, admin):
    html = client.get("/admin/ortsteilraete/").get_data(as_text=True)
    assert html.count('<tr id="district-') == 53
    assert "Moskauer Platz" in html


def test_create_council_and_assign_two_districts(client, admin, districts):
    response = client.post("/admin/ortsteilraete/neu", data={"name": "Berliner Platz/Rieth"})
    assert response.status_code == 302
    council = db.session.scalar(select(Council).where(Council.slug == "berliner-platz-rieth"))
    for number in ("05", "06"):
        response = client.post(
            f"/admin/ortsteilraete/ortsteil/{number}", data={f"d{number}-council": str(council.id)}
        )
        assert response.status_code == 302
    numbers = sorted(
        db.session.scalars(select(District.number).where(District.council_id == council.id))
    )
    assert numbers == ["05", "06"]
    # The public GeoJSON follows at once.
    features = client.get("/api/v1/districts").get_json(force=True)["features"]
    assert {f["properties"]["number"]: f["properties"]["council"] for f in features}["06"] == (
        "Berliner Platz/Rieth"
    )
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == [
        "council.created",
        "district.council_changed",
        "district.council_changed",
    ]
    csv_text = client.get("/admin/ortsteilraete/councils.csv").get_data(as_text=True)
    assert "berliner-platz-rieth,Berliner Platz/Rieth,05;06" in csv_text


def test_remove_council_from_district(client, admin, districts):
    client.post("/admin/ortsteilraete/ortsteil/23", data={"d23-council": ""})
    assert db.session.get(District, districts["23"].id).council_id is None


@pytest.mark.parametrize(
    "name,message",
    [
        ("", "Bitte geben Sie einen Namen ein."),
        ("x" * 121, "Der Name darf höchstens 120 Zeichen haben."),
        ("!!!", "Bitte geben Sie einen Namen mit Buchstaben oder Ziffern ein."),
        ("Moskauer Platz", "Es gibt bereits einen Ortsteilrat mit diesem Namen."),
    ],
)
def test_create_council_bad_input(client, admin, name, message):
    response = client.post("/admin/ortsteilraete/neu", data={"name": name})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if name:
        assert f'value="{name}"' in html


def test_assign_bad_input(client, admin):
    assert (
        client.post("/admin/ortsteilraete/ortsteil/23", data={"d23-council": "999"}).status_code
        == 400
    )
    assert client.post("/admin/ortsteilraete/ortsteil/99", data={}).status_code == 404


@pytest.mark.parametrize("role", [None, "mayor", "planner"])
def test_only_admins(client, create_user, login, districts, role):
    login(create_user(role, council="23" if role == "mayor" else None))
    assert client.get("/admin/ortsteilraete/").status_code == 403
    assert client.post("/admin/ortsteilraete/neu", data={"name": "X"}).status_code == 403
    assert client.post("/admin/ortsteilraete/ortsteil/23", data={}).status_code == 403


def test_councils_export_is_the_data_file_format(client, admin, districts, tmp_path):
    """The export (the one CSV writer, comma dialect) loads back as councils.csv unchanged."""
    raw = client.get("/admin/ortsteilraete/councils.csv").data
    assert raw.startswith(b"\xef\xbb\xbfslug,name,districts\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    data_dir = tmp_path / "erfurt"
    shutil.copytree(DEFAULT_DATA_DIR, data_dir)
    (data_dir / "councils.csv").write_bytes(raw)
    report = load_districts(data_dir)
    assert (report.councils_created, report.councils_updated, report.councils_removed) == (0, 0, 0)
