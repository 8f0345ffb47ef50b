"""Robustness: no route answers 500 to empty, garbage or hostile input, for any role."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from tests.core.refusals import REFUSED, refuses

SKIP_ENDPOINTS = {"static", "leaflet.static", "core.tile"}  # files; the tile proxy goes online
GARBAGE = [
    {},
    {"email": "x", "password": "y", "lat": "nan", "lon": "inf", "page": "-1", "q": "%' OR 1=1"},
    {"lang": "<script>", "next": "//evil.example", "role": "admin", "council": "abc", "id": "1e9"},
    {"title": "x" * 10_000, "body": "\u202e", "year": "abc", "district": "999"},
    {"email": "a\x00@example.org", "display_name": "nul\x00", "password": "p\x00" * 6},
]
QUERIES = ["", "?page=abc&q=%00&lat=x&lon=y&bbox=1,2,3&year=abc&limit=-5&district=zz"]


def _urls(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        values = {}
        for arg in rule.arguments:
            converter = rule._converters[arg]
            if hasattr(converter, "items"):  # <any(a, b):…>: one of its values
                values[arg] = sorted(converter.items)[0]
            elif type(converter).__name__ in ("IntegerConverter", "IdConverter"):
                values[arg] = 1
            else:
                values[arg] = "23"
        path = rule.build(values, append_unknown=False)[1]
        yield rule, path


@pytest.fixture
def people(districts, create_user):
    return {
        "anonymous": None,
        "citizen": create_user(),
        "mayor": create_user("mayor", council="23"),
        "admin": create_user("admin"),
    }


@pytest.mark.parametrize("who", ["anonymous", "citizen", "mayor", "admin"])
def test_no_route_answers_500(app, client, people, login, who):
    """Every route with every query and form above; a view that refuses ``who`` before running
    (``requires``) gets one request per method instead, which must be the refusal: the garbage
    cannot reach code that could answer 500 differently."""
    if people[who] is not None:
        login(people[who])
    viewer = people[who] or AnonymousUserMixin()
    failures = []
    for rule, path in _urls(app):
        refused = refuses(app, rule.endpoint, viewer)
        if "GET" in rule.methods:
            for query in QUERIES[:1] if refused else QUERIES:
                status = client.get(path + query).status_code
                if status >= 500 or (refused and status not in REFUSED):
                    failures.append(f"GET {path}{query} → {status}")
        if "POST" in rule.methods and not path.endswith(("/abmelden", "/loeschen")):
            for data in GARBAGE[:1] if refused else GARBAGE:
                status = client.post(path, data=data).status_code
                if status >= 500 or (refused and status not in REFUSED):
                    failures.append(f"POST {path} {list(data)} → {status}")
    assert not failures, "\n".join(failures)
