"""Conformance with a real client: the PyPI package ``georeport`` reads the services, a
service definition and the requests from a running server, in JSON and in XML.

georeport parses XML with xmltodict, which gives a dict (not a list) for a single element:
the tests read the XML answers with exactly one request and with several."""

from __future__ import annotations

import pytest
from georeport import GeoReport

from app.extensions import db
from app.needs import services as needs

pytestmark = pytest.mark.committing


def _as_list(value):
    """xmltodict's quirk: one element is a dict, several are a list."""
    return value if isinstance(value, list) else [value]


@pytest.fixture
def scene(proposal_factory, people, districts, categories):
    first = proposal_factory(people["author"], title="Bank am Teich", category="green-play")
    second = proposal_factory(people["author"], title="Fußweg beleuchten", category="safety")
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
    return first, second, need


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_reads_services_and_requests(live_server, scene, output_format):
    first, second, need = scene
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=output_format)

    services = _as_list(client.get_service_list())
    codes = [s["service_code"] for s in services]
    assert "green-play" in codes and "council-need" in codes
    assert all(isinstance(code, str) for code in codes)

    definition = client.get_service_definition("green-play")
    attributes = _as_list(
        definition["attributes"]["attribute"]
        if output_format == "xml"
        else definition["attributes"]
    )
    assert [a["code"] for a in attributes] == ["title", "place_precision"]

    requests = _as_list(client.get_service_requests())
    ids = [r["service_request_id"] for r in requests]
    assert ids == [f"need-{need.id}", str(second.id), str(first.id)]
    assert requests[2]["service_code"] == "green-play"
    assert float(requests[2]["lat"]) == pytest.approx(first.lat)

    one = client.get_service_request(str(first.id))
    assert one["service_request_id"] == str(first.id)
    assert one["status"] == "open"

    filtered = _as_list(client.get_service_requests(service_code="safety"))
    assert [r["service_request_id"] for r in filtered] == [str(second.id)]
    both = _as_list(client.get_service_requests(service_request_id=f"{first.id},{second.id}"))
    assert sorted(r["service_request_id"] for r in both) == sorted([str(first.id), str(second.id)])
    if output_format == "json":
        assert client.get_service_requests(status="closed") == []
    # (XML: an empty <service_requests/> parses to None, which georeport cannot index)


def test_georeport_with_the_jurisdiction(live_server, scene):
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="erfurt.de")
    assert len(client.get_service_requests()) == 3
    wrong = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="berlin.de")
    with pytest.raises(Exception, match="404"):
        wrong.get_service_list()
