"""The read side of GeoReport v2 through the test client: formats, services, definitions,
requests (fields, filters, paging, published items only), tokens, query counts."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own test documents
from datetime import timedelta

import pytest

from app.accounts.models import Office
from app.core.time import utcnow
from app.extensions import db
from app.moderation.models import HIDDEN, PENDING_APPROVAL
from app.needs import services as needs
from app.proposals.services import categories as all_categories
from app.responses import services as responses
from app.responses.targets import get_respondable
from app.workflow import services as workflow

from .conftest import API

W3C = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00")


def _json(response):
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.get_data(as_text=True))


def _xml(response):
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(body)  # noqa: S314 - our own answer


def test_discovery_in_both_formats(client):
    document = _json(client.get(f"{API}/discovery.json"))
    [endpoint] = document["endpoints"]
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert W3C.fullmatch(document["changeset"])
    root = _xml(client.get(f"{API}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]


def test_services_are_the_categories_and_the_needs(client, districts):
    services = _json(client.get(f"{API}/services.json"))
    codes = [s["service_code"] for s in services]
    assert codes == [c.slug for c in all_categories()] + ["council-need"]
    assert all(isinstance(code, str) for code in codes)
    education = services[0]
    assert education["service_name"] == "Bildung" and education["metadata"] is True
    assert education["type"] == "realtime"
    assert services[-1]["metadata"] is False
    assert "barrier" not in json.dumps(services).lower()
    root = _xml(client.get(f"{API}/services.xml"))
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert root.find("service/metadata").text == "true"


def test_pre_moderation_makes_the_services_batch(client, districts):
    districts["23"].council.premoderation = True
    db.session.commit()
    services = _json(client.get(f"{API}/services.json"))
    assert {s["type"] for s in services if s["metadata"]} == {"batch"}


def test_service_definition(client):
    definition = _json(client.get(f"{API}/services/green-play.json"))
    assert definition["service_code"] == "green-play"
    by_code = {a["code"]: a for a in definition["attributes"]}
    assert by_code["title"]["datatype"] == "string"
    precision = by_code["place_precision"]
    assert precision["datatype"] == "singlevaluelist" and precision["required"] is False
    assert [v["key"] for v in precision["values"]] == ["exact", "district"]
    root = _xml(client.get(f"{API}/services/green-play.xml"))
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.iter("value")] == ["exact", "district"]
    assert client.get(f"{API}/services/council-need.json").status_code == 200
    missing = client.get(f"{API}/services/potholes.json")
    assert missing.status_code == 404
    assert _json(missing)[0]["code"] == 404


@pytest.fixture
def scene(proposal_factory, people, districts, categories):
    """Public, hidden, pending and withdrawn proposals, an old one, and a council need."""
    public = proposal_factory(people["author"], title="Bank am Teich", category="green-play")
    hidden = proposal_factory(people["author"], title="Versteckt", state=HIDDEN)
    pending = proposal_factory(people["author"], title="Wartet", state=PENDING_APPROVAL)
    withdrawn = proposal_factory(people["author"], title="Zurückgezogen")
    withdrawn.withdrawn_at = utcnow()
    old = proposal_factory(people["author"], title="Alt", days_ago=120)
    council = districts["23"].council
    need = needs.create_need(
        people["mayor"],
        council,
        title="Jugendraum",
        description="Abends fehlt ein Raum.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_district(council, districts["23"]),
        linked_proposal_ids=(),
    )
    db.session.commit()
    return {
        "public": public,
        "hidden": hidden,
        "pending": pending,
        "withdrawn": withdrawn,
        "old": old,
        "need": need,
    }


def test_requests_are_published_items_of_the_last_90_days(client, scene):
    found = _json(client.get(f"{API}/requests.json"))
    ids = [r["service_request_id"] for r in found]
    assert ids == [f"need-{scene['need'].id}", str(scene["public"].id)]
    request = found[1]
    assert request["service_code"] == "green-play" and request["service_name"] == "Grün und Spiel"
    assert request["description"] == "Bank am Teich\n\nZum Ausruhen."
    assert request["status"] == "open"
    assert W3C.fullmatch(request["requested_datetime"])
    assert W3C.fullmatch(request["updated_datetime"])
    assert request["address"] == "23 Moskauer Platz"
    assert isinstance(request["lat"], float) and isinstance(request["long"], float)
    assert found[0]["service_code"] == "council-need"
    assert found[0]["agency_responsible"] == "Ortsteilrat Moskauer Platz"


def test_one_request_is_an_array_in_json_and_a_list_in_xml(client, scene):
    proposal = scene["public"]
    found = _json(client.get(f"{API}/requests/{proposal.id}.json"))
    assert isinstance(found, list) and len(found) == 1
    root = _xml(client.get(f"{API}/requests/{proposal.id}.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [str(proposal.id)]
    need = _json(client.get(f"{API}/requests/need-{scene['need'].id}.json"))
    assert need[0]["service_code"] == "council-need"


@pytest.mark.parametrize("which", ["hidden", "pending", "withdrawn"])
def test_unpublished_requests_are_404(client, scene, which):
    response = client.get(f"{API}/requests/{scene[which].id}.json")
    assert response.status_code == 404
    assert _json(response) == [
        {"code": 404, "description": f"Das Anliegen „{scene[which].id}“ gibt es nicht."}
    ]


def test_service_request_ids_override_the_other_filters(client, scene):
    ids = f"{scene['old'].id},{scene['hidden'].id},need-{scene['need'].id},x,99999"
    found = _json(
        client.get(
            f"{API}/requests.json", query_string={"service_request_id": ids, "status": "closed"}
        )
    )
    assert sorted(r["service_request_id"] for r in found) == sorted(
        [str(scene["old"].id), f"need-{scene['need'].id}"]
    )


def test_filters_service_code_status_and_dates(client, scene, people):
    by_code = _json(client.get(f"{API}/requests.json?service_code=green-play"))
    assert [r["service_request_id"] for r in by_code] == [str(scene["public"].id)]
    needs_only = _json(client.get(f"{API}/requests.json?service_code=council-need"))
    assert [r["service_code"] for r in needs_only] == ["council-need"]
    both = _json(client.get(f"{API}/requests.json?service_code=green-play,council-need"))
    assert len(both) == 2
    # closing: a planner answers and sets "done"
    planner = people["planner"]
    answer = responses.respond(
        planner, get_respondable("proposal"), scene["public"], "Die Bank kommt im Mai."
    )
    item = workflow.item_for("proposal", scene["public"].id)
    office = db.session.scalar(db.select(Office).where(Office.slug == "social-planning"))
    workflow.assign(planner, item, office)
    workflow.change_status(planner, item, "done", response_id=answer.id)
    db.session.commit()
    closed = _json(client.get(f"{API}/requests.json?status=closed"))
    assert [r["service_request_id"] for r in closed] == [str(scene["public"].id)]
    assert closed[0]["status"] == "closed"
    assert closed[0]["status_notes"] == "Die Bank kommt im Mai."
    assert closed[0]["agency_responsible"] == office.name_de
    opened = _json(client.get(f"{API}/requests.json?status=open"))
    assert [r["service_request_id"] for r in opened] == [f"need-{scene['need'].id}"]
    start = (utcnow() - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (utcnow() - timedelta(days=80)).strftime("%Y-%m-%dT%H:%M:%SZ")
    dated = _json(
        client.get(f"{API}/requests.json", query_string={"start_date": start, "end_date": end})
    )
    assert [r["service_request_id"] for r in dated] == [str(scene["old"].id)]
    # an empty parameter is absent
    assert (
        len(_json(client.get(f"{API}/requests.json?service_code=&status=&jurisdiction_id="))) == 2
    )


def test_paging(client, proposal_factory, people):
    made = [
        proposal_factory(people["author"], title=f"Vorschlag {n}", days_ago=n) for n in range(5)
    ]
    first = _json(client.get(f"{API}/requests.json?page_size=2"))
    second = _json(client.get(f"{API}/requests.json?page_size=2&page=2"))
    third = _json(client.get(f"{API}/requests.json?page_size=2&page=3"))
    ids = [r["service_request_id"] for r in first + second + third]
    assert ids == [str(p.id) for p in made]


@pytest.mark.parametrize(
    "query",
    [
        "status=pending",
        "start_date=gestern",
        "end_date=2026-13-01",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
        "page=0",
        "page_size=1001",
        "page=abc",
    ],
)
def test_bad_parameters_are_400_in_the_format(client, query):
    for ext in ("json", "xml"):
        response = client.get(f"{API}/requests.{ext}?{query}")
        assert response.status_code == 400, query
        if ext == "json":
            [error] = _json(response)
            assert error["code"] == 400 and error["description"]
        else:
            root = _xml(response)
            assert root.tag == "errors" and root.findtext("error/code") == "400"


def test_unknown_service_code_filter_is_404(client):
    response = client.get(f"{API}/requests.xml?service_code=potholes")
    assert response.status_code == 404
    assert "potholes" in _xml(response).findtext("error/description")


def test_photo_is_an_absolute_url(client, scene):
    scene["public"].photo = "abc.jpg"
    db.session.commit()
    [request] = _json(client.get(f"{API}/requests/{scene['public'].id}.json"))
    assert request["media_url"] == f"http://localhost/vorschlaege/{scene['public'].id}/foto"


def test_no_names_or_e_mail_addresses(client, scene, people):
    for ext in ("json", "xml"):
        body = client.get(f"{API}/requests.{ext}").get_data(as_text=True)
        for person in (people["author"], people["mayor"]):
            assert person.email not in body and person.display_name not in body


def test_english(client, english, scene):
    [need, proposal] = _json(client.get(f"{API}/requests.json"))
    assert proposal["service_name"] == "Green space and play"
    assert need["service_name"] == "Council need"


def test_query_count_does_not_grow_with_the_page(
    client, proposal_factory, people, count_queries, districts, categories
):
    def make(n: int) -> None:
        for i in range(n):
            proposal = proposal_factory(people["author"], title=f"Vorschlag {i}", commit=False)
            responses.respond(
                people["planner"], get_respondable("proposal"), proposal, f"Antwort {i}"
            )
            council = districts["23"].council
            needs.create_need(
                people["mayor"],
                council,
                title=f"Bedarf {i}",
                description="",
                category=categories["other"],
                priority="low",
                place=needs.place_from_district(council, districts["23"]),
                linked_proposal_ids=(),
            )
        db.session.commit()

    make(2)
    with count_queries() as few:
        assert len(_json(client.get(f"{API}/requests.json"))) == 4
    make(10)
    with count_queries() as many:
        assert len(_json(client.get(f"{API}/requests.json"))) == 24
    assert many.count == few.count, many.statements
    assert few.count <= 8
