"""The public barrier summary: cached per process, seen again after any barrier write (by a
fingerprint query, so a write in another process counts too), ETag and 304."""

from __future__ import annotations

from app.barriers import services
from app.extensions import db
from app.moderation import services as moderation

from .conftest import details

URL = "/api/v1/barriers/summary"


def _cells(client, table="by_offer"):
    return {
        row.get("offer", row.get("district")): row["cells"] for row in client.get(URL).json[table]
    }


def _five(make_report, create_user, offer, codes=("transport",)):
    return [make_report(create_user(), offer, codes=codes) for _ in range(5)]


def test_a_repeated_request_costs_one_query_and_a_write_is_seen(
    client, create_user, offers, make_report, count_queries
):
    _five(make_report, create_user, offers[0])
    first = client.get(URL)
    with count_queries() as warm:
        again = client.get(URL)
    assert again.get_data() == first.get_data()
    assert warm.count == 1  # the fingerprint; the summary itself comes from the cache
    assert again.json["by_offer"][0]["cells"] == {"transport": 5}

    make_report(create_user(), offers[0])  # a sixth report: the summary must change
    assert _cells(client)["Bibliothek Testplatz"] == {"transport": 6}


def test_the_cache_follows_affects_me_too_and_a_changed_entry(
    client, create_user, offers, make_report
):
    reports = _five(make_report, create_user, offers[0])
    assert _cells(client)["Bibliothek Testplatz"] == {"transport": 5}
    joiner = create_user()
    services.set_affected(joiner, reports[0], details(("escort",)))
    db.session.commit()
    assert _cells(client)["Bibliothek Testplatz"] == {"transport": 5}  # escort: 1 < 5
    # The reporter of each report changes "transport" for "escort" (same number of types).
    for report in reports:
        reporter = db.session.get(type(report), report.id).author
        services.set_affected(reporter, report, details(("escort",)))
    db.session.commit()
    assert _cells(client)["Bibliothek Testplatz"] == {"escort": 6}
    assert services.remove_affected(joiner, reports[0])
    db.session.commit()
    assert _cells(client)["Bibliothek Testplatz"] == {"escort": 5}


def test_the_cache_follows_moderation_and_offer_changes(client, create_user, offers, make_report):
    reports = _five(make_report, create_user, offers[0])
    assert "Bibliothek Testplatz" in _cells(client)
    moderator = create_user("admin")
    moderation.hide(moderator, "barrier_report", reports[0], "other")
    db.session.commit()
    assert _cells(client) == {}  # four visible reports: below the threshold
    moderation.unhide(moderator, "barrier_report", reports[0])
    db.session.commit()
    assert "Bibliothek Testplatz" in _cells(client)

    offer = offers[0]
    services.save_offer(
        None,
        offer,
        name="Stadtbibliothek",
        type_id=offer.type_id,
        address=offer.address,
        provider=offer.provider,
        lat=offer.lat,
        lon=offer.lon,
    )
    db.session.commit()
    assert set(_cells(client)) == {"Stadtbibliothek"}


def test_a_cache_filled_by_another_process_is_not_trusted(
    app, client, create_user, offers, make_report
):
    """Another process's cache is its own dict: here a stale entry put in by hand stands
    for it. The fingerprint differs, so the answer is computed again."""
    _five(make_report, create_user, offers[0])
    client.get(URL)
    cache = app.extensions[services._SUMMARY_KEY]
    etag, data, body = cache["de"]
    cache["de"] = ("stale", {}, b"{}")
    assert client.get(URL).get_data() == body


def test_etag_and_304(client, create_user, offers, make_report):
    _five(make_report, create_user, offers[0])
    first = client.get(URL)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    make_report(create_user(), offers[0])
    changed = client.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["by_offer"][0]["cells"] == {"transport": 6}


def test_each_language_has_its_own_entry(client, create_user, offers, make_report):
    _five(make_report, create_user, offers[0])
    german = client.get(URL).json["barrier_types"][0]["label"]
    client.post("/sprache", data={"lang": "en", "next": "/"})
    english = client.get(URL).json["barrier_types"][0]["label"]
    assert german != english
    assert english == "No or poor public transport connection"
