"""The inbox's filter "linked to a measure": ``measure=yes|no`` or ``measure=<id>``, and
the search field ``linked_measure`` (a measure's number or words of its title, with
suggestions from ``/verwaltung/eingang/massnahmen?q=``),
registered by the back office (the measures sit below it); combined with the others, kept in
the form and the export links, applied to the export; bad values show a message (400); the
page's queries stay constant."""

from __future__ import annotations

import csv
import io

import pytest

from app.extensions import db
from app.measures import services as measures
from app.measures.services import MeasureData

from .conftest import INBOX, key, listed


@pytest.fixture
def make_measure(people, districts, offices):
    def make(title: str):
        measure = measures.save_measure(
            people["planner"],
            None,
            MeasureData(
                title=title,
                status_key="planned",
                description_de="Eine Maßnahme.",
                office_ids=[offices["social-planning"].id],
                district_ids=[districts["23"].id],
            ),
        )
        db.session.commit()
        return measure

    return make


@pytest.fixture
def scene(people, make_proposal, make_need, make_report, make_measure):
    """Two measures; a proposal and a need linked to the first, a proposal to the second,
    a proposal and a barrier report linked to none."""
    first, second = make_measure("Spielplatz Gera-Aue"), make_measure("Radweg Nord")
    planner = people["planner"]
    linked, _ = make_proposal()
    need, _ = make_need()
    other, _ = make_proposal()
    plain, _ = make_proposal()
    report, _ = make_report()
    measures.link_input(planner, first, "proposal", linked.id)
    measures.link_input(planner, first, "need", need.id)
    measures.link_input(planner, second, "proposal", other.id)
    db.session.commit()
    return {
        "first": first,
        "second": second,
        "first_inputs": {key("proposal", linked), key("need", need)},
        "second_inputs": {key("proposal", other)},
        "unlinked": {key("proposal", plain), key("barrier_report", report)},
    }


def test_linked_to_a_measure_or_not(client, login_as, people, scene):
    login_as(people["planner"])
    yes = set(listed(client.get(INBOX, query_string={"measure": "yes"})))
    no = set(listed(client.get(INBOX, query_string={"measure": "no"})))
    assert yes == scene["first_inputs"] | scene["second_inputs"]
    assert no == scene["unlinked"]


def test_linked_to_one_measure(client, login_as, people, scene):
    login_as(people["planner"])
    first_id = str(scene["first"].id)
    response = client.get(INBOX, query_string={"measure": first_id})
    assert response.status_code == 200
    assert set(listed(response)) == scene["first_inputs"]
    html = response.get_data(as_text=True)
    # the form keeps the choice in the search field; the measures are not listed
    assert f'name="linked_measure" value="{first_id}"' in html
    assert "Radweg Nord" not in html
    # the export links carry the filter
    assert f"export.csv?measure={first_id}" in html
    second = client.get(INBOX, query_string={"measure": str(scene["second"].id)})
    assert set(listed(second)) == scene["second_inputs"]


def test_combined_with_other_filters(client, login_as, people, scene):
    login_as(people["planner"])
    found = set(listed(client.get(INBOX, query_string={"measure": "yes", "type": "need"})))
    assert found == {k for k in scene["first_inputs"] if k.startswith("need-")}


