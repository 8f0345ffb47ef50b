"""The inbox: who sees what, every filter, the orders, cursor pages, bad values, queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.core.time import utcnow
from app.extensions import db
from app.workflow import services as workflow
from tests.workflow.helpers import put_status

from .conftest import INBOX, key, listed

# --- roles -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


def test_citizens_are_refused(client, login_as, people):
    login_as(people["citizen"])
    assert client.get(INBOX).status_code == 403


def test_planner_sees_every_district_with_actions(client, login_as, people, make_proposal):
    own, _ = make_proposal(number="23")
    other, _ = make_proposal(number="25")
    login_as(people["planner"])
    response = client.get(INBOX)
    assert set(listed(response)) == {key("proposal", own), key("proposal", other)}
    assert "export.csv" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["mayor", "council_member"])
def test_council_sees_only_its_districts_read_only(
    client, login_as, people, make_proposal, make_need, role
):
    own, _ = make_proposal(number="23")
    other, _ = make_proposal(number="25")
    need, _ = make_need(number="23")
    login_as(people[role])
    response = client.get(INBOX)
    assert set(listed(response)) == {key("proposal", own), key("need", need)}
    html = response.get_data(as_text=True)
    assert "export.csv" not in html
    # the item view: readable, with no form but the internal note's (council members may
    # add notes); another council's item: refused
    page = client.get(f"{INBOX}proposal/{own.id}")
    assert page.status_code == 200
    forms = re.findall(r'<form method="post"[^>]* action="(/verwaltung/eingang[^"]*)"', page.text)
    assert forms == [f"{INBOX}proposal/{own.id}/notiz"]
    assert client.get(f"{INBOX}proposal/{other.id}").status_code == 403


def test_admin_sees_everything(client, login_as, people, make_proposal):
    item, _ = make_proposal(number="25")
    login_as(people["admin"])
    assert listed(client.get(INBOX)) == [key("proposal", item)]


# --- filters -----------------------------------------------------------------------------------


def test_filter_type(client, login_as, people, make_proposal, make_need, make_report):
    make_proposal()
    need, _ = make_need()
    make_report()
    login_as(people["planner"])
    assert listed(client.get(INBOX, query_string={"type": "need"})) == [key("need", need)]


def test_filter_district(client, login_as, people, make_proposal):
    make_proposal(number="23")
    other, _ = make_proposal(number="25")
    login_as(people["planner"])
    assert listed(client.get(INBOX, query_string={"district": "25"})) == [key("proposal", other)]


def test_filter_council(client, login_as, people, make_proposal, districts):
    own, _ = make_proposal(number="23")
    make_proposal(number="25")
    login_as(people["planner"])
    slug = districts["23"].council.slug
    assert listed(client.get(INBOX, query_string={"council": slug})) == [key("proposal", own)]


def test_filter_category(client, login_as, people, make_proposal):
    make_proposal(category="other")
    green, _ = make_proposal(category="green-play")
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"category": "green-play"})
    assert listed(response) == [key("proposal", green)]


def test_filter_status(client, login_as, people, make_proposal):
    make_proposal()
    reviewed, _ = make_proposal()
    put_status("proposal", reviewed, "in_review")
    db.session.commit()
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"status": "in_review"})
    assert listed(response) == [key("proposal", reviewed)]


def test_filter_status_type(client, login_as, people, make_proposal):
    open_one, _ = make_proposal()
    done, _ = make_proposal()
    put_status("proposal", done, "done")
    db.session.commit()
    login_as(people["planner"])
    closed = listed(client.get(INBOX, query_string={"status_type": "closed"}))
    assert closed == [key("proposal", done)]
    opened = listed(client.get(INBOX, query_string={"status_type": "open"}))
    assert opened == [key("proposal", open_one)]


def test_filter_office(client, login_as, people, make_proposal, offices):
    make_proposal()
    routed, item = make_proposal()
    item.office_id = offices["urban-planning"].id
    db.session.commit()
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"office": "urban-planning"})
    assert listed(response) == [key("proposal", routed)]


@pytest.mark.parametrize("value", ["mine", "unassigned", "id"])
def test_filter_assignee(client, login_as, people, make_proposal, offices, value):
    nobody, _ = make_proposal()
    mine, item = make_proposal()
    planner = people["planner"]
    item.office_id = offices["social-planning"].id
    item.assignee_id = planner.id
    db.session.commit()
    login_as(planner)
    raw = str(planner.id) if value == "id" else value
    found = listed(client.get(INBOX, query_string={"assignee": raw}))
    expected = nobody if value == "unassigned" else mine
    assert found == [key("proposal", expected)]


def test_filter_created_from_and_to(client, login_as, people, make_proposal):
    make_proposal(days_ago=40)
    middle, _ = make_proposal(days_ago=20)
    make_proposal(days_ago=1)
    login_as(people["planner"])
    today = utcnow().date()
    response = client.get(
        INBOX,
        query_string={
            "created_from": (today - timedelta(days=30)).isoformat(),
            "created_to": (today - timedelta(days=10)).isoformat(),
        },
    )
    assert listed(response) == [key("proposal", middle)]


def test_filter_overdue(client, login_as, people, make_proposal):
    make_proposal()
    late, item = make_proposal()
    item.due_on = utcnow().date() - timedelta(days=1)
    answered, answered_item = make_proposal()
    answered_item.due_on = utcnow().date() - timedelta(days=1)
    answered_item.first_response_at = utcnow()
    db.session.commit()
    login_as(people["planner"])
    assert listed(client.get(INBOX, query_string={"overdue": "1"})) == [key("proposal", late)]


def test_filter_has_public_answer(client, login_as, people, make_proposal):
    silent, _ = make_proposal()
    answered, item = make_proposal()
    item.first_response_at = utcnow()
    db.session.commit()
    login_as(people["planner"])
    assert listed(client.get(INBOX, query_string={"answered": "yes"})) == [
        key("proposal", answered)
    ]
    assert listed(client.get(INBOX, query_string={"answered": "no"})) == [key("proposal", silent)]


def test_filter_words_with_german_stemming(client, login_as, people, make_proposal, make_need):
    play, _ = make_proposal(title="Neuer Spielplatz am Teich")
    make_proposal(title="Mehr Bänke")
    need, _ = make_need(title="Spielplatz für Kleinkinder")
    login_as(people["planner"])
    found = listed(client.get(INBOX, query_string={"q": "Spielplätze"}))
    assert set(found) == {key("proposal", play), key("need", need)}
    only = listed(client.get(INBOX, query_string={"q": "Spielplätze", "type": "need"}))
    assert only == [key("need", need)]


def test_filters_combine(client, login_as, people, make_proposal):
    make_proposal(number="23", category="green-play")
    make_proposal(number="25", category="other")
    wanted, _ = make_proposal(number="25", category="green-play")
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"district": "25", "category": "green-play"})
    assert listed(response) == [key("proposal", wanted)]


@pytest.mark.parametrize(
    "args",
    [
        {"type": "poem"},
        {"district": "99"},
        {"council": "nowhere"},
        {"category": "nothing"},
        {"status": "lost"},
        {"status_type": "ajar"},
        {"office": "ministry"},
        {"assignee": "²"},
        {"assignee": "99999999999"},
        {"created_from": "31.01.2025"},
        {"created_to": "2025-02-30"},
        {"overdue": "yes"},
        {"answered": "maybe"},
        {"sort": "random"},
        {"cursor": "garbage"},
        {"sort": "due", "cursor": "1~2025-01-01T00:00:00~3"},
    ],
)
def test_bad_filter_values_show_a_message(client, login_as, people, make_proposal, args):
    item, _ = make_proposal()
    login_as(people["planner"])
    response = client.get(INBOX, query_string=args)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="filter-message"' in html
    assert listed(response) == [key("proposal", item)]  # shown without filters


# --- orders and pages ---------------------------------------------------------------------------


def test_default_order_oldest_without_answer_first(client, login_as, people, make_proposal):
    newer, _ = make_proposal(days_ago=2)
    older, _ = make_proposal(days_ago=5)
    oldest_answered, item = make_proposal(days_ago=9)
    item.first_response_at = utcnow()
    db.session.commit()
    login_as(people["planner"])
    assert listed(client.get(INBOX)) == [
        key("proposal", older),
        key("proposal", newer),
        key("proposal", oldest_answered),
    ]


def test_order_newest(client, login_as, people, make_proposal):
    old, _ = make_proposal(days_ago=5)
    new, _ = make_proposal(days_ago=1)
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"sort": "newest"})
    assert listed(response) == [key("proposal", new), key("proposal", old)]


def test_order_due_date(client, login_as, people, make_proposal):
    later, later_item = make_proposal()
    sooner, sooner_item = make_proposal()
    later_item.due_on = utcnow().date() + timedelta(days=20)
    sooner_item.due_on = utcnow().date() + timedelta(days=3)
    db.session.commit()
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"sort": "due"})
    assert listed(response) == [key("proposal", sooner), key("proposal", later)]


@pytest.mark.parametrize("sort", ["oldest", "newest", "supported", "due"])
def test_cursor_pages_over_more_than_fifty(client, login_as, people, make_proposal, sort):
    made = []
    for n in range(56):
        proposal, item = make_proposal(title=f"Bank {n}", days_ago=n % 7, commit=False)
        if n % 5 == 0:
            item.first_response_at = utcnow()
        item.due_on = utcnow().date() + timedelta(days=n % 4)
        item.support_count = n % 3  # ties across the page boundary
        made.append(key("proposal", proposal))
    db.session.commit()
    login_as(people["planner"])
    first = client.get(INBOX, query_string={"sort": sort})
    first_keys = listed(first)
    assert len(first_keys) == 50
    link = re.search(r'id="inbox-next" href="([^"]+)"', first.get_data(as_text=True))
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&"))
    second_keys = listed(second)
    assert len(second_keys) == 6
    assert sorted(first_keys + second_keys) == sorted(made)
    assert 'id="inbox-next"' not in second.get_data(as_text=True)


def test_page_queries_are_constant(
    client, login_as, people, make_proposal, make_need, make_report, count_queries
):
    def make(proposals, needs_, reports):
        for _ in range(proposals):
            make_proposal()
        for _ in range(needs_):
            make_need()
        for _ in range(reports):
            make_report()

    login_as(people["planner"])
    make(3, 1, 1)
    client.get(INBOX)  # warm caches (statuses, districts)
    with count_queries() as few:
        assert len(listed(client.get(INBOX))) == 5
    make(17, 4, 4)
    with count_queries() as many:
        assert len(listed(client.get(INBOX))) == 30
    assert many.count == few.count


def test_rows_show_status_office_age_and_overdue(client, login_as, people, make_proposal, offices):
    proposal, item = make_proposal(title="Schattige Bänke", days_ago=12)
    item.office_id = offices["urban-planning"].id
    item.due_on = utcnow().date() - timedelta(days=2)
    db.session.commit()
    login_as(people["planner"])
    html = client.get(INBOX).get_data(as_text=True)
    row = html[html.index(f'data-item="proposal-{proposal.id}"') :]
    row = row[: row.index("</tr>")]
    assert "Schattige Bänke" in row
    assert f"/verwaltung/eingang/proposal/{proposal.id}" in row
    assert "Neu" in row and "Stadtplanung" in row
    assert "<td>12</td>" in row
    assert "überfällig" in row
    assert workflow.item_for("proposal", proposal.id).office_id == offices["urban-planning"].id


def test_keyboard_script_and_shortcuts_listed(client, login_as, people, make_proposal):
    make_proposal()
    login_as(people["planner"])
    html = client.get(INBOX).get_data(as_text=True)
    assert "js/inbox-keys.js" in html
    assert "<kbd>j</kbd>" in html and "<kbd>k</kbd>" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert '<th scope="col">' in html and '<caption id="inbox-caption">' in html
    # the list is one focusable region: the shortcuts act only there (WCAG 2.1.4)
    assert 'id="inbox-list" role="region" aria-labelledby="inbox-caption" tabindex="0"' in html
