"""Every route checks a named permission predicate; protected pages refuse strangers."""

from __future__ import annotations

import pytest

from app.core.permissions import perm as permissions

UNGUARDED_ENDPOINTS = {"static", "leaflet.static"}  # files only


def test_every_view_names_a_permission_predicate(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        name = getattr(view, "permission", None)
        if name is None or not callable(getattr(permissions, name, None)):
            missing.append(rule.rule)
    assert not missing, f"routes without a permission predicate: {missing}"


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/konto"),
        ("get", "/konto/export.json"),
        ("post", "/konto/loeschen"),
        ("get", "/admin/nutzer"),
        ("get", "/admin/nutzer/1"),
        ("post", "/admin/nutzer/1/entziehen"),
        ("post", "/bestaetigen/erneut"),
    ],
)
def test_anonymous_is_sent_to_login(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize(
    "method,path",
    [("get", "/admin/nutzer"), ("get", "/admin/nutzer/1"), ("post", "/admin/nutzer/1/entziehen")],
)
@pytest.mark.parametrize("role", [None, "mayor", "planner"])
def test_admin_pages_refuse_non_admins(districts, create_user, login, client, method, path, role):
    user = create_user(role, council="23" if role == "mayor" else None)
    login(user)
    assert getattr(client, method)(path).status_code == 403
