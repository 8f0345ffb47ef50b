"""The audit log page: complete for planners and admins, scoped to its districts for a council."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core import audit
from app.core.audit import AuditEntry
from app.extensions import db
from app.locations import AUDIT_LABELS


@pytest.fixture
def entries(districts, create_user):
    actor = create_user("admin", name="Protokoll-Admin")
    audit.record(
        actor,
        "district.council_changed",
        "district",
        districts["23"].id,
        district_id=districts["23"].id,
        reason="Marker-23",
    )
    audit.record(
        actor,
        "district.council_changed",
        "district",
        districts["25"].id,
        district_id=districts["25"].id,
        reason="Marker-25",
    )
    audit.record(actor, "role.granted", "user", actor.id, reason="Marker-global")
    old = audit.record(actor, "council.created", "council", 1, reason="Marker-old")
    old.created_at = datetime(2020, 1, 15, 12, tzinfo=UTC)
    db.session.commit()
    return actor


def test_admin_reads_everything(client, login, entries):
    login(entries)
    html = client.get("/verwaltung/protokoll/").get_data(as_text=True)
    for marker in ("Marker-23", "Marker-25", "Marker-global", "Marker-old"):
        assert marker in html
    assert "Protokoll-Admin" in html
    assert "Ortsteilrat eines Ortsteils geändert" in html


def test_planner_reads_everything(client, login, create_user, entries):
    login(create_user("planner"))
    html = client.get("/verwaltung/protokoll/").get_data(as_text=True)
    assert "Marker-25" in html and "Marker-global" in html


@pytest.mark.parametrize("role", ["mayor", "council_member"])
def test_council_reads_only_its_districts(client, login, create_user, entries, role):
    login(create_user(role, council="23"))
    html = client.get("/verwaltung/protokoll/").get_data(as_text=True)
    assert "Marker-23" in html
    for marker in ("Marker-25", "Marker-global", "Marker-old"):
        assert marker not in html
    # Not even by asking for another district.
    other = client.get(f"/verwaltung/protokoll/?district={entries.id + 1000}")
    assert "Marker-25" not in other.get_data(as_text=True)


def test_filters(client, login, entries, districts):
    login(entries)
    html = client.get("/verwaltung/protokoll/?action=role.granted").get_data(as_text=True)
    assert "Marker-global" in html and "Marker-23" not in html
    html = client.get(f"/verwaltung/protokoll/?district={districts['25'].id}").get_data(
        as_text=True
    )
    assert "Marker-25" in html and "Marker-23" not in html
    html = client.get("/verwaltung/protokoll/?date_from=2020-01-01&date_to=2020-01-31").get_data(
        as_text=True
    )
    assert "Marker-old" in html and "Marker-23" not in html
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    html = client.get(f"/verwaltung/protokoll/?date_from={tomorrow}").get_data(as_text=True)
    assert "Marker-" not in html


@pytest.mark.parametrize(
    "query,message",
    [("date_from=gestern", "Kein gültiges Datum."), ("action=erfunden", "Keine gültige Auswahl.")],
)
def test_bad_filter_input(client, login, entries, query, message):
    login(entries)
    response = client.get(f"/verwaltung/protokoll/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Bitte korrigieren Sie Folgendes" in html
    assert message in html


@pytest.mark.parametrize("role", [None, "citizen"])
def test_others_are_refused(client, login, create_user, entries, role):
    if role:
        login(create_user())
        assert client.get("/verwaltung/protokoll/").status_code == 403
    else:
        assert client.get("/verwaltung/protokoll/").status_code == 302


def test_query_count_does_not_grow_with_entries(client, login, entries, count_queries):
    login(entries)
    with count_queries() as counter:
        client.get("/verwaltung/protokoll/")
    few = counter.count
    for i in range(30):
        audit.record(entries, "role.granted", "user", i, reason=f"r{i}")
    db.session.commit()
    with count_queries() as counter:
        client.get("/verwaltung/protokoll/")
    assert counter.count == few


def test_entries_keep_their_district(entries, districts):
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.reason == "Marker-23"))
    assert entry.district_id == districts["23"].id


def test_a_domain_registers_its_action_labels_once(app, monkeypatch):
    monkeypatch.setattr(audit, "ACTION_LABELS", dict(audit.ACTION_LABELS))
    audit.register_actions(AUDIT_LABELS)  # create_app did so already: nothing changes
    assert {a: audit.ACTION_LABELS[a] for a in AUDIT_LABELS} == AUDIT_LABELS
    audit.register_actions({"test.thing": "Thing done"})
    audit.register_actions({"test.thing": "Thing done"})
    assert audit.action_label("test.thing") == "Thing done"
    assert "test.thing" in audit.known_actions()
    with pytest.raises(ValueError, match="test.thing"):
        audit.register_actions({"test.thing": "Something else"})
    assert audit.action_label("test.thing") == "Thing done"


def test_the_filter_offers_registered_actions_before_they_happen(client, login, create_user):
    login(create_user("admin"))
    html = client.get("/verwaltung/protokoll/").get_data(as_text=True)
    assert 'value="location_share.revoked"' in html
    assert "Standort" in html.split('value="location_share.revoked"')[1].split("</option>")[0]
