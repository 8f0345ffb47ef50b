"""`flask users create`, the admin role pages, demo content."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import RoleAssignment, User
from app.core.audit import AuditEntry
from app.extensions import db


def test_cli_create_user_reads_password_from_stdin(runner, districts):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "otb@example.org",
            "--role",
            "mayor",
            "--council",
            "moskauer-platz",
        ],
        input="ein-langes-passwort\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "otb@example.org"))
    assert user.has_role("mayor") and user.email_confirmed
    assert user.council_ids(("mayor",)) == {districts["23"].council_id}


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["--role", "mayor", "--council", "nowhere"], "ein-langes-passwort\n", "Unknown council"),
        (["--role", "planner", "--office", "nowhere"], "ein-langes-passwort\n", "Unknown office"),
        (["--role", "planner"], "ein-langes-passwort\n", "Amt"),
        (["--role", "mayor"], "ein-langes-passwort\n", "Ortsteilrat"),
        ([], "kurz\n", "at least 10"),
        (["--role", "king"], "ein-langes-passwort\n", "Invalid value"),
    ],
)
def test_cli_create_user_refuses_bad_input(runner, districts, args, stdin, message):
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(User)) is None


def test_cli_create_planner_with_office(runner, districts):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "p@example.org",
            "--role",
            "planner",
            "--office",
            "education-planning",
        ],
        input="ein-langes-passwort\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "p@example.org"))
    assert user.roles[0].office.slug == "education-planning"


@pytest.fixture
def admin(create_user, login, districts):
    user = create_user("admin", name="Admin")
    login(user)
    return user


def test_admin_grants_and_revokes_a_role(client, admin, create_user, districts):
    person = create_user(name="Künftige OTB")
    council_id = districts["23"].council_id
    response = client.post(
        f"/admin/nutzer/{person.id}", data={"role": "mayor", "council": str(council_id)}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.has_role("mayor")
    assignment = person.roles[0]
    assert assignment.granted_by_id == admin.id
    html = client.get("/ortsteile/23").get_data(as_text=True)
    assert "Künftige OTB – Ortsteilbürgermeister/in" in html

    response = client.post(
        f"/admin/nutzer/{person.id}/entziehen", data={"assignment_id": str(assignment.id)}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert not person.roles
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == person.id).order_by(AuditEntry.id)
    ).all()
    assert actions == ["role.granted", "role.revoked"]


@pytest.mark.parametrize(
    "data,message",
    [
        ({}, "Bitte wählen Sie eine Rolle."),
        ({"role": "mayor"}, "Bitte wählen Sie den Ortsteilrat für diese Rolle."),
        ({"role": "planner"}, "Bitte wählen Sie das Amt für diese Rolle."),
        ({"role": "emperor"}, "Not a valid choice"),
    ],
)
def test_admin_grant_bad_input(client, admin, create_user, data, message):
    person = create_user()
    response = client.post(f"/admin/nutzer/{person.id}", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html or "Keine gültige Auswahl" in html


def test_a_council_has_one_mayor(client, admin, create_user, districts):
    create_user("mayor", council="23")
    person = create_user()
    response = client.post(
        f"/admin/nutzer/{person.id}",
        data={"role": "mayor", "council": str(districts["23"].council_id)},
    )
    assert "Dieser Ortsteilrat hat bereits eine/n Ortsteilbürgermeister/in." in response.get_data(
        as_text=True
    )


def test_the_last_admin_role_cannot_be_revoked(client, admin):
    assignment = db.session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == admin.id))
    response = client.post(
        f"/admin/nutzer/{admin.id}/entziehen",
        data={"assignment_id": str(assignment.id)},
        follow_redirects=True,
    )
    assert "Sie können die letzte Admin-Rolle nicht entziehen." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.has_role("admin")


def test_revoke_of_foreign_assignment_is_404(client, admin, create_user, districts):
    other = create_user("mayor", council="23")
    person = create_user()
    response = client.post(
        f"/admin/nutzer/{person.id}/entziehen", data={"assignment_id": str(other.roles[0].id)}
    )
    assert response.status_code == 404


def test_admin_user_list_search(client, admin, create_user, count_queries):
    for i in range(5):
        create_user("council_member", council="23", name=f"Suchbar {i}")
    create_user(name="Anders")
    html = client.get("/admin/nutzer?q=suchbar").get_data(as_text=True)
    assert html.count("Suchbar ") == 5 and "Anders" not in html
    with count_queries() as counter:
        client.get("/admin/nutzer")
    few = counter.count
    for i in range(10):
        create_user("planner", name=f"Mehr {i}")
    with count_queries() as counter:
        client.get("/admin/nutzer")
    # Constant in the number of people; the page's own queries plus the navigation's (the
    # back office's counts for planners and admins: the open statuses, then one count query).
    assert counter.count == few <= 8


def test_demo_load_is_idempotent_and_refused_in_production(runner, districts, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "quartier-demo" in first.output
    mayor = db.session.scalar(
        select(User).where(User.email == "ortsteilbuergermeister@demo.example.org")
    )
    assert mayor.council_ids(("mayor",)) == {districts["23"].council_id}
    # Every demo account can log in through the real form (its address must pass validation).
    client = app.test_client()
    for email in ("buergerin@demo.example.org", "admin@demo.example.org"):
        response = client.post("/anmelden", data={"email": email, "password": "quartier-demo"})
        assert response.status_code == 302, email
        client.post("/abmelden")
    second = runner.invoke(args=["demo", "load"])
    assert "already there" in second.output
    app.config["DEMO_CONTENT_ALLOWED"] = False
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code != 0 and "never loaded in production" in refused.output
