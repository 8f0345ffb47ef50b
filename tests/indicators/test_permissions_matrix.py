"""Who may manage indicators and link inputs, and which pages answer whom."""

from __future__ import annotations

import pytest

from app.core.permissions import perm as p

ROLES = ["anonymous", "unconfirmed", "citizen", "council_member", "mayor", "planner", "admin"]
MATRIX = {
    "can_manage_indicators": {"planner", "admin"},
    "can_link_inputs": {"planner", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("predicate", sorted(MATRIX))
def test_matrix(people, role, predicate):
    assert getattr(p, predicate)(people[role]) == (role in MATRIX[predicate])


PROTECTED = [
    ("get", "/indikatoren/import"),
    ("get", "/indikatoren/importe"),
    ("get", "/indikatoren/import/1"),
    ("post", "/indikatoren/import/1/bestaetigen"),
    ("post", "/indikatoren/import/1/verwerfen"),
    ("post", "/indikatoren/importe/1/zuruecknehmen"),
    ("get", "/indikatoren/verwaltung/neu"),
    ("get", "/indikatoren/verwaltung/sgb2_rate"),
    ("get", "/indikatoren/sozialindex/definition"),
    ("get", "/ortsteile/05/zahlen/verknuepfen"),
    ("post", "/indikatoren/verknuepfungen/1/loesen"),
]


@pytest.mark.parametrize("method,path", PROTECTED)
def test_anonymous_is_sent_to_login(client, districts, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("method,path", PROTECTED)
@pytest.mark.parametrize("role", [None, "mayor", "council_member"])
def test_others_are_refused(client, districts, create_user, login, method, path, role):
    login(create_user(role, council="23" if role else None))
    assert getattr(client, method)(path).status_code == 403


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_reach_the_management_pages(client, demo, create_user, login, role):
    login(create_user(role))
    for path in (
        "/indikatoren/import",
        "/indikatoren/importe",
        "/indikatoren/verwaltung/neu",
        "/indikatoren/sozialindex/definition",
        "/ortsteile/05/zahlen/verknuepfen",
    ):
        assert client.get(path).status_code == 200, path
