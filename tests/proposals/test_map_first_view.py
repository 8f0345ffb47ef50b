"""/karte carries its first view's proposal and need clusters (``#map-first-view``): exactly the
API's answers (/api/v1/proposals/clusters, /api/v1/needs/clusters) for the same bbox, zoom and
filters; the URL's view and filters decide what is embedded; nothing when the script must ask
(a district fitted to the screen, a bad filter); a constant number of queries however many
proposals."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from app.core import clusters
from app.extensions import db
from app.needs import services as need_services

from .listing_helpers import bulk_proposals, make_proposals


@pytest.fixture
def data(app, districts, categories, create_user):
    made = make_proposals(create_user)
    council = districts["23"].council
    mayor = create_user("mayor", council="23")
    for title, category in (("Treffpunkt", "children-youth"), ("Bänke", "health")):
        need_services.create_need(
            mayor,
            council,
            title=title,
            description="Ein Raum am Abend fehlt.",
            category=categories[category],
            priority="high",
            place=need_services.place_from_district(council, districts["23"]),
            linked_proposal_ids=(),
        )
    db.session.commit()
    return made


def _embedded(page: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="map-first-view">(.*?)</script>', page, re.S
    )
    return json.loads(found.group(1)) if found else {}


def _api(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(force=True)


def _args(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize(
    ("query", "proposal_filters", "need_filters"),
    [
        ("", {}, {}),
        ("?category=health", {"category": "health"}, {"category": "health"}),
        ("?status=new&q=Vorschlag", {"status": "new", "q": "Vorschlag"}, {"q": "Vorschlag"}),
        ("?zoom=15&lat=50.9786&lon=11.0266", {}, {}),
        ("?district=01&zoom=13&lat=50.9786&lon=11.0266", {"district": "01"}, {"district": "01"}),
    ],
)
def test_embedded_answers_are_the_apis(client, data, query, proposal_filters, need_filters):
    page = client.get(f"/karte{query}").get_data(as_text=True)
    embedded = _embedded(page)
    assert set(embedded) == {"asked", "proposals", "needs"}
    proposals, needs = embedded["proposals"], embedded["needs"]
    asked = {name: _args(url) for name, url in embedded["asked"].items()}
    # The page's filters (the ones each layer takes), its view's zoom, an area around the view.
    zoom = int(re.search(r"zoom=(\d+)", query).group(1)) if "zoom=" in query else 11
    for name, filters in (("proposals", proposal_filters), ("needs", need_filters)):
        assert {k: v for k, v in asked[name].items() if k not in ("bbox", "zoom")} == filters
        assert asked[name]["zoom"] == str(zoom)
    assert proposals["zoom"] == needs["zoom"] == zoom
    bbox = [float(v) for v in asked["proposals"]["bbox"].split(",")]
    lat, lon = (50.9786, 11.0266) if "lat=" in query else (50.978, 11.03)
    assert bbox[0] < lon < bbox[2] and bbox[1] < lat < bbox[3]
    assert clusters.Grid.at(zoom).cells_in(bbox) >= 40 * 25  # 2560 × 1600 px: any screen
    # Exactly what the API answers for the same bbox, zoom and filters.
    assert embedded["asked"]["proposals"].startswith("/api/v1/proposals/clusters?")
    assert embedded["asked"]["needs"].startswith("/api/v1/needs/clusters?")
    assert _api(client, embedded["asked"]["proposals"]) == proposals
    assert _api(client, embedded["asked"]["needs"]) == needs
    assert proposals["total"] > 0


def test_embedded_answer_counts_what_the_filters_select(client, data):
    every = _embedded(client.get("/karte").get_data(as_text=True))
    health = _embedded(client.get("/karte?category=health").get_data(as_text=True))
    on_map = data["all"]
    assert every["proposals"]["total"] == len(on_map)
    assert health["proposals"]["total"] == sum(p.category.slug == "health" for p in on_map) > 0
    assert every["needs"]["total"] == 2 and health["needs"]["total"] == 1


@pytest.mark.parametrize("lat", ["90", "-90", "0"])
def test_any_valid_view_embeds_an_answer(client, data, lat):
    page = client.get(f"/karte?zoom=10&lat={lat}&lon=180").get_data(as_text=True)
    assert _embedded(page)["proposals"]["zoom"] == 10


@pytest.mark.parametrize("query", ["?district=01", "?status=open", "?district=x"])
def test_nothing_embedded_where_the_script_must_ask(client, data, query):
    # A district without a view is fitted to the screen (zoom unknown); a bad filter is a 400.
    page = client.get(f"/karte{query}").get_data(as_text=True)
    assert _embedded(page) == {}
    assert 'id="map-first-view"' not in page


def test_embedded_json_cannot_close_its_script(client, districts, create_user):
    from app.proposals.models import Proposal

    make_proposals(create_user, prefix="</script><script>alert(1)</script>")
    # single proposals carry their titles: zoom in until the Altstadt's proposals are single
    page = client.get("/karte?zoom=18&lat=50.9787&lon=11.0267").get_data(as_text=True)
    titles = [
        f["properties"].get("title")
        for f in _embedded(page)["proposals"]["features"]
        if not f["properties"].get("cluster")
    ]
    assert any(t and t.startswith("</script>") for t in titles)
    assert page.count("</script><script>alert") == 0
    assert db.session.query(Proposal).count() == 7


def test_page_query_count_is_constant_with_the_embedded_clusters(
    client, data, create_user, count_queries
):
    from app.proposals.models import Proposal

    # a lone proposal: the view has clusters and single proposals from the start
    lone = data["all"][0]
    db.session.add(
        Proposal(
            title="Allein",
            description="x",
            category_id=lone.category_id,
            author_id=lone.author_id,
            lat=lone.lat,
            lon=lone.lon + 0.01,
            district_id=lone.district_id,
        )
    )
    db.session.commit()
    bulk_proposals(create_user, 120)  # more than the list's page: it counts them from the start
    clusters.rebuild("proposal")
    db.session.commit()
    view = "/karte?zoom=14&lat=50.9786&lon=11.0266"
    first = _embedded(client.get(view).get_data(as_text=True))["proposals"]["features"]
    assert {bool(f["properties"].get("cluster")) for f in first} == {True, False}
    with count_queries() as few:
        client.get(view)
    bulk_proposals(create_user, 300)
    make_proposals(create_user, prefix="Mehr")
    clusters.rebuild("proposal")
    db.session.commit()
    with count_queries() as many:
        client.get(view)
    extra = [s[:300] for s in many.statements if s not in few.statements]
    assert many.count == few.count, extra
