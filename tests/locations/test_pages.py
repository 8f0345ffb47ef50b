"""The back-office pages and the share page: permissions, the form without JavaScript, bad
input keeping what was typed, the result, CSV, print, comparison, decision, share links."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from app.core.audit import AuditEntry
from app.extensions import db
from app.locations import services
from app.locations.models import LocationScenario, LocationShare, LocationShareOpening
from app.measures import services as measure_services
from app.measures.services import MeasureData
from tests.conftest import barrier_details

from .conftest import ADMIN


def _csrf(page: str) -> str:
    """The form's CSRF token (the tests' config switches CSRF off: then none)."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("mayor", False),
        ("council_member", False),
        ("planner", True),
        ("admin", True),
    ],
)
def test_permission_matrix(client, people, login_as, make_scenario, role, allowed, figures):
    scenario = make_scenario(actor=people["planner"])
    login_as(people[role] if role != "anonymous" else None)
    for url in (
        ADMIN,
        f"{ADMIN}neu",
        f"{ADMIN}{scenario.id}",
        f"{ADMIN}{scenario.id}/bearbeiten",
        f"{ADMIN}{scenario.id}/export.csv",
        f"{ADMIN}{scenario.id}/druck",
        f"{ADMIN}{scenario.id}/entscheidung",
        f"{ADMIN}{scenario.id}/freigaben",
        f"{ADMIN}vergleich?s={scenario.id}",
    ):
        response = client.get(url)
        if allowed:
            assert response.status_code == 200, url
        elif role == "anonymous":
            assert response.status_code == 302, url
        else:
            assert response.status_code == 403, url


def test_other_office_planner_sees_but_cannot_edit(
    client, login_as, create_user, make_scenario, figures
):
    scenario = make_scenario()
    other = create_user("planner", office="urban-planning")
    login_as(other)
    assert client.get(f"{ADMIN}{scenario.id}").status_code == 200
    assert client.get(f"{ADMIN}{scenario.id}/bearbeiten").status_code == 403
    assert client.get(f"{ADMIN}{scenario.id}/freigaben").status_code == 403


def test_create_with_three_criteria_without_js(client, login_as, planner, figures, library):
    login_as(planner)
    page = client.get(f"{ADMIN}neu").get_data(as_text=True)
    assert 'name="criteria-2-choice"' in page and 'name="criteria-3-choice"' not in page
    response = client.post(
        f"{ADMIN}neu",
        data={
            "csrf_token": _csrf(page),
            "title": "ThINKA 3",
            "question": "Wohin?",
            "programme": "",
            "office": "",
            "criteria-0-choice": "indicator:sgb2_rate",
            "criteria-0-direction": "0",
            "criteria-0-weight": "50",
            "criteria-1-choice": "distance:library",
            "criteria-1-direction": "1",
            "criteria-1-weight": "30",
            "criteria-2-choice": "barriers:type:transport",
            "criteria-2-direction": "0",
            "criteria-2-weight": "20",
            "action": "add",
        },
    )
    assert response.status_code == 302
    scenario = db.session.scalar(
        db.select(LocationScenario).where(LocationScenario.title == "ThINKA 3")
    )
    assert [c.kind for c in scenario.criteria] == ["indicator", "distance", "barriers"]
    assert "/bearbeiten" in response.headers["Location"]
    # the edit form: three rows and one blank; removing the second keeps two
    page = client.get(f"{ADMIN}{scenario.id}/bearbeiten").get_data(as_text=True)
    assert 'name="criteria-3-choice"' in page and 'name="criteria-4-choice"' not in page
    data = {
        "csrf_token": _csrf(page),
        "title": "ThINKA 3",
        "criteria-0-choice": "indicator:sgb2_rate",
        "criteria-0-direction": "0",
        "criteria-0-weight": "50",
        "criteria-1-choice": "distance:library",
        "criteria-1-direction": "1",
        "criteria-1-weight": "30",
        "criteria-1-remove": "y",
        "criteria-2-choice": "barriers:type:transport",
        "criteria-2-direction": "0",
        "criteria-2-weight": "20",
        "criteria-3-choice": "",
        "action": "save",
    }
    response = client.post(f"{ADMIN}{scenario.id}/bearbeiten", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.kind for c in db.session.get(LocationScenario, scenario.id).criteria] == [
        "indicator",
        "barriers",
    ]
    actions = set(
        db.session.scalars(
            db.select(AuditEntry.action).where(
                AuditEntry.target_id == scenario.id, AuditEntry.target_type == "location_scenario"
            )
        )
    )
    assert {"location_scenario.created", "location_scenario.edited"} <= actions


