"""The start page shows what is happening: the newest proposals and needs as cards, the
city's latest public answers (only public ones), "find your district"; and stays cheap."""

from __future__ import annotations

import re

import pytest

from app.core.content_types import respondable
from app.extensions import db
from app.needs import services as needs
from app.responses import services as responses
from app.responses.models import ResponseDraft
from app.site import home

MOSKAUER_PLATZ = "23"


@pytest.fixture
def mayor(create_user, districts):
    return create_user("mayor", council=MOSKAUER_PLATZ)


@pytest.fixture
def planner(create_user, districts):
    return create_user("planner", office="social-planning")


def _need(author, categories, title="Treffpunkt für Jugendliche"):
    council = author.roles[0].council
    need = needs.create_need(
        author,
        council,
        title=title,
        description="Ein Raum am Abend fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_district(council, council.districts[0]),
    )
    db.session.commit()
    return need


def _answer(app, actor, target_type, obj, body):
    with app.test_request_context():
        answer = responses.respond(actor, respondable(target_type), obj, body)
    db.session.commit()
    return answer


def _section(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    return page[start : page.index("</section>", start)]


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_newest_proposals_as_cards(client, proposal_factory, create_user):
    author = create_user()
    made = [proposal_factory(author, title=f"Vorschlag {n}", days_ago=10 - n) for n in range(8)]
    proposal_factory(author, title="Verborgener Vorschlag", state="hidden")
    page = client.get("/").get_data(as_text=True)
    section = _section(page, "newest-proposals")
    shown = [int(i) for i in re.findall(r'href="/vorschlaege/(\d+)"', section)]
    assert shown == [p.id for p in reversed(made)][: home.NEWEST]
    assert "Verborgener Vorschlag" not in page
    assert section.count('class="card card-proposal"') == home.NEWEST
    # a card: category icon and name, status chip, district, counts, age
    assert 'data-icon="dot"' in section and "Sonstiges" in section
    assert 'class="status-chip" data-status="new"' in section and "Neu" in section
    text = _text(section)
    assert "23 Moskauer Platz" in text and "0 Unterstützungen" in text
    assert "0 Kommentare" in text and "vor 3 Tagen" in text


def test_the_newest_needs_as_cards(client, mayor, categories):
    need = _need(mayor, categories)
    section = _section(client.get("/").get_data(as_text=True), "newest-needs")
    assert f'href="/bedarfe/{need.id}"' in section
    assert 'class="card card-need"' in section and 'data-icon="child"' in section
    assert "Kinder und Jugend" in section


def test_the_latest_answers_only_public_ones(
    app, client, mayor, planner, categories, proposal_factory, create_user
):
    proposal = proposal_factory(create_user(), title="Mehr Bänke")
    hidden = proposal_factory(create_user(), title="Verborgen")
    need = _need(mayor, categories, title="Jugendraum")
    shown = _answer(app, planner, "proposal", proposal, "Wir stellen im Mai drei Bänke auf.")
    _answer(app, planner, "proposal", hidden, "Geheime Antwort auf Verborgenes.")
    hidden.moderation_state = "hidden"
    need_answer = _answer(app, mayor, "need", need, "Der Ortsteilrat kümmert sich.")
    db.session.add(
        ResponseDraft(
            target_type="proposal",
            target_id=proposal.id,
            voice=f"office:{planner.roles[0].office_id}",
            body="Entwurf, noch nicht öffentlich.",
        )
    )
    db.session.commit()

    section = _section(client.get("/").get_data(as_text=True), "latest-answers")
    text = _text(section)
    assert "Fachamt Sozialplanung hat geantwortet" in text
    assert "Wir stellen im Mai drei Bänke auf." in text
    assert f'href="/vorschlaege/{proposal.id}#response-{shown.id}"' in section
    assert f'href="/bedarfe/{need.id}#response-{need_answer.id}"' in section
    assert "Ortsteilbürgermeister" in text or "Ortsteilbürgermeisterin" in text
    assert "Geheime Antwort" not in section and "Verborgen" not in section
    assert "Entwurf" not in section
    # the newest first
    assert section.index("Der Ortsteilrat") < section.index("Wir stellen")


def test_no_answers_says_so(client, districts):
    assert "Noch keine öffentlichen Antworten." in client.get("/").get_data(as_text=True)


def test_in_english(client, english, proposal_factory, create_user):
    proposal_factory(create_user(), days_ago=2)
    text = _text(_section(client.get("/").get_data(as_text=True), "newest-proposals"))
    assert "Newest proposals" in text and "2 days ago" in text and "Other" in text


def test_the_start_page_asks_a_fixed_number_of_queries(
    app, client, mayor, planner, categories, proposal_factory, create_user, count_queries
):
    author = create_user()
    first = proposal_factory(author)
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    for n in range(9):
        proposal = proposal_factory(author, title=f"Vorschlag {n}", supports=1)
        _answer(app, planner, "proposal", proposal, f"Antwort {n}")
        _need(mayor, categories, title=f"Bedarf {n}")
    _answer(app, mayor, "need", _need(mayor, categories), "Antwort auf den Bedarf")
    _answer(app, planner, "proposal", first, "Antwort")
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert page.count('class="card card-proposal"') == home.NEWEST
    assert page.count('class="answer-teaser"') == home.ANSWERS
    assert many.count == few.count, "\n\n".join(
        s[:150] for s in few.statements + ["----"] + many.statements
    )
    assert many.count <= 12, many.statements


# --- "find your district" ------------------------------------------------------------------


def test_the_finder_is_on_the_start_page(client, districts):
    page = client.get("/").get_data(as_text=True)
    form = page[page.index('<form method="get" action="/ortsteile/suche"') :]
    assert 'class="district-finder" role="search"' in form
    assert 'list="district-options"' in form
    assert form.count("<option value=") == 53 and '<option value="Moskauer Platz"' in form
    assert "js/district-finder.js" in page


@pytest.mark.parametrize(
    "typed", ["Moskauer Platz", "moskauer platz", "  Moskauer   Platz ", "23", "Moskauer"]
)
def test_one_match_opens_the_district(client, districts, typed):
    response = client.get("/ortsteile/suche", query_string={"q": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ortsteile/23")


def test_a_number_with_one_digit(client, districts):
    response = client.get("/ortsteile/suche", query_string={"q": "1"})
    assert response.headers["Location"].endswith("/ortsteile/01")


def test_several_matches_are_listed(client, districts):
    response = client.get("/ortsteile/suche", query_string={"q": "platz"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = re.findall(r'<li><a href="/ortsteile/(\d\d)">', page)
    expected = [
        d.number
        for d in sorted(districts.values(), key=lambda d: d.number)
        if "platz" in d.name.lower()
    ]
    assert len(expected) > 1 and found == expected
    assert 'value="platz"' in page  # the form keeps what was typed


def test_no_match_says_so_and_keeps_the_value(client, districts):
    response = client.get("/ortsteile/suche", query_string={"q": "Atlantis"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Erfurt hat keinen Ortsteil mit dem Namen „Atlantis“" in page
    assert 'value="Atlantis"' in page and 'aria-invalid="true"' in page


def test_nothing_typed(client, districts, english):
    response = client.get("/ortsteile/suche", query_string={"q": " "})
    assert response.status_code == 400
    assert "Please enter the name or number of a district." in response.get_data(as_text=True)


def test_the_search_asks_no_query(client, districts, count_queries):
    client.get("/ortsteile/suche", query_string={"q": "platz"})
    with count_queries() as counter:
        client.get("/ortsteile/suche", query_string={"q": "platz"})
    assert not [s for s in counter.statements if "districts" in s], counter.statements
