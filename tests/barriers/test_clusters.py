"""The barrier map's aggregation: /api/v1/offers/clusters and /api/v1/barriers/clusters.

Barrier reports are private matter: in public, no number below the minimum
(``BARRIER_MIN_CELL``), no single report, no centroid, and no difference of two answers
(overlapping bboxes, other zooms) may tell anything about a small cell. The strongest check
of the last: adding a report in a small cell must not change any number of any answer."""

from __future__ import annotations

import pytest

from app.barriers import clusters as barrier_clusters
from app.barriers import services
from app.core.clusters import Grid
from app.extensions import db

ALTSTADT = (50.9785, 11.0265)
CITY = "10.95,50.90,11.10,51.05"  # the middle of Erfurt
NEAR = "11.005,50.970,11.035,50.990"  # the Altstadt block (for high zooms' cell limit)
ZOOMS = range(8, 19)


def atom_point(dx: int, dy: int, base=ALTSTADT):
    """The centre of the atom ``dx``, ``dy`` atoms away from the one holding ``base``, placed
    in the same block (the block's south-west atom is the origin)."""
    grid = Grid.at(barrier_clusters.ATOM_ZOOM)
    ax, ay = grid.key(*base)
    ax, ay = ax - ax % 4 + dx, ay - ay % 4 + dy  # 4 × 4 atoms in a block
    west, south, east, north = grid.rectangle(ax, ay)
    return (south + north) / 2, (west + east) / 2


@pytest.fixture
def place(districts, offer_types, create_user, barrier_report_factory):
    author = create_user()
    made = {}

    def factory(point, n, *, visibility="public", name=None):
        offer = made.get(point)
        if offer is None:
            offer = made[point] = services.save_offer(
                None,
                None,
                name=name or f"Angebot {len(made) + 1}",
                type_id=offer_types["library"].id,
                address="Teststraße 1",
                provider="Träger",
                lat=point[0],
                lon=point[1],
            )
            db.session.commit()
        for _ in range(n):
            barrier_report_factory(author, offer=offer, visibility=visibility)
        return offer

    return factory


