"""Catalogue management and the index definition (planners and admins)."""

from __future__ import annotations

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.indicators import catalogue, district_index
from app.indicators.demo import DEFAULT_INDEX_NAME

NEW = {
    "code": "child_poverty",
    "name_de": "Kinderarmut",
    "name_en": "Child poverty",
    "unit": "percent",
    "topic": "children",
    "direction": "1",
    "source": "Amt für Statistik",
    "licence": "dl-de/by-2-0",
    "description": "Anteil der Kinder …",
}


def test_planner_adds_and_edits_an_indicator(client, demo, planner, login):
    login(planner)
    assert client.post("/indikatoren/verwaltung/neu", data=NEW).status_code == 302
    indicator = catalogue.get_indicator("child_poverty")
    assert (indicator.unit, indicator.direction, indicator.synthetic) == ("percent", 1, False)
    assert "Kinderarmut" in client.get("/indikatoren/").get_data(as_text=True)
    changed = dict(NEW, name_de="Kinderarmut (neu)", code="hacked")
    assert client.post("/indikatoren/verwaltung/child_poverty", data=changed).status_code == 302
    db.session.expire_all()
    indicator = catalogue.get_indicator("child_poverty")
    assert indicator.name_de == "Kinderarmut (neu)"
    assert catalogue.get_indicator("hacked") is None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"indicator.created", "indicator.updated"} <= actions


def test_bad_indicator_input_keeps_the_form(client, demo, planner, login):
    login(planner)
    response = client.post("/indikatoren/verwaltung/neu", data=dict(NEW, code="Bad Code!"))
    assert response.status_code == 400
    assert 'value="Kinderarmut"' in response.get_data(as_text=True)
    response = client.post("/indikatoren/verwaltung/neu", data=dict(NEW, code="sgb2_rate"))
    assert response.status_code == 400
    assert client.get("/indikatoren/verwaltung/nope").status_code == 404


def test_planner_edits_the_index_definition(client, demo, planner, login):
    login(planner)
    data = {
        "name": "Sozialindex 2",
        "status_codes": ["sgb2_rate", "grammar_school"],
        "dynamic_codes": ["sgb2_rate"],
        "change_years": "3",
        "min_population": "500",
        "excluded": "9, 45",
    }
    assert client.post("/indikatoren/sozialindex/definition", data=data).status_code == 302
    db.session.expire_all()
    definition = district_index.active_definition()
    assert definition.status_codes == ["sgb2_rate", "grammar_school"]
    assert (definition.change_years, definition.min_population) == (3, 500)
    assert definition.excluded == ["09", "45"]
    body = client.get("/api/v1/social-index").get_json()
    areas = {a["district"]: a for a in body["areas"]}
    assert areas["09"]["left_out"] == "excluded"
    assert set(areas["05"]["components"]) == {"sgb2_rate", "grammar_school", "d_sgb2_rate"}
    page = client.get("/indikatoren/methode").get_data(as_text=True)
    assert "Sozialindex 2" in page and "500" in page


def test_bad_definition_input(client, demo, planner, login):
    login(planner)
    response = client.post(
        "/indikatoren/sozialindex/definition",
        data={
            "name": "X",
            "status_codes": [],
            "change_years": "0",
            "min_population": "-1",
            "excluded": "77",
        },
    )
    assert response.status_code == 400
    response = client.post(
        "/indikatoren/sozialindex/definition",
        data={
            "name": "X",
            "status_codes": ["sgb2_rate"],
            "change_years": "2",
            "min_population": "300",
            "excluded": "77",
        },
    )
    assert response.status_code == 400
    assert district_index.active_definition().name == DEFAULT_INDEX_NAME
