"""The needs API and the map page's needs layer filter by words like the proposals."""

from __future__ import annotations


def test_needs_api_filters_by_words(client, make_need, mayor):
    wanted = make_need(mayor, title="Neue Spielplätze im Viertel")
    other = make_need(mayor, title="Treffpunkt für Jugendliche")
    body = client.get("/api/v1/needs?q=Spielplatz").get_json()
    ids = {f["properties"]["id"] for f in body["features"]}
    assert wanted.id in ids and other.id not in ids
    page = client.get("/karte?q=Spielplatz").get_data(as_text=True)
    assert "Neue Spielplätze im Viertel" in page and "Treffpunkt für Jugendliche" not in page
