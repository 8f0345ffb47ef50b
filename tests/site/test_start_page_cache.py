"""The start page's district list comes from a per-process cache: rendered once, rebuilt
when the districts are reloaded (``reset_caches``), no district query on a warm request."""

from __future__ import annotations

import re

from app.districts import services
from app.districts.models import District
from app.extensions import db


def _links(client) -> list[tuple[str, str]]:
    html = client.get("/").get_data(as_text=True)
    return re.findall(
        r'<li><a href="/ortsteile/(\d\d)"><span class="district-number">\d\d</span> ([^<]+)</a>',
        html,
    )


def test_the_list_links_every_district(client, districts):
    links = _links(client)
    assert links == [(d.number, d.name) for d in sorted(districts.values(), key=lambda d: d.number)]
    assert len(links) == 53


def test_a_warm_start_page_asks_no_district_query(client, districts, count_queries):
    client.get("/")
    with count_queries() as counter:
        assert client.get("/").status_code == 200
    # (the cards of the newest proposals and needs join their district's name: not a list)
    listing = re.compile(r"\bFROM districts\b")
    assert not [s for s in counter.statements if listing.search(s)], counter.statements


def test_a_reload_rebuilds_the_list(client, districts):
    assert ("23", "Moskauer Platz") in _links(client)
    district = db.session.get(District, districts["23"].id)
    district.name = "Moskauer Platz (neu)"
    db.session.commit()
    services.reset_caches()  # what a reload of the districts does
    try:
        assert ("23", "Moskauer Platz (neu)") in _links(client)
    finally:
        district.name = "Moskauer Platz"
        db.session.commit()
        services.reset_caches()
