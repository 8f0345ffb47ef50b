"""Barrier types as data: names in German and English, order and "offered" edited by admins;
an inactive type is not offered for new reports but still shown on the reports that have it;
the codes stay as they were (reports, API, downloads)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from app import create_app
from app.barriers import services
from app.barriers.models import BARRIER_TYPES, SEEDED_BARRIER_TYPES, BarrierType
from app.core.audit import AuditEntry
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture

from .conftest import report_data

LIST = "/barrieren/verwaltung/typen/"

OLD_CODES = (
    "transport",
    "travel_cost",
    "escort",
    "physical",
    "times_childcare",
    "language_information",
    "offer_cost",
    "other",
)


def _type(code: str) -> BarrierType:
    return db.session.scalar(select(BarrierType).where(BarrierType.code == code))


def _edit_url(code: str) -> str:
    return f"{LIST}{_type(code).id}"


def _form(code: str, **changes) -> dict:
    t = _type(code)
    data = {"name_de": t.name_de, "name_en": t.name_en, "position": str(t.position)}
    if t.active:
        data["active"] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(create_user):
    return create_user("admin")


def test_the_codes_are_the_old_ones_with_their_labels(app):
    assert BARRIER_TYPES == OLD_CODES
    rows = {t.code: t for t in db.session.scalars(select(BarrierType))}
    assert set(rows) == set(OLD_CODES)
    assert rows["transport"].name_de == "Keine oder schlechte Verbindung mit Bus und Bahn"
    assert rows["transport"].name_en == "No or poor public transport connection"
    assert rows["physical"].name_de == "Nicht barrierefrei erreichbar"
    assert all(t.active for t in rows.values())
    assert services.load_barrier_types() == 0  # idempotent


def test_labels_follow_the_data_and_the_language(
    client, login, admin, create_user, offers, make_report
):
    report = make_report(create_user(), offers[0], codes=("escort",))
    login(admin)
    response = client.post(_edit_url("escort"), data=_form("escort", name_de="Begleitung nötig"))
    assert response.status_code == 302
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "Begleitung nötig" in page and "Braucht Begleitung" not in page
    client.post("/sprache", data={"lang": "en"})
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "Needs an escort" in page
    summary = client.get("/api/v1/barriers/summary").json
    assert {"code": "escort", "label": "Needs an escort"} in summary["barrier_types"]


def test_an_inactive_type_is_not_offered_but_still_shown(
    client, login, login_as, admin, create_user, offers, make_report
):
    old = make_report(create_user(), offers[0], codes=("travel_cost",))
    login(admin)
    assert (
        client.post(_edit_url("travel_cost"), data=_form("travel_cost", active=None)).status_code
        == 302
    )
    assert _type("travel_cost").active is False
    login_as(create_user())
    form = client.get("/barrieren/melden").get_data(as_text=True)
    assert 'value="travel_cost"' not in form and 'value="transport"' in form
    response = client.post(
        "/barrieren/melden", data=report_data(offers[0].id, barrier_types=["travel_cost"])
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Bitte wählen Sie Barrieren aus der Liste." in page
    assert "Der Bus fährt abends nicht." in page  # the form keeps what was typed
    report_page = client.get(f"/barrieren/{old.id}").get_data(as_text=True)
    assert "Fahrtkosten" in report_page  # the old report keeps its label


def test_who_had_an_inactive_type_keeps_it_when_changing_their_entry(
    client, login, login_as, create_user, offers, make_report
):
    reporter = create_user()
    report = make_report(reporter, offers[0], codes=("travel_cost", "transport"))
    services.update_barrier_type(
        None, _type("travel_cost"), name_de="Fahrtkosten", name_en="Cost of travel",
        position=20, active=False,
    )  # fmt: skip
    db.session.commit()
    login(reporter)
    url = f"/barrieren/{report.id}/betrifft-mich"
    form = client.get(url).get_data(as_text=True)
    assert 'value="travel_cost"' in form  # kept for the one who chose it
    data = {
        "barrier_types": ["travel_cost", "transport"],
        "affected": "self",
        "age_group": "30_49",
        "participation_benefits": "no",
    }
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert sorted(report.affected_people[0].barrier_types) == ["transport", "travel_cost"]
    login_as(create_user())  # somebody new is not offered it
    assert 'value="travel_cost"' not in client.get(url).get_data(as_text=True)


def test_the_order_is_the_configured_one(client, login, login_as, admin, create_user, districts):
    login(admin)
    client.post(_edit_url("other"), data=_form("other", position="1"))
    login_as(create_user())
    form = client.get("/barrieren/melden").get_data(as_text=True)
    assert form.index('value="other"') < form.index('value="transport"')
    assert [c for c, _label in services.barrier_choices()][0] == "other"


def test_editing_is_audited_and_bad_input_is_explained(client, login, admin):
    login(admin)
    response = client.post(_edit_url("other"), data=_form("other", name_de="", name_en="Misc"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Bitte geben Sie einen Namen ein." in page and 'value="Misc"' in page
    response = client.post(_edit_url("other"), data=_form("other", position="viel"))
    assert response.status_code == 400
    assert _type("other").name_en == "Other barrier"
    client.post(_edit_url("other"), data=_form("other", name_en="Another barrier"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "barrier_type.edited"))
    assert entry is not None and entry.target_id == _type("other").id
    assert client.get(LIST).get_data(as_text=True).count("Another barrier") == 1


@pytest.mark.parametrize(
    ("role", "list_code", "edit_code"),
    [
        ("citizen", 403, 403),
        ("council_member", 403, 403),
        ("planner", 200, 403),
        ("admin", 200, 200),
    ],
)
def test_who_may_read_and_edit(client, login, create_user, districts, role, list_code, edit_code):
    if role == "citizen":
        user = create_user()
    elif role == "council_member":
        user = create_user("council_member", council="23")
    elif role == "planner":
        user = create_user("planner", office="social-planning")
    else:
        user = create_user("admin")
    login(user)
    assert client.get(LIST).status_code == list_code
    assert client.get(_edit_url("other")).status_code == edit_code


def test_anonymous_is_sent_to_log_in(client, districts):
    response = client.get(LIST)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_migration_0021_seeds_the_types_and_goes_back(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0019")
        assert "barrier_types" not in inspect(db.engine).get_table_names()
        upgrade(revision="0021")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT code, name_de, name_en, position, active FROM barrier_types")
            ).all()
        assert {(c, de, en, p) for c, de, en, p, _a in rows} == set(SEEDED_BARRIER_TYPES)
        assert all(a for *_rest, a in rows)
        downgrade(revision="0019")
        assert "barrier_types" not in inspect(db.engine).get_table_names()
        db.engine.dispose()
