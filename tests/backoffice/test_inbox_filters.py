"""The inbox's filters "supports ≥ n", "linked to an indicator or not", several tags at
once, and the order "most supported" with its keyset pages (ties at the page boundary);
bad values show a message; the page's queries stay constant for every order."""

from __future__ import annotations

import re

import pytest

from app.backoffice import services
from app.extensions import db
from app.indicators.models import Indicator, IndicatorLink
from app.proposals import services as proposals
from app.workflow import triage

from .conftest import INBOX, key, listed


def _with_supports(make_proposal, create_user, n: int, **kw):
    proposal, item = make_proposal(**kw)
    for _ in range(n):
        proposals.support(create_user(), proposal)
    db.session.commit()
    return proposal


def test_supports_at_least_n(client, login_as, people, make_proposal, create_user):
    none = _with_supports(make_proposal, create_user, 0)
    two = _with_supports(make_proposal, create_user, 2)
    three = _with_supports(make_proposal, create_user, 3)
    login_as(people["planner"])
    assert set(listed(client.get(INBOX, query_string={"supports": "2"}))) == {
        key("proposal", two),
        key("proposal", three),
    }
    assert len(listed(client.get(INBOX, query_string={"supports": "0"}))) == 3
    assert listed(client.get(INBOX, query_string={"supports": "4"})) == []
    html = client.get(INBOX, query_string={"supports": "2"}).get_data(as_text=True)
    assert 'name="supports" min="0" inputmode="numeric" value="2"' in html
    assert none  # listed without the filter only


def test_most_supported_first(client, login_as, people, make_proposal, create_user):
    one = _with_supports(make_proposal, create_user, 1)
    three = _with_supports(make_proposal, create_user, 3)
    zero = _with_supports(make_proposal, create_user, 0)
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"sort": "supported"})
    assert listed(response) == [key("proposal", three), key("proposal", one), key("proposal", zero)]
    html = response.get_data(as_text=True)
    row = html[html.index(f'data-item="proposal-{three.id}"') :]
    assert '<td class="inbox-supports">3</td>' in row[: row.index("</tr>")]


def test_most_supported_pages_with_ties_at_the_boundary(
    client, login_as, people, make_proposal, monkeypatch
):
    """Page size 3 over 8 items with 2, 2, 2, 2, 1, 1, 0, 0 supports: every item once, in
    the order (supports desc, id desc), whatever the ties around each cut."""
    monkeypatch.setattr(services, "PAGE_SIZE", 3)
    made = []
    for n in (2, 2, 2, 2, 1, 1, 0, 0):
        proposal, item = make_proposal(commit=False)
        item.support_count = n
        made.append((n, item.id, key("proposal", proposal)))
    db.session.commit()
    expected = [k for _n, _id, k in sorted(made, key=lambda t: (-t[0], -t[1]))]
    login_as(people["planner"])
    seen, url, pages = [], INBOX + "?sort=supported", 0
    while url:
        response = client.get(url)
        seen += listed(response)
        pages += 1
        link = re.search(r'id="inbox-next" href="([^"]+)"', response.get_data(as_text=True))
        url = link.group(1).replace("&amp;", "&") if link else None
    assert seen == expected and pages == 3


@pytest.fixture
def indicator(app):
    made = Indicator(
        code="test-kinder", name_de="Kinder", name_en="Children", unit="percent", topic="social"
    )
    db.session.add(made)
    db.session.flush()
    return made


def test_linked_to_an_indicator_or_not(
    client, login_as, people, make_proposal, make_need, make_report, indicator
):
    linked, _ = make_proposal()
    plain, _ = make_proposal()
    need, _ = make_need()
    report, _ = make_report()
    db.session.add_all(
        [
            IndicatorLink(
                indicator_id=indicator.id,
                input_type="proposal",
                input_id=linked.id,
                district_id=linked.district_id,
            ),
            # the barrier reports' kind is "barrier": the filter maps types to kinds
            IndicatorLink(
                indicator_id=indicator.id,
                input_type="barrier",
                input_id=report.id,
                district_id=report.district_from_id,
            ),
        ]
    )
    db.session.commit()
    login_as(people["planner"])
    yes = set(listed(client.get(INBOX, query_string={"indicator": "yes"})))
    no = set(listed(client.get(INBOX, query_string={"indicator": "no"})))
    assert yes == {key("proposal", linked), key("barrier_report", report)}
    assert no == {key("proposal", plain), key("need", need)}


def test_several_tags_show_inputs_with_any_of_them(client, login_as, people, make_proposal):
    a, a_item = make_proposal()
    b, b_item = make_proposal()
    c, _ = make_proposal()
    planner = people["planner"]
    triage.add_tag(planner, a_item, triage.tag_or_create(planner, "Runde 1"))
    triage.add_tag(planner, b_item, triage.tag_or_create(planner, "Runde 2"))
    db.session.commit()
    login_as(planner)
    response = client.get(INBOX + "?tag=Runde+1&tag=runde+2")
    assert set(listed(response)) == {key("proposal", a), key("proposal", b)}
    html = response.get_data(as_text=True)
    assert html.count("selected>Runde") == 2  # both kept in the form
    # the bulk form's filter keeps both
    assert 'value="tag=Runde+1&amp;tag=runde+2"' in html
    assert key("proposal", c) not in listed(response)


@pytest.mark.parametrize(
    "args",
    [
        {"supports": "-1"},
        {"supports": "zwei"},
        {"supports": "²"},
        {"supports": "99999999"},
        {"indicator": "maybe"},
        {"sort": "supported", "cursor": "x~3"},
        {"sort": "supported", "cursor": "2025-01-01~3"},
    ],
)
def test_bad_values_of_the_new_filters_show_a_message(
    client, login_as, people, make_proposal, args
):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = client.get(INBOX, query_string=args)
    assert response.status_code == 400
    assert 'id="filter-message"' in response.get_data(as_text=True)
    assert listed(response) == [key("proposal", proposal)]


def test_an_extra_filter_can_be_registered(client, login_as, people, make_proposal, monkeypatch):
    """The list of filters is open: a domain above (e.g. measures) registers its own."""
    from app.workflow.models import WorkItem

    first, first_item = make_proposal()
    make_proposal()
    monkeypatch.setattr(services, "EXTRA_FILTERS", dict(services.EXTRA_FILTERS))
    services.register_filter(
        services.ExtraFilter(
            "only", services.yes_no("only"), lambda on: WorkItem.id == first_item.id
        )
    )
    login_as(people["planner"])
    assert listed(client.get(INBOX, query_string={"only": "yes"})) == [key("proposal", first)]
    assert client.get(INBOX, query_string={"only": "perhaps"}).status_code == 400


@pytest.mark.parametrize("sort", ["oldest", "newest", "supported", "due"])
def test_page_queries_are_constant_for_every_order_and_filter(
    client, login_as, people, make_proposal, make_need, make_report, count_queries, sort
):
    args = {"sort": sort, "supports": "0", "indicator": "no", "district": "23"}
    login_as(people["planner"])
    for _ in range(2):
        make_proposal()
    make_need()
    make_report()
    client.get(INBOX, query_string=args)  # warm caches
    with count_queries() as few:
        assert len(listed(client.get(INBOX, query_string=args))) == 4
    for _ in range(8):
        make_proposal()
    make_need()
    make_report()
    with count_queries() as many:
        assert len(listed(client.get(INBOX, query_string=args))) == 14
    assert many.count == few.count
