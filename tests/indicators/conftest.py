"""Fixtures of the indicator tests: the demo series loaded, a planner, files to upload."""

from __future__ import annotations

import io

import pytest

from app.indicators import registry


@pytest.fixture
def demo(districts, demo_indicators):
    """The demo catalogue, the SYNTHETIC series and the default index definition (restored
    from the session's snapshot of ``load_demo_data()``, see tests/conftest.py)."""
    return districts


@pytest.fixture
def planner(create_user):
    return create_user("planner", office="social-planning")


def upload(client, content: bytes | str, filename: str = "figures.csv", source: str = "Test"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        "/indikatoren/import",
        data={"file": (io.BytesIO(content), filename), "source": source},
        content_type="multipart/form-data",
    )


@pytest.fixture
def fake_inputs(demo):
    """A fake input type "note" with three inputs: 1 and 2 in district 05, 3 in 23."""
    ids = {number: district.id for number, district in demo.items()}
    items = {
        1: ("Spielplatz fehlt", "/notes/1", ids["05"]),
        2: ("Mehr Schulsozialarbeit", "/notes/2", ids["05"]),
        3: ("Bank am Teich", "/notes/3", ids["23"]),
    }

    def counter(year):
        counts: dict[int, int] = {}
        for _title, _url, district_id in items.values():
            counts[district_id] = counts.get(district_id, 0) + 1
        return counts

    def lister(district_id):
        return [(k, v[0]) for k, v in items.items() if v[2] == district_id]

    registry.register_input_type("note", "Notizen", items.get, counter, lister=lister)
    yield items
    registry.unregister_input_type("note")