def test_bad_input_keeps_values(client, login_as, planner, figures):
    login_as(planner)
    page = client.get(f"{ADMIN}neu").get_data(as_text=True)
    response = client.post(
        f"{ADMIN}neu",
        data={
            "csrf_token": _csrf(page),
            "title": "",
            "question": "Meine Frage bleibt",
            "criteria-0-choice": "indicator:sgb2_rate",
            "criteria-0-direction": "0",
            "criteria-0-weight": "viel",
            "action": "save",
        },
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Meine Frage bleibt" in text
    assert 'value="viel"' in text
    assert 'value="indicator:sgb2_rate" selected' in text
    assert "Gewichte sind ganze Zahlen von 1 bis 100." in text
    assert db.session.scalar(db.select(db.func.count(LocationScenario.id))) == 0


def test_no_criteria_refused(client, login_as, planner, figures):
    login_as(planner)
    page = client.get(f"{ADMIN}neu").get_data(as_text=True)
    response = client.post(
        f"{ADMIN}neu", data={"csrf_token": _csrf(page), "title": "Leer", "action": "save"}
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie mindestens ein Kriterium." in response.get_data(as_text=True)


def test_result_page_ranks_and_explains(client, login_as, planner, make_scenario, figures, library):
    scenario = make_scenario()
    login_as(planner)
    text = client.get(f"{ADMIN}{scenario.id}").get_data(as_text=True)
    assert 'id="ranking-table"' in text and 'id="stability-list"' in text
    assert 'class="location-map"' in text and 'aria-hidden="true"' in text
    assert "50 %" in text and "25 %" in text  # weights 2:1:1
    assert "53 " in text and 'id="missing-notice"' in text  # 53 lacks the indicator


def test_result_page_query_count_is_fixed(
    client,
    login_as,
    planner,
    make_scenario,
    figures,
    library,
    count_queries,
    barrier_report_factory,
):
    scenario = make_scenario()
    login_as(planner)
    client.get(f"{ADMIN}{scenario.id}")  # warm the outlines cache
    with count_queries() as first:
        assert client.get(f"{ADMIN}{scenario.id}").status_code == 200
    for number in ("05", "10", "23", "40"):
        barrier_report_factory(number=number)
    with count_queries() as second:
        assert client.get(f"{ADMIN}{scenario.id}").status_code == 200
    assert second.count == first.count
    assert first.count <= 30, first.statements


def test_csv_export(client, login_as, planner, make_scenario, figures, library):
    scenario = make_scenario()
    login_as(planner)
    response = client.get(f"{ADMIN}{scenario.id}/export.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Rang", "Ortsteilnummer", "Ortsteil"]
    assert len(rows) == 1 + 53
    assert rows[1][0] == "1"
    assert rows[-1][0] == "" and rows[-1][1] == "53"  # not ranked, reason given
    assert rows[-1][-1]


def test_compare_two_scenarios(client, login_as, planner, make_scenario, figures, library):
    a = make_scenario("A")
    b = make_scenario("B", rows=[services.CriterionRow("indicator", {"code": "sgb2_rate"}, -1, 1)])
    login_as(planner)
    text = client.get(f"{ADMIN}vergleich?s={a.id}&s={b.id}").get_data(as_text=True)
    assert 'id="compare-table"' in text
    assert f'id="compare-heading-{a.id}"' in text and f'id="compare-heading-{b.id}"' in text


def test_decision_linked_to_measure(client, login_as, planner, make_scenario, figures, districts):
    scenario = make_scenario()
    office_ids = sorted(services.user_office_ids(planner))
    measure = measure_services.save_measure(
        planner,
        None,
        MeasureData(
            title="ThINKA Moskauer Platz",
            status_key="decided",
            office_ids=office_ids,
            district_ids=[districts["23"].id],
        ),
    )
    db.session.commit()
    login_as(planner)
    page = client.get(f"{ADMIN}{scenario.id}/entscheidung").get_data(as_text=True)
    bad = client.post(
        f"{ADMIN}{scenario.id}/entscheidung",
        data={"csrf_token": _csrf(page), "decision_text": "Standort 23", "decision_reasons": ""},
    )
    assert bad.status_code == 400 and "Standort 23" in bad.get_data(as_text=True)
    response = client.post(
        f"{ADMIN}{scenario.id}/entscheidung",
        data={
            "csrf_token": _csrf(page),
            "decision_text": "Standort 23",
            "decision_reasons": "Gute Erreichbarkeit",
            "district": str(districts["23"].id),
            "measure": str(measure.id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(LocationScenario, scenario.id)
    assert saved.decided_district_id == districts["23"].id and saved.decided_at is not None
    assert saved.measure_id == measure.id
    text = client.get(f"{ADMIN}{scenario.id}").get_data(as_text=True)
    assert f'href="/massnahmen/{measure.id}"' in text and "ThINKA Moskauer Platz" in text
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "location_scenario.decided")
    )
    assert entry.reason == "Gute Erreichbarkeit"


def _make_link(client, scenario, days="30"):
    page = client.get(f"{ADMIN}{scenario.id}/freigaben").get_data(as_text=True)
    response = client.post(
        f"{ADMIN}{scenario.id}/freigaben",
        data={"csrf_token": _csrf(page), "label": "Beirat", "days": days},
        follow_redirects=True,  # the link is shown once, on the page after the redirect
    )
    return response


def test_share_link_opens_logged_out_and_is_logged(
    client, login_as, planner, make_scenario, figures, library, barrier_report_factory
):
    for _ in range(3):
        barrier_report_factory(number="23", details=barrier_details(("transport",)))
    scenario = make_scenario()
    login_as(planner)
    response = _make_link(client, scenario)
    assert response.status_code == 200
    link = re.search(r'id="new-share-link" href="([^"]+)"', response.get_data(as_text=True)).group(
        1
    )
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43
    share = db.session.scalar(db.select(LocationShare))
    assert share.token_digest != token and token not in share.token_digest
    # shown once: the next visit no longer shows it
    again = client.get(f"{ADMIN}{scenario.id}/freigaben").get_data(as_text=True)
    assert token not in again and 'id="new-share-link"' not in again
    login_as(None)
    shown = client.get(f"/standorte/{token}")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert 'id="ranking-table"' in text
    assert shown.headers["Cache-Control"] == "no-store"
    # privacy: three reports from 23 are fewer than the minimum of 5
    assert "weniger als 5 Meldungen" in text
    # no rate, no range and no points of a suppressed barrier figure
    rate_23 = f"{1000 * 3 / 3300:.1f}".replace(".", ",")
    assert f"{rate_23} je 1.000" not in text
    assert "nicht gezeigt (Datenschutz)" in text
    assert db.session.scalar(db.select(db.func.count(LocationShareOpening.id))) == 1
    assert client.get("/standorte/nicht-vorhanden").status_code == 404
    # the back office shows the figure and the opening
    login_as(planner)
    back = client.get(f"{ADMIN}{scenario.id}").get_data(as_text=True)
    assert "weniger als 5 Meldungen" not in back
    assert f"{rate_23} je 1.000" in back
    log = client.get(f"{ADMIN}{scenario.id}/freigaben").get_data(as_text=True)
    assert 'id="shares-table"' in log


def test_share_link_revoked_and_expired(client, login_as, planner, make_scenario, figures):
    scenario = make_scenario()
    login_as(planner)
    token = re.search(
        r'id="new-share-link" href="[^"]+/([^"/]+)"',
        _make_link(client, scenario).get_data(as_text=True),
    ).group(1)
    share = db.session.scalar(db.select(LocationShare))
    page = client.get(f"{ADMIN}{scenario.id}/freigaben").get_data(as_text=True)
    response = client.post(
        f"{ADMIN}{scenario.id}/freigaben/{share.id}/widerrufen", data={"csrf_token": _csrf(page)}
    )
    assert response.status_code == 302
    login_as(None)
    gone = client.get(f"/standorte/{token}")
    assert gone.status_code == 410
    assert "widerrufen" in gone.get_data(as_text=True)
    # expired
    login_as(planner)
    token = re.search(
        r'id="new-share-link" href="[^"]+/([^"/]+)"',
        _make_link(client, scenario, "1").get_data(as_text=True),
    ).group(1)
    fresh = db.session.scalar(
        db.select(LocationShare).where(LocationShare.token_digest == services.digest(token))
    )
    fresh.expires_at = fresh.expires_at - timedelta(days=2)
    db.session.commit()
    login_as(None)
    expired = client.get(f"/standorte/{token}")
    assert expired.status_code == 410 and "abgelaufen" in expired.get_data(as_text=True)
    outcomes = list(
        db.session.scalars(
            db.select(LocationShareOpening.outcome).order_by(LocationShareOpening.id)
        )
    )
    assert outcomes == ["revoked", "expired"]
    actions = list(
        db.session.scalars(
            db.select(AuditEntry.action).where(AuditEntry.action.like("location_share.%"))
        )
    )
    assert sorted(actions) == [
        "location_share.created",
        "location_share.created",
        "location_share.revoked",
    ]


def test_share_days_bad_input(client, login_as, planner, make_scenario, figures):
    scenario = make_scenario()
    login_as(planner)
    response = _make_link(client, scenario, days="viele")
    assert response.status_code == 400
    assert 'value="viele"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(LocationShare.id))) == 0


def test_print_page_and_methods_section(client, login_as, planner, make_scenario, figures, library):
    scenario = make_scenario()
    login_as(planner)
    response = client.get(f"{ADMIN}{scenario.id}/druck")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "css/print.css" in text and 'id="ranking-table"' in text
    methods = client.get("/indikatoren/methode").get_data(as_text=True)
    assert 'id="standorte"' in methods and "0,8 und 1,2" in methods


def test_audit_log_names_the_actions(client, login_as, people, make_scenario, figures):
    make_scenario(actor=people["planner"])
    login_as(people["admin"])
    text = client.get("/verwaltung/protokoll/").get_data(as_text=True)
    assert "Standortszenario angelegt" in text


def test_list_page_query_count_does_not_grow(
    client, login_as, planner, make_scenario, figures, count_queries
):
    make_scenario("Eins")
    login_as(planner)
    client.get(ADMIN)
    with count_queries() as one:
        assert client.get(ADMIN).status_code == 200
    for title in ("Zwei", "Drei", "Vier"):
        make_scenario(title)
    with count_queries() as four:
        text = client.get(ADMIN).get_data(as_text=True)
    assert "Vier" in text
    assert four.count == one.count, four.statements


def _ranking_table(text):
    return re.search(r'<table[^>]*id="ranking-table".*?</table>', text, re.S).group(0)


def test_small_barrier_counts_change_no_shared_score_or_rank(
    client, login_as, planner, make_scenario, figures, library, barrier_report_factory
):
    """A count below the privacy minimum is ranked as none for everyone: the board's page is
    the same whether a district has no reports or a few (nothing to subtract a figure from);
    the back office still sees the exact rate, marked."""
    scenario = make_scenario()
    login_as(planner)
    token = re.search(
        r'id="new-share-link" href="[^"]+/([^"/]+)"',
        _make_link(client, scenario).get_data(as_text=True),
    ).group(1)
    login_as(None)
    before = _ranking_table(client.get(f"/standorte/{token}").get_data(as_text=True))
    for _ in range(3):
        barrier_report_factory(number="23", details=barrier_details(("transport",)))
    after = _ranking_table(client.get(f"/standorte/{token}").get_data(as_text=True))
    assert after == before
    login_as(planner)
    back = client.get(f"{ADMIN}{scenario.id}").get_data(as_text=True)
    rate_23 = f"{1000 * 3 / 3300:.1f}".replace(".", ",")
    assert f"{rate_23} je 1.000 Einwohner (in der Rangfolge als 0 gewertet" in back
    # at the minimum the reports count
    for _ in range(2):
        barrier_report_factory(number="23", details=barrier_details(("transport",)))
    login_as(None)
    counted = _ranking_table(client.get(f"/standorte/{token}").get_data(as_text=True))
    assert counted != before
