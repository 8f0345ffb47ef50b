"""Offers catalogue: managing offers, CSV import with a validation report."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.barriers import services
from app.barriers.models import Offer
from app.core.audit import AuditEntry
from app.extensions import db


@pytest.fixture
def planner(create_user, login, districts, offer_types):
    user = create_user("planner")
    login(user)
    return user


def offer_form(offer_types, **overrides):
    data = {
        "name": "Stadtteilbibliothek Neu",
        "type": str(offer_types["library"].id),
        "address": "Neue Straße 5",
        "lat": "50,9785",  # decimal comma is fine
        "lon": "11.0265",
        "provider": "Stadt",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", [None, "mayor", "council_member"])
def test_only_planners_and_admins_manage_offers(client, create_user, login, districts, role):
    login(create_user(role, council="23" if role else None))
    for path in ("/angebote/verwaltung", "/angebote/verwaltung/neu", "/angebote/verwaltung/import"):
        assert client.get(path).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/angebote/verwaltung")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_create_edit_deactivate(client, planner, offer_types, districts):
    response = client.post("/angebote/verwaltung/neu", data=offer_form(offer_types))
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer))
    assert offer.name == "Stadtteilbibliothek Neu"
    assert offer.district.number == "01"
    assert offer.lat == pytest.approx(50.9785)
    page = client.get("/angebote/verwaltung").get_data(as_text=True)
    assert "Stadtteilbibliothek Neu" in page

    response = client.post(
        f"/angebote/verwaltung/{offer.id}", data=offer_form(offer_types, name="Umbenannt")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).name == "Umbenannt"
    assert client.get(f"/angebote/verwaltung/{offer.id}").status_code == 200

    assert client.post(f"/angebote/verwaltung/{offer.id}/aktiv").status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).active is False
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"offer.created", "offer.updated", "offer.deactivated"} <= actions
    # Deactivated offers leave the public map and the report form's list.
    assert b"Umbenannt" not in client.get("/api/v1/offers").data
    assert client.post(f"/angebote/verwaltung/{offer.id}/aktiv").status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).active is True


def test_unknown_offer_is_404(client, planner):
    assert client.get("/angebote/verwaltung/999").status_code == 404
    assert client.post("/angebote/verwaltung/999/aktiv").status_code == 404


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("name", "", "Please enter the name of the offer."),
        ("name", "x" * 201, "Please use at most 200 characters."),
        ("type", "", "Please choose a type."),
        ("type", "999", "Please choose a type."),
        ("address", "x" * 201, "Please use at most 200 characters."),
        ("lat", "", "Please enter the latitude."),
        ("lat", "north", "The latitude must be a number such as 50.9787."),
        ("lat", "nan", "The latitude must be a number such as 50.9787."),
        ("lon", "", "Please enter the longitude."),
        ("lon", "200", "The longitude must be a number such as 11.0328."),
        ("lon", "13.4", "This place lies outside Erfurt."),
        ("provider", "x" * 201, "Please use at most 200 characters."),
    ],
)
def test_offer_form_errors(client, planner, offer_types, field, value, message, app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    data = offer_form(offer_types, **{field: value})
    response = client.post("/angebote/verwaltung/neu", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    # What was typed is kept.
    assert 'value="Neue Straße 5"' in page or field == "address"
    assert db.session.scalar(select(Offer)) is None


CSV_HEADER = "name,type,address,lat,lon,provider\n"


def upload(client, text: str, **extra):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "offers.csv"), **extra}
    return client.post("/angebote/verwaltung/import", data=data, content_type="multipart/form-data")


def test_csv_import_reports_each_problem_by_row(client, planner, offers, app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    text = CSV_HEADER + (
        "Gute Bibliothek,library,Weg 1,50.9785,11.0265,Stadt\n"  # 2 ok
        ",library,Weg 2,50.9785,11.0265,Stadt\n"  # 3 missing name
        "Seltsam,castle,Weg 3,50.9785,11.0265,Stadt\n"  # 4 unknown type
        "Zahlenlos,library,Weg 4,abc,11.0265,Stadt\n"  # 5 non-numeric
        "Berlin,library,Weg 5,52.52,13.40,Stadt\n"  # 6 outside Erfurt
        "Gute Bibliothek,library,Weg 1,50.9785,11.0265,Stadt\n"  # 7 duplicate of 2
        "Bibliothek Testplatz,library,Teststraße 1,50.9785,11.0265,Stadt\n"  # 8 exists
        "Jugendhaus Süd,Jugendhaus,Weg 8,50.9455;11.0660,Stadt\n"  # 9 (bad coordinates)
    )
    response = upload(client, text)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    report = services.validate_offer_csv(text)
    problems = dict(report.problems)
    assert problems[3] == "The name is missing."
    assert problems[4] == "Unknown type “castle”."
    assert problems[5] == "The coordinates must be numbers (latitude and longitude)."
    assert problems[6] == "The coordinates lie outside Erfurt."
    assert problems[7] == "Duplicate of line 2."
    assert problems[8] == "This offer is already in the catalogue."
    assert 9 in problems
    assert [row.line for row in report.rows] == [2]
    for message in problems.values():
        assert message.replace("“", "&#8220;")[:10] in page or message[:10] in page
    # Nothing written before confirming.
    assert db.session.scalar(select(Offer).where(Offer.name == "Gute Bibliothek")) is None
    response = client.post("/angebote/verwaltung/import", data={"csv_text": text, "confirm": "1"})
    assert response.status_code == 302
    names = set(db.session.scalars(select(Offer.name)))
    assert "Gute Bibliothek" in names and "Seltsam" not in names and "Berlin" not in names


def test_csv_semicolons_german_names_and_bom(client, planner, offer_types):
    text = "\ufeffname;type;address;lat;lon;provider\nHaus;Jugendhaus;Weg;50,9455;11,0660;Verein\n"
    report = services.validate_offer_csv(text)
    assert not report.problems and len(report.rows) == 1


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "Please choose a CSV file."),
        ("name,type\nä,b\n".encode("latin-1"), "The file must be saved as UTF-8."),
    ],
)
def test_csv_upload_errors(client, planner, content, message, app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    data = {"file": (io.BytesIO(content), "offers.csv")}
    response = client.post(
        "/angebote/verwaltung/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_csv_without_columns_or_rows(app, offer_types, districts):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    with app.test_request_context():
        assert services.validate_offer_csv("foo,bar\n1,2\n").problems[0][0] == 1
        assert services.validate_offer_csv(CSV_HEADER).problems == [
            (1, "The file contains no offers.")
        ]


def test_demo_catalogue_is_valid(app, offer_types, districts):
    from app.demo.barriers import DEMO_OFFERS

    report = services.validate_offer_csv(DEMO_OFFERS.read_text(encoding="utf-8"))
    assert not report.problems
    assert 15 <= len(report.rows) <= 25
    assert all("(Demo)" in row.values["name"] for row in report.rows)


def test_offers_list_query_count(client, planner, offers, count_queries):
    client.get("/angebote/verwaltung")
    with count_queries() as few:
        client.get("/angebote/verwaltung")
    for i in range(10):
        services.save_offer(
            None,
            None,
            name=f"Mehr {i}",
            type_id=offers[0].type_id,
            address="",
            provider="",
            lat=50.9785,
            lon=11.0265,
        )
    db.session.commit()
    with count_queries() as many:
        client.get("/angebote/verwaltung")
    assert many.count == few.count