def clusters(client, bbox=CITY, zoom=12, path="/api/v1/barriers/clusters"):
    response = client.get(f"{path}?bbox={bbox}&zoom={zoom}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def numbers(client, bboxes, zooms=ZOOMS):
    """Every published count and position of every answer (the 'fewer than' markers left out:
    they carry no number)."""
    seen = {}
    for bbox in bboxes:
        for zoom in zooms:
            data = clusters(client, bbox, zoom)
            seen[(bbox, zoom)] = (
                data["total"],
                sorted(
                    (f["properties"]["count"], tuple(f["geometry"]["coordinates"]))
                    for f in data["features"]
                    if f["properties"]["count"] is not None
                ),
            )
    return seen


def assert_public_safe(data, threshold=5):
    assert data["exact"] is False
    for feature in data["features"]:
        p = feature["properties"]
        assert "id" not in p and "url" not in p  # never a single report
        assert p["cluster"] is True
        assert p["count"] is None or p["count"] >= threshold
        if p["count"] is None:
            assert p["fewer_than"] == threshold
        # at the centre of its cell, not at the reports' place
        west, south, east, north = p["bounds"]
        lon, lat = feature["geometry"]["coordinates"]
        assert abs(lon - (west + east) / 2) < 1e-4 and abs(lat - (south + north) / 2) < 1e-4
    assert data["total"] == sum(f["properties"]["count"] or 0 for f in data["features"])


def test_a_big_atom_is_published_at_every_zoom(client, place):
    place(atom_point(1, 1), 5)
    for zoom in ZOOMS:
        data = clusters(client, zoom=zoom)
        assert_public_safe(data)
        assert data["total"] == 5, zoom
        assert [f["properties"]["count"] for f in data["features"]] == [5]
    # above the atom's zoom the cell stays the atom (about 400 m): no finer place in public
    at_18 = clusters(client, zoom=18)["features"][0]["properties"]["bounds"]
    west, south, east, north = Grid.at(barrier_clusters.ATOM_ZOOM).rectangle(
        *Grid.at(barrier_clusters.ATOM_ZOOM).key(*atom_point(1, 1))
    )
    assert at_18 == [round(v, 5) for v in (west, south, east, north)]


def test_small_cells_never_change_a_number(client, place):
    """Reports in small atoms (1 … 4) next to a big one: no count of any answer (any zoom,
    overlapping bboxes, a bbox around the small atom only) changes, so no difference can
    reveal them; they show only as 'fewer than 5' at the block."""
    big, small = atom_point(0, 0), atom_point(2, 1)
    place(big, 6)
    lat, lon = small
    bboxes = [
        CITY,
        # overlapping boxes: one ends between the two atoms, one holds only the small atom
        f"10.95,50.90,{big[1] + 0.003:.5f},51.05",
        f"{lon - 0.001:.5f},{lat - 0.001:.5f},{lon + 0.001:.5f},{lat + 0.001:.5f}",
        f"{big[1] - 0.001:.5f},{big[0] - 0.001:.5f},{lon + 0.001:.5f},{lat + 0.001:.5f}",
    ]
    before = numbers(client, bboxes)
    for extra in (1, 3):  # 1 report, then 4 in the small atom (still below 5)
        place(small, extra)
        after = numbers(client, bboxes)
        assert after == before
    for bbox in bboxes:
        for zoom in ZOOMS:
            data = clusters(client, bbox, zoom)
            assert_public_safe(data)
    # the small atom shows only as "fewer than 5" (no number), at the block or the cell
    data = clusters(client, bboxes[2], 14)
    fewer = [f for f in data["features"] if f["properties"]["count"] is None]
    assert len(fewer) == 1 and fewer[0]["properties"]["merged"] is True
    block = Grid.at(barrier_clusters.BLOCK_ZOOM)
    assert fewer[0]["properties"]["bounds"] == [
        round(v, 5) for v in block.rectangle(*block.key(*small))
    ]
    data = clusters(client, CITY, 10)
    assert [f["properties"]["count"] for f in data["features"]] == [6]
    assert data["features"][0]["properties"]["more_below_threshold"] is True


def test_small_atoms_merge_into_their_block(client, place):
    place(atom_point(0, 0), 2)
    place(atom_point(3, 0), 2)
    place(atom_point(1, 3), 1)  # 5 in three small atoms of one block
    for zoom in (13, 14, 16, 18):
        data = clusters(client, zoom=zoom)
        assert_public_safe(data)
        assert [
            (f["properties"]["count"], f["properties"]["merged"]) for f in data["features"]
        ] == [(5, True)]
    for zoom in (8, 10, 12):
        data = clusters(client, zoom=zoom)
        assert [f["properties"]["count"] for f in data["features"]] == [5]
        assert data["total"] == 5


def test_counts_add_up_above_the_threshold(client, place, app):
    place(atom_point(0, 0), 5)
    place(atom_point(2, 2), 7)
    place(atom_point(0, 0, base=(50.9455, 11.0660)), 5)  # Herrenberg, another block
    for zoom in ZOOMS:
        data = clusters(client, zoom=zoom)
        assert_public_safe(data)
        assert data["total"] == 17, zoom
    # the threshold is the summary's (BARRIER_MIN_CELL)
    app.config["BARRIER_MIN_CELL"] = 6
    data = clusters(client, zoom=14)
    assert_public_safe(data, threshold=6)
    counts = [f["properties"]["count"] for f in data["features"]]
    assert sorted(c for c in counts if c) == [7] and counts.count(None) == 2  # 5s are small now
    assert data["threshold"] == 6


def test_administration_reports_are_not_counted_in_public(client, place, create_user, login):
    place(atom_point(0, 0), 4)
    place(atom_point(0, 0), 3, visibility="administration")
    data = clusters(client, zoom=14)
    assert data["total"] == 0
    assert [f["properties"]["count"] for f in data["features"]] == [None]
    # planners: exact counts, every report the moderation shows, single reports
    place(atom_point(3, 3), 1, visibility="administration")
    login(create_user("planner"))
    for zoom in (10, 14, 17):
        response = client.get(f"/api/v1/barriers/clusters?bbox={NEAR}&zoom={zoom}")
        assert response.headers["Cache-Control"] == "private, no-store"
        data = response.get_json()
        assert data["exact"] is True
        assert data["total"] == 8
        assert sum(f["properties"].get("count", 1) for f in data["features"]) == 8
    singles = [f for f in data["features"] if "id" in f["properties"]]
    assert len(singles) == 1 and singles[0]["properties"]["visibility"] == "administration"


def test_bad_parameters(client):
    assert client.get("/api/v1/barriers/clusters?zoom=12").status_code == 400
    assert client.get(f"/api/v1/barriers/clusters?bbox={CITY}").status_code == 400
    response = client.get(f"/api/v1/barriers/clusters?bbox={CITY}&zoom=12&district=01")
    assert response.status_code == 400  # no filters: they would allow differences
    assert "district" in response.get_json()["error"]["message"]
    response = client.get("/api/v1/barriers/clusters?bbox=-180,-90,180,90&zoom=18")
    assert response.status_code == 400
    # public: counted on the atoms' grid, so a city-wide bbox is fine at any zoom
    assert client.get(f"/api/v1/barriers/clusters?bbox={CITY}&zoom=18").status_code == 200


def test_barrier_query_count_does_not_grow(client, place, count_queries, create_user, login):
    place(atom_point(0, 0), 5)
    place(atom_point(2, 2), 1)
    clusters(client)
    with count_queries() as few:
        for zoom in (10, 14, 17):
            clusters(client, zoom=zoom)
    place(atom_point(1, 1), 6)
    place(atom_point(3, 1), 2, visibility="administration")
    with count_queries() as many:
        for zoom in (10, 14, 17):
            clusters(client, zoom=zoom)
    assert many.count == few.count
    login(create_user("planner"))
    clusters(client)
    with count_queries() as planner:
        for zoom in (10, 14, 17):
            clusters(client, NEAR, zoom=zoom)
    place(atom_point(2, 3), 1)
    with count_queries() as planner_more:
        for zoom in (10, 14, 17):
            clusters(client, NEAR, zoom=zoom)
    assert planner_more.count == planner.count


# --- offers ---------------------------------------------------------------------------------


def offer_clusters(client, query):
    response = client.get(f"/api/v1/offers/clusters?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def many_offers(place):
    made = []
    for i in range(12):
        made.append(place(atom_point(i % 4, i // 4), 0, name=f"Angebot {i}"))
    return made


def test_offer_clusters_add_up(client, many_offers, offer_types):
    many_offers[0].type_id = offer_types["youth-house"].id
    services.set_offer_active(None, many_offers[1], False)
    db.session.commit()
    for zoom in (8, 12, 14, 16, 17):
        data = offer_clusters(client, f"bbox={CITY if zoom < 15 else NEAR}&zoom={zoom}")
        assert data["total"] == 11, zoom
        shown = sum(
            f["properties"]["count"] if f["properties"].get("cluster") else 1
            for f in data["features"]
        )
        assert shown == 11
    data = offer_clusters(client, f"bbox={CITY}&zoom=10")
    assert data["features"][0]["properties"]["categories"] == {"library": 10, "youth-house": 1}
    singles = offer_clusters(client, f"bbox={NEAR}&zoom=17")["features"]
    assert {f["properties"]["name"] for f in singles} == {f"Angebot {i}" for i in range(12)} - {
        "Angebot 1"
    }
    assert all(f["properties"]["url"].endswith(f"?offer={f['properties']['id']}") for f in singles)
    data = offer_clusters(client, f"bbox={NEAR}&zoom=17&category=youth-house")
    assert data["total"] == 1 and data["features"][0]["properties"]["name"] == "Angebot 0"
    district = many_offers[2].district.number
    data = offer_clusters(client, f"bbox={CITY}&zoom=12&district={district}")
    expected = sum(1 for o in many_offers if o.active and o.district.number == district)
    assert data["total"] == expected
    assert client.get(f"/api/v1/offers/clusters?bbox={CITY}&zoom=12&q=x").status_code == 400
    assert client.get(f"/api/v1/offers/clusters?bbox={CITY}").status_code == 400


def test_offer_clusters_query_count(client, many_offers, place, count_queries):
    offer_clusters(client, f"bbox={CITY}&zoom=14")
    with count_queries() as few:
        offer_clusters(client, f"bbox={CITY}&zoom=14")
    for i in range(10):
        place(atom_point(i % 4, 3, base=(50.9455, 11.0660)), 0, name=f"Weiteres {i}")
    with count_queries() as many:
        offer_clusters(client, f"bbox={CITY}&zoom=14")
    assert many.count == few.count
