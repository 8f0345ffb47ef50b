"""The district page leads with its numbers at a glance: the social-index class and what it
means, key indicators against the city, the council with its mayor, the open needs and the
measures – in a constant number of queries."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Office
from app.districts.models import District
from app.extensions import db
from app.indicators import district_index
from app.indicators.demo import load_demo_data
from app.indicators.glance import MAX_KEY, MIN_KEY, district_glance, key_indicators
from app.measures import services as measures
from app.needs.models import Need
from tests.workflow.helpers import put_status

URL = "/ortsteile/23"  # Moskauer Platz: its own council


@pytest.fixture
def demo(districts):
    load_demo_data()
    db.session.commit()
    return districts


def _need(districts, categories, title, status="new"):
    district: District = districts["23"]
    need = Need(
        title=title,
        description="Ein Raum am Abend fehlt.",
        category_id=categories["children-youth"].id,
        priority="high",
        council_id=district.council_id,
        district_id=district.id,
        lat=district.label_lat,
        lon=district.label_lon,
        address="",
        place_from_map=False,
        author_role="mayor",
        moderation_state="visible",
    )
    db.session.add(need)
    db.session.flush()
    put_status("need", need, status)
    db.session.commit()
    return need


def _measure(districts, planner, title):
    office = db.session.scalar(db.select(Office).where(Office.slug == "social-planning"))
    measure = measures.save_measure(
        planner,
        None,
        measures.MeasureData(
            title=title,
            status_key="planned",
            description_de="Ein neuer Spielplatz.",
            office_ids=[office.id],
            district_ids=[districts["23"].id],
        ),
    )
    db.session.commit()
    return measure


def _glance(page: str) -> str:
    start = page.index('id="glance-title"')
    return page[start : page.index('id="people-title"')]


def test_the_page_leads_with_the_index_class_and_key_figures(client, demo):
    area = district_index.social_index(district_index.active_definition()).by_number["23"]
    page = client.get(URL).get_data(as_text=True)
    assert page.index('id="glance-title"') < page.index('id="map-title"')
    glance = _glance(page)
    assert "Auf einen Blick" in glance
    assert f"Status-Klasse {area.status_class} von 4" in glance
    meaning = {
        1: "Hier leben weniger Menschen",
        2: "etwa so wie im Durchschnitt",
        3: "Hier leben mehr Menschen",
        4: "Hier leben viel mehr Menschen",
    }[area.status_class]
    assert meaning in glance
    figures = re.findall(r'<li class="glance-figure">(.*?)</li>', glance, re.S)
    assert MIN_KEY <= len(figures) <= MAX_KEY
    for figure in figures:
        assert re.search(r"\(20\d\d\)", figure)  # the year
        assert "Ganze Stadt:" in figure  # the city value beside the district's
        assert re.search(r"(höher als|niedriger als|etwa so wie) in der ganzen Stadt", figure)
        assert "<svg" in figure and 'aria-hidden="true"' in figure  # the bar is decoration


def test_key_figures_compare_with_the_city_average(app, demo):
    glance = district_glance(demo["23"])
    assert glance.status_class is not None and glance.meaning
    for figure in glance.figures:
        assert figure.city is not None
        if figure.value > figure.city * 1.05:
            assert figure.comparison == "above" and figure.bar == 100 and figure.city_bar < 100
        elif figure.value < figure.city * 0.95:
            assert figure.comparison == "below" and figure.city_bar == 100 and figure.bar < 100
        else:
            assert figure.comparison == "same"


def test_key_indicators_are_the_index_ones_filled_up(app, demo):
    from app.indicators.catalogue import POPULATION_CODE, list_indicators

    indicators = list_indicators()
    codes = [i.code for i in indicators if i.code != POPULATION_CODE]
    assert [i.code for i in key_indicators(indicators, codes[:1])] == codes[:MIN_KEY]
    assert [i.code for i in key_indicators(indicators, codes)] == codes[:MAX_KEY]
    assert POPULATION_CODE not in [i.code for i in key_indicators(indicators, [POPULATION_CODE])]


def test_without_figures_the_page_says_so(client, districts):
    glance = _glance(client.get(URL).get_data(as_text=True))
    assert "Für diesen Ortsteil gibt es keinen Sozialindex." in glance
    assert "glance-figure" not in glance


def test_council_mayor_open_needs_and_measures(client, districts, categories, create_user):
    create_user("mayor", council="23", name="Erika Muster")
    planner = create_user("planner", office="social-planning")
    _need(districts, categories, "Treffpunkt für Jugendliche")
    _need(districts, categories, "Bank am Teich", status="done")
    _measure(districts, planner, "Spielplatz in der Gera-Aue")
    glance = _glance(client.get(URL).get_data(as_text=True))
    assert "Ortsteilrat Moskauer Platz" in glance
    assert "Erika Muster" in glance
    needs = glance[glance.index('id="glance-needs-title"') :]
    assert "Offene Bedarfe (1)" in needs
    assert "Treffpunkt für Jugendliche" in needs and "Bank am Teich" not in needs
    assert "Spielplatz in der Gera-Aue" in glance
    assert 'href="/bedarfe/?district=23"' in glance


def test_a_district_without_a_council_says_who_speaks_for_it(client, districts):
    number = next(n for n, d in sorted(districts.items()) if d.council_id is None)
    glance = _glance_or_all(client.get(f"/ortsteile/{number}").get_data(as_text=True))
    assert "keinen eigenen Ortsteilrat" in glance


def _glance_or_all(page: str) -> str:
    start = page.index('id="glance-title"')
    return page[start : page.index('id="map-title"')]


def test_the_dashboard_link_only_for_who_may_see_it(client, login, districts, create_user):
    assert "/ortsteilrat/moskauer-platz/" not in _glance(client.get(URL).get_data(as_text=True))
    login(create_user("council_member", council="23"))
    assert "/ortsteilrat/moskauer-platz/" in _glance(client.get(URL).get_data(as_text=True))


def test_english(client, demo, english):
    glance = _glance(client.get(URL).get_data(as_text=True))
    assert "At a glance" in glance and "Whole city:" in glance and "Status class" in glance


def test_query_count_is_constant(client, demo, categories, create_user, count_queries):
    planner = create_user("planner", office="social-planning")
    create_user("mayor", council="23")
    _need(demo, categories, "Erster Bedarf")
    _measure(demo, planner, "Erste Maßnahme")  # a list with rows loads its offices once
    client.get(URL)
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    for n in range(4):
        _need(demo, categories, f"Bedarf {n}")
        _need(demo, categories, f"Erledigt {n}", status="done")
        _measure(demo, planner, f"Maßnahme {n}")
    create_user("council_member", council="23")
    with count_queries() as many:
        page = client.get(URL).get_data(as_text=True)
    assert "Bedarf 3" in page and "Maßnahme 3" in page
    assert many.count == few.count