def test_the_export_applies_the_filter(client, login_as, people, scene):
    login_as(people["planner"])
    response = client.get(INBOX + "export.csv", query_string={"measure": "yes"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    exported = {f"{row[1]}-{row[0]}" for row in rows[1:]}
    assert exported == scene["first_inputs"] | scene["second_inputs"]


@pytest.mark.parametrize("value", ["maybe", "0", "-3", "12abc", "²", "999999999", "99999"])
def test_bad_values_show_a_message(client, login_as, people, scene, value):
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"measure": value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="filter-message"' in html
    # German by default
    assert "braucht „yes“, „no“ oder die Nummer einer vorhandenen Maßnahme" in html
    # shown without filters
    everything = scene["first_inputs"] | scene["second_inputs"] | scene["unlinked"]
    assert set(listed(response)) == everything
    export = client.get(INBOX + "export.csv", query_string={"measure": value})
    assert export.status_code == 400


@pytest.mark.parametrize("value", ["yes", "no", "first"])
def test_page_queries_are_constant(
    client, login_as, people, make_proposal, make_measure, count_queries, value
):
    planner = people["planner"]
    measure = make_measure("Bänke am Teich")
    arg = str(measure.id) if value == "first" else value
    login_as(planner)

    def add(n: int) -> None:
        for _ in range(n):
            proposal, _item = make_proposal()
            if value != "no":
                measures.link_input(planner, measure, "proposal", proposal.id)
        db.session.commit()

    add(2)
    client.get(INBOX, query_string={"measure": arg})  # warm caches
    with count_queries() as few:
        assert len(listed(client.get(INBOX, query_string={"measure": arg}))) == 2
    add(8)
    with count_queries() as many:
        assert len(listed(client.get(INBOX, query_string={"measure": arg}))) == 10
    assert many.count == few.count


@pytest.mark.parametrize("typed", ["first-id", "gera-aue", "Spielplatz Gera-Aue", " gera "])
def test_the_search_field_finds_a_measure_by_number_or_title(
    client, login_as, people, scene, typed
):
    login_as(people["planner"])
    value = str(scene["first"].id) if typed == "first-id" else typed
    response = client.get(INBOX, query_string={"linked_measure": value})
    assert response.status_code == 200
    assert set(listed(response)) == scene["first_inputs"]
    html = response.get_data(as_text=True)
    assert 'id="filter-message"' not in html
    # the form keeps what was typed; the export links carry it
    assert 'name="linked_measure" value="' in html and "export.csv?linked_measure=" in html


def test_several_or_no_matching_measures_show_a_clear_message(
    client, login_as, people, scene, make_measure
):
    make_measure("Radweg Süd")
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"linked_measure": "Radweg"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mehrere Maßnahmen passen zu „Radweg“" in html
    assert f"Radweg Nord ({scene['second'].id})" in html
    everything = scene["first_inputs"] | scene["second_inputs"] | scene["unlinked"]
    assert set(listed(response)) == everything
    for missing in ("Schwimmbad", "999999", "0"):
        response = client.get(INBOX, query_string={"linked_measure": missing})
        assert response.status_code == 400
        assert f"Keine Maßnahme hat „{missing}“ als Nummer oder im Titel." in response.get_data(
            as_text=True
        )
    # the exact title wins over longer ones that contain it
    found = client.get(INBOX, query_string={"linked_measure": "radweg nord"})
    assert set(listed(found)) == scene["second_inputs"]


def test_english_message(client, login_as, people, scene, english):
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"linked_measure": "Schwimmbad"})
    assert "No measure has “Schwimmbad” as its number or in its title." in response.get_data(
        as_text=True
    )


def test_suggestions_by_number_or_title(client, login_as, people, scene):
    login_as(people["planner"])
    found = client.get(INBOX + "massnahmen", query_string={"q": "rad"}).get_json()
    assert found == {"measures": [{"id": scene["second"].id, "title": "Radweg Nord"}]}
    by_id = client.get(INBOX + "massnahmen", query_string={"q": str(scene["first"].id)})
    assert by_id.get_json()["measures"] == [
        {"id": scene["first"].id, "title": "Spielplatz Gera-Aue"}
    ]
    assert client.get(INBOX + "massnahmen", query_string={"q": "%"}).get_json() == {"measures": []}


def test_suggestions_only_for_who_sees_the_inbox(client, login_as, people, scene):
    login_as(people["citizen"])
    assert client.get(INBOX + "massnahmen", query_string={"q": "rad"}).status_code == 403
