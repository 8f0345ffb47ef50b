"""The cards of proposals and needs (templates/macros/cards.html): what they show on the list
pages (the map's list, /bedarfe/, the district page), their markup (a list of articles with a
heading link, not one big link), and that they cost no query per card."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.comments import services as comments
from app.core import cards
from app.core.time import utcnow
from app.extensions import db
from app.needs import services as needs
from app.proposals.models import Category


def test_age_in_both_languages(app):
    now = utcnow()
    with app.test_request_context():
        assert cards.age(now - timedelta(days=3), now) == "vor 3 Tagen"
        assert cards.age(now + timedelta(seconds=5), now) == "vor 1 Minute"  # clocks apart
        assert cards.age(None) == ""
    with app.test_request_context(), force_locale("en"):
        assert cards.age(now - timedelta(hours=5), now) == "5 hours ago"


def test_icons_colours_and_palette():
    assert cards.icon_key("bus", "anything") == "bus"
    assert cards.icon_key("unknown", "housing") == "house"
    assert cards.icon_key(None, "new-category") == "dot"
    assert cards.category_colour("#1f5fa8") == "#1f5fa8"
    for bad in ('#12345"', "red", "", None, "#12345g"):
        assert cards.category_colour(bad) is None
    indexes = {cards.palette_index(f"slug-{n}") for n in range(50)}
    assert indexes <= set(range(1, cards.PALETTE_SIZE + 1)) and len(indexes) > 4
    assert cards.palette_index("a") == cards.palette_index("a")


def test_url_pattern(app):
    with app.test_request_context():
        assert cards.url_pattern("proposals.show", "proposal_id") == "/vorschlaege/__ID__"
        assert cards.url_pattern("needs.show", "need_id") == "/bedarfe/__ID__"


def _cards(page: str) -> list[str]:
    return re.findall(r'<article class="card card-\w+">.*?</article>', page, flags=re.S)


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


@pytest.fixture
def proposal(proposal_factory, create_user):
    found = proposal_factory(
        create_user(), title="Mehr Bänke", category="mobility", supports=2, days_ago=3
    )
    comments.add_comment(create_user(), "proposal", found.id, "Gute Idee!")
    db.session.commit()
    return found


def test_a_proposal_card_under_the_map(client, proposal):
    (card,) = _cards(client.get("/karte").get_data(as_text=True))
    assert 'data-icon="bus"' in card and 'fill="#2f4858"' in card  # the category's colour
    assert (
        f'<h3 class="card-title"><a href="/vorschlaege/{proposal.id}">Mehr Bänke</a></h3>' in card
    )
    assert card.count("<a ") == 1  # one short link: the title, not the whole card
    text = _text(card)
    assert "Mobilität und Verkehr" in text and "Status: Neu" in text
    assert "23 Moskauer Platz" in text and "2 Unterstützungen" in text
    assert "1 Kommentar" in text and "vor 3 Tagen" in text
    assert re.search(r'<time datetime="[0-9-]+T[0-9:.]+\+00:00">vor 3 Tagen</time>', card)
    # the list fragment the map's script loads shows the same card
    fragment = client.get("/karte/liste").get_data(as_text=True)
    assert _cards(fragment) == [card]


def test_cards_are_a_list_of_articles(client, proposal):
    page = client.get("/karte").get_data(as_text=True)
    assert re.search(r'<ul class="card-list">\s*<li><article class="card card-proposal">', page)


def test_a_category_without_a_colour_takes_the_palette(client, proposal):
    category = db.session.get(Category, proposal.category_id)
    category.colour = ""
    db.session.commit()
    (card,) = _cards(client.get("/karte").get_data(as_text=True))
    index = cards.palette_index("mobility")
    assert (
        f'class="card-icon card-icon-palette-{index}"' in card
        and 'fill="#' not in card.split("card-icon-glyph")[0].split("card-icon-disc")[1]
    )


def test_a_withdrawn_proposal_has_its_status(client, proposal, english):
    proposal.withdrawn_at = utcnow()
    db.session.commit()
    (card,) = _cards(client.get("/karte").get_data(as_text=True))
    assert 'data-status="withdrawn"' in card and "Status: Withdrawn" in _text(card)


def _need(author, categories, title="Jugendraum"):
    council = author.roles[0].council
    need = needs.create_need(
        author,
        council,
        title=title,
        description="Ein Raum fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_district(council, council.districts[0]),
    )
    db.session.commit()
    return need


def test_a_need_card_on_the_list_and_the_district_page(client, create_user, categories):
    mayor = create_user("mayor", council="23")
    need = _need(mayor, categories)
    comments.add_comment(create_user(), "need", need.id, "Ja, bitte!")
    db.session.commit()
    for url in ("/bedarfe/", "/ortsteile/23", "/karte"):
        (card,) = [c for c in _cards(client.get(url).get_data(as_text=True)) if "card-need" in c]
        assert f'href="/bedarfe/{need.id}"' in card and 'data-icon="child"' in card, url
        text = _text(card)
        assert "Kinder und Jugend" in text and "Status: Neu" in text, url
        assert "1 Kommentar" in text and "0 Unterstützungen" in text, url
        assert "Priorität: Hoch" in text, url


def test_the_district_page_shows_proposal_cards(client, proposal):
    page = client.get("/ortsteile/23").get_data(as_text=True)
    section = page[page.index('id="district-proposals-title"') :]
    (card,) = _cards(section[: section.index("</section>")])
    assert f'<h4 class="card-title"><a href="/vorschlaege/{proposal.id}">' in card
    assert "2 Unterstützungen" in _text(card)


def test_the_district_page_queries_do_not_grow(
    client, proposal_factory, create_user, categories, count_queries
):
    mayor = create_user("mayor", council="23")
    proposal_factory(create_user())
    _need(mayor, categories)
    client.get("/ortsteile/23")
    with count_queries() as few:
        client.get("/ortsteile/23")
    for n in range(8):
        made = proposal_factory(create_user(), title=f"Vorschlag {n}", supports=1)
        comments.add_comment(create_user(), "proposal", made.id, "Kommentar")
        _need(mayor, categories, title=f"Bedarf {n}")
    db.session.commit()
    with count_queries() as many:
        page = client.get("/ortsteile/23").get_data(as_text=True)
    assert len(_cards(page)) == 18
    assert many.count == few.count, "\n".join(s[:120] for s in many.statements)
