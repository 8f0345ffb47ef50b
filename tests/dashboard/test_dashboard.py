"""The dashboard's sections: new since the last visit, open reports, top proposals, needs,
barriers, and the pre-moderation switch."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.time import as_utc, utcnow
from app.dashboard import services
from app.dashboard.models import DashboardVisit
from app.districts.models import Council
from app.extensions import db
from app.responses.models import OfficialResponse

from .conftest import URL


def _visit(user):
    db.session.expire_all()
    return db.session.scalar(select(DashboardVisit).where(DashboardVisit.user_id == user.id))


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


# --- new since the last visit ------------------------------------------------------------------


def test_first_visit_shows_the_last_14_days(client, login, people, make_proposal, english):
    make_proposal(title="Alt, 20 Tage", days_ago=20)
    make_proposal(title="Neu, 2 Tage", days_ago=2)
    make_proposal(title="Versteckt", days_ago=1, state="hidden")
    make_proposal(title="Anderer Ortsteilrat", number="25", days_ago=1)
    login(people["member"])
    page = client.get(URL).get_data(as_text=True)
    new = _section(page, "new-title")
    assert "Your first visit: everything from the last 14 days." in new
    assert "1 new item" in new
    assert "Neu, 2 Tage" in new
    for absent in ("Alt, 20 Tage", "Versteckt", "Anderer Ortsteilrat"):
        assert absent not in new
    visit = _visit(people["member"])
    assert visit.previous_seen_at is None
    assert utcnow() - as_utc(visit.last_seen_at) < timedelta(minutes=1)


def test_new_since_the_previous_visit(client, login, people, make_proposal, make_need, english):
    from app.comments import services as comments

    member = people["member"]
    login(member)
    client.get(URL)
    # the last visit was three hours ago; since then: one proposal, one need, one comment
    three_hours_ago = utcnow() - timedelta(hours=3)
    visit = _visit(member)
    visit.last_seen_at = three_hours_ago
    db.session.commit()
    hour = 1 / 24
    old = make_proposal(title="Vor dem Besuch", days_ago=1)
    make_proposal(title="Nach dem Besuch", days_ago=hour)
    make_need("Bedarf nach dem Besuch", days_ago=hour)
    make_need("Bedarf vorher", days_ago=1)
    comment = comments.add_comment(people["citizen"], "proposal", old.id, "Ein neuer Kommentar")
    comment.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    page = client.get(URL).get_data(as_text=True)
    visit = _visit(member)
    assert abs(as_utc(visit.previous_seen_at) - three_hours_ago) < timedelta(seconds=1)
    new = _section(page, "new-title")
    assert "3 new items" in new
    assert "proposals: 1, needs: 1, comments: 1" in new
    assert "Nach dem Besuch" in new and "Bedarf nach dem Besuch" in new
    assert "Comment on “Vor dem Besuch”" in new and f"#comment-{comment.id}" in new
    assert "Bedarf vorher" not in new

    # a reload within 30 minutes is the same visit: the list stays
    page = client.get(URL).get_data(as_text=True)
    assert "3 new items" in _section(page, "new-title")
    assert abs(as_utc(_visit(member).previous_seen_at) - three_hours_ago) < timedelta(seconds=1)

    # after 30 quiet minutes a new visit begins: nothing is new any more
    visit = _visit(member)
    visit.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert "0 new items" in _section(page, "new-title")
    assert "Nothing new." in page


def test_each_person_has_their_own_visit(client, login_as, people):
    login_as(people["member"])
    client.get(URL)
    before = as_utc(_visit(people["member"]).last_seen_at)
    login_as(people["planner"])
    client.get(URL)
    login_as(people["admin"])
    client.get(URL)
    assert as_utc(_visit(people["member"]).last_seen_at) == before
    assert _visit(people["planner"]) is not None and _visit(people["admin"]) is not None
    assert db.session.query(DashboardVisit).count() == 3


def test_new_since_limits_the_list_to_20(app, people, make_proposal):
    for i in range(25):
        make_proposal(title=f"Vorschlag {i}", commit=False)
    db.session.commit()
    ids = [d.id for d in db.session.get(Council, _council_id()).districts]
    with app.test_request_context():
        result = services.new_since(ids, utcnow() - timedelta(days=1), first_visit=False)
    assert result.total == 25 and len(result.items) == services.NEW_LIMIT


def _council_id() -> int:
    return db.session.scalar(select(Council.id).where(Council.slug == "moskauer-platz"))


# --- open reports --------------------------------------------------------------------------------


def test_open_reports(client, login, people, make_proposal, make_flag, make_need, english):
    flagged = make_proposal(title="Gemeldet")
    make_flag(flagged, reporter=people["citizen"])
    make_flag(flagged, reporter=people["planner"])
    make_flag(flagged, reporter=people["admin"], resolved=True)
    make_flag(make_proposal(number="25"), number="25", reporter=people["citizen"])
    make_proposal(title="Wartet", state="pending_approval")
    make_need("Wartet auch", state="pending_approval")
    make_proposal(title="Wartet woanders", number="25", state="pending_approval")
    login(people["mayor"])
    page = client.get(URL).get_data(as_text=True)
    section = _section(page, "reports-title")
    assert "2 open reports by residents" in section
    assert "2 items awaiting approval" in section


# --- top proposals -------------------------------------------------------------------------------


def test_top_proposals_order_and_responses(client, login, people, make_proposal, english, app):
    from app.responses import services as responses
    from app.responses.targets import get_respondable

    make_proposal(title="Drei", supports=3)
    one = make_proposal(title="Eins", supports=1)
    make_proposal(title="Zwei", supports=2)
    make_proposal(title="Versteckt fünf", supports=5, state="hidden")
    withdrawn = make_proposal(title="Zurückgezogen vier", supports=4)
    withdrawn.withdrawn_at = utcnow()
    make_proposal(title="Anderswo zehn", number="25", supports=10)
    db.session.commit()
    with app.test_request_context():
        responses.respond(people["mayor"], get_respondable("proposal"), one, "Antwort")
        db.session.commit()
    login(people["member"])
    page = client.get(URL).get_data(as_text=True)
    table = _section(page, "top-title")
    titles = re.findall(r'<th scope="row"><a href="/vorschlaege/\d+">([^<]+)</a></th>', table)
    assert titles == ["Drei", "Zwei", "Eins"]
    supports = re.findall(r"</td>\s*<td>(\d+)</td>", table)
    assert supports == ["3", "2", "1"]
    rows = table.split("<tr>")[2:]
    assert ">Yes<" in rows[2] and ">No<" in rows[0]
    assert db.session.scalar(select(OfficialResponse.target_id)) == one.id


# --- needs ---------------------------------------------------------------------------------------


def test_needs_listed_with_priority_and_status(client, login, people, make_need, english):
    make_need("Niedrig offen", priority="low")
    make_need("Hoch offen", priority="high")
    make_need("Erledigt", priority="high", status="done")
    make_need("Anderer Rat", number="25")
    login(people["member"])
    section = _section(client.get(URL).get_data(as_text=True), "needs-title")
    assert section.index("Hoch offen") < section.index("Niedrig offen") < section.index("Erledigt")
    assert "High priority" in section and "Low priority" in section and "Done" in section
    assert "Anderer Rat" not in section


# --- barriers ------------------------------------------------------------------------------------


def _barrier_scene(districts):
    """Offer in 23: transport 5 people (shown), physical 2 (suppressed). Offer in 25:
    transport 6 (shown, but not the council of 23's business)."""
    from app.barriers import services as barriers

    barriers.load_offer_types()
    types = {t.slug: t for t in barriers.offer_types()}
    offers = {}
    for number, name in (("23", "Bibliothek Moskauer Platz"), ("25", "Jugendhaus Johannesplatz")):
        d = districts[number]
        offers[number] = barriers.save_offer(
            None,
            None,
            name=name,
            type_id=types["library"].id,
            address="Teststraße 1",
            provider="Träger",
            lat=d.label_lat,
            lon=d.label_lon,
        )

    def report(number, codes, district_from):
        barriers.create_report(
            None,
            offer=offers[number],
            offer_text="",
            district_from=districts[district_from],
            text="Text",
            visibility="public",
            details={
                "barrier_types": list(codes),
                "affected": "self",
                "age_group": "30_49",
                "participation_benefits": "not_stated",
            },
        )

    for i in range(5):
        report("23", ("transport", "physical") if i < 2 else ("transport",), "23")
    for _ in range(6):
        report("25", ("transport",), "25")
    db.session.commit()
    return offers


def test_barrier_summary_respects_threshold_and_districts(districts, app):
    from app.barriers import services as barriers

    _barrier_scene(districts)
    with app.test_request_context():
        everything = barriers.summary()
        mine = barriers.summary(district_ids=[districts["23"].id])
    assert len(everything["by_offer"]) == 2 and len(everything["by_district"]) == 2
    assert [row["offer"] for row in mine["by_offer"]] == ["Bibliothek Moskauer Platz"]
    assert mine["by_offer"][0]["cells"] == {"transport": 5}  # physical (2) suppressed
    assert [row["district"] for row in mine["by_district"]] == ["23"]
    assert mine["by_district"][0]["cells"] == {"transport": 5}
    assert barriers.summary(district_ids=[])["by_offer"] == []


def test_dashboard_barrier_tables(client, login, people, districts, english):
    _barrier_scene(districts)
    login(people["member"])
    section = _section(client.get(URL).get_data(as_text=True), "barriers-title")
    assert "Bibliothek Moskauer Platz" in section and "Jugendhaus Johannesplatz" not in section
    numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", section)]
    assert numbers and min(numbers) >= 5
    assert "fewer than 5" in section


# --- pre-moderation ------------------------------------------------------------------------------


def _premoderation() -> bool:
    db.session.expire_all()
    return db.session.scalar(select(Council.premoderation).where(Council.slug == "moskauer-platz"))


def test_premoderation_switch(client, login_as, people):
    settings = URL + "einstellungen"
    for who in ("member", "other mayor", "planner", "citizen"):
        login_as(people[who])
        assert client.post(settings, data={"premoderation": "on"}).status_code == 403, who
    assert _premoderation() is False

    login_as(people["mayor"])
    page = client.get(URL).get_data(as_text=True)
    assert 'action="/ortsteilrat/moskauer-platz/einstellungen"' in page
    assert client.post(settings, data={"premoderation": "on"}).status_code == 302
    assert _premoderation() is True
    assert client.post(settings, data={"premoderation": "on"}).status_code == 302  # no change
    assert client.post(settings, data={"premoderation": "maybe"}).status_code == 400
    assert client.post(settings, data={}).status_code == 400
    login_as(people["admin"])
    assert client.post(settings, data={"premoderation": "off"}).status_code == 302
    assert _premoderation() is False

    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "council.premoderation_changed")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.before, e.after) for e in entries] == [
        (people["mayor"].id, {"premoderation": False}, {"premoderation": True}),
        (people["admin"].id, {"premoderation": True}, {"premoderation": False}),
    ]
    assert entries[0].target_type == "council" and entries[0].district_id is not None


def test_settings_only_shown_to_those_who_may_configure(client, login_as, people):
    for who, shown in (("member", False), ("planner", False), ("mayor", True), ("admin", True)):
        login_as(people[who])
        page = client.get(URL).get_data(as_text=True)
        assert ('id="settings-title"' in page) is shown, who


def test_premoderation_needs_csrf(client, login, people, app):
    login(people["mayor"])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(URL + "einstellungen", data={"premoderation": "on"}).status_code == 400
    assert _premoderation() is False
