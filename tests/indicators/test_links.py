"""The input-type registry and links between citizen inputs and indicators."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.indicators import catalogue, links, profile, registry
from app.indicators.models import IndicatorLink


def test_registry_register_and_lookup(fake_inputs):
    note = registry.get_input_type("note")
    assert note is not None and note in registry.input_types()
    assert note.load_many([1, 3, 99]) == {1: fake_inputs[1], 3: fake_inputs[3]}
    registry.unregister_input_type("nothing")  # no error


def test_registry_refuses_bad_kind():
    import pytest

    with pytest.raises(ValueError):
        registry.register_input_type("", "x", lambda i: None, lambda y: {})


def test_participation_per_1000_for_registered_types_only(client, fake_inputs, demo):
    district = demo["05"]
    population = profile.latest_population(district)
    figures = {p.kind: p for p in profile.participation(district, population)}
    # proposals and needs are registered input types; none of either in this data
    assert figures["need"].available is True and figures["need"].count == 0
    # proposals are a registered input type (app.proposals.integration); none in this data
    assert figures["proposal"].available is True and figures["proposal"].count == 0
    assert figures["note"].count == 2
    assert abs(figures["note"].per_1000 - 2000 / population) < 1e-9
    page = client.get("/ortsteile/05/zahlen").get_data(as_text=True)
    assert "Notizen" in page


def test_planner_links_and_unlinks_an_input(client, fake_inputs, demo, planner, login):
    login(planner)
    form = client.get("/ortsteile/05/zahlen/verknuepfen").get_data(as_text=True)
    assert "Spielplatz fehlt" in form and "Bank am Teich" not in form  # only the district's
    response = client.post(
        "/ortsteile/05/zahlen/verknuepfen",
        data={"indicator": "children_sgb2", "input_type": "note", "pick": "note:1"},
    )
    assert response.status_code == 302
    response = client.post(
        "/ortsteile/05/zahlen/verknuepfen",
        data={"indicator": "children_sgb2", "input_type": "note", "input_id": "2"},
    )
    assert response.status_code == 302
    links = list(db.session.scalars(select(IndicatorLink)))
    assert {(link.input_id, link.district_id) for link in links} == {
        (1, demo["05"].id),
        (2, demo["05"].id),
    }
    page = client.get("/ortsteile/05/zahlen").get_data(as_text=True)
    assert '<a href="/notes/1">Spielplatz fehlt</a>' in page
    # The same link twice is refused with a message.
    again = client.post(
        "/ortsteile/05/zahlen/verknuepfen",
        data={"indicator": "children_sgb2", "input_type": "note", "input_id": "1"},
    )
    assert again.status_code == 400
    # An input that does not exist is refused.
    missing = client.post(
        "/ortsteile/05/zahlen/verknuepfen",
        data={"indicator": "children_sgb2", "input_type": "note", "input_id": "77"},
    )
    assert missing.status_code == 400
    link = links[0]
    assert client.post(f"/indikatoren/verknuepfungen/{link.id}/loesen").status_code == 302
    assert db.session.scalar(select(func.count(IndicatorLink.id))) == 1
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"indicators.linked", "indicators.unlinked"} <= actions


def test_link_form_without_registered_types(client, demo, planner, login):
    login(planner)
    page = client.get("/ortsteile/05/zahlen/verknuepfen")
    assert page.status_code == 200


def test_citizen_cannot_link(client, fake_inputs, demo, create_user, login):
    login(create_user())
    assert client.get("/ortsteile/05/zahlen/verknuepfen").status_code == 403
    response = client.post(
        "/ortsteile/05/zahlen/verknuepfen",
        data={"indicator": "children_sgb2", "input_type": "note", "input_id": "1"},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(IndicatorLink.id))) == 0


def test_profile_links_need_no_query_per_link(client, fake_inputs, demo, planner, count_queries):
    indicator = catalogue.get_indicator("sgb2_rate")
    for input_id in (1, 2):
        links.create_link(planner, indicator, "note", input_id)
    db.session.commit()
    client.get("/ortsteile/05/zahlen")
    with count_queries() as counter:
        client.get("/ortsteile/05/zahlen")
    # one counting query per registered input type, one for the district's measures
    assert counter.count <= 15


def test_link_form_reads_input_numbers_through_the_one_parser(client, demo, planner, login):
    """ASCII digits within the id range only: "١٢" and "1_0" (which int() accepts) and 2³¹
    (which PostgreSQL refuses) are refused with the field's message, never a 500."""

    login(planner)
    for raw in ("١٢", "1_0", str(2**31), "²"):
        response = client.post(
            "/ortsteile/05/zahlen/verknuepfen",
            data={"indicator": "children_sgb2", "input_type": "proposal", "input_id": raw},
        )
        assert response.status_code == 400, raw
        assert "Bitte geben Sie eine gültige Nummer ein." in response.get_data(as_text=True), raw
    for pick in ("proposal:²", f"proposal:{2**31}"):
        response = client.post(
            "/ortsteile/05/zahlen/verknuepfen",
            data={"indicator": "children_sgb2", "input_type": "proposal", "pick": pick},
        )
        assert response.status_code == 400, pick
