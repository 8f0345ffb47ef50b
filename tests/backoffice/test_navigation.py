"""The navigation's inbox entry with its counts, and the council dashboard's link."""

from __future__ import annotations

import re
from datetime import timedelta

from app.core.time import utcnow
from app.extensions import db

from .conftest import INBOX


def _nav(html: str) -> str:
    start = html.index('id="nav-inbox"')
    return html[start : html.index("</li>", start)]


def test_planner_sees_inbox_with_counts(client, login_as, people, make_proposal, offices):
    planner = people["planner"]
    for days in (3, 5):
        _, item = make_proposal()
        item.office_id = offices["social-planning"].id
        item.assignee_id = planner.id
        item.due_on = utcnow().date() - timedelta(days=days)
    _, late = make_proposal()
    late.due_on = utcnow().date() - timedelta(days=1)
    _, answered = make_proposal()
    answered.due_on = utcnow().date() - timedelta(days=1)
    answered.first_response_at = utcnow()
    db.session.commit()
    login_as(planner)
    nav = _nav(client.get("/").get_data(as_text=True))
    assert f'href="{INBOX}"' in nav
    counts = [int(n) for n in re.findall(r'class="badge"[^>]*>(\d+)<', nav)]
    assert counts == [2, 3]  # assigned to you, overdue


def test_nav_counts_cost_one_query(client, login_as, people, make_proposal, count_queries):
    make_proposal()
    login_as(people["planner"])
    client.get("/")
    with count_queries() as counter:
        client.get("/")
    # the navigation's counts (assigned to me, overdue) in one statement; the start page's own
    # lists read work_items too (their status), so the counts are told by the due date
    counting = [s for s in counter.statements if "work_items" in s and "due_on" in s]
    assert len(counting) == 1


def test_no_inbox_entry_for_others(client, login_as, people):
    for role in ("citizen", "mayor"):
        login_as(people[role])
        assert 'id="nav-inbox"' not in client.get("/").get_data(as_text=True)


def test_council_dashboard_links_to_its_read_only_inbox(client, login_as, people, districts):
    council = districts["23"].council
    login_as(people["mayor"])
    html = client.get(f"/ortsteilrat/{council.slug}/").get_data(as_text=True)
    link = re.search(r'id="council-inbox-link" href="([^"]+)"', html)
    assert link is not None
    assert f"council={council.slug}" in link.group(1)
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 200
