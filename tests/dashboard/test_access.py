"""Who sees which council's dashboard, export and print view; the council list."""

from __future__ import annotations

import pytest

from .conftest import URL

PAGES = ("", "export.csv", "export.xlsx", "export.geojson", "druckansicht")
EXPECTED = {
    "anonymous": 302,
    "citizen": 403,
    "mayor": 200,
    "member": 200,
    "other mayor": 403,
    "other member": 403,
    "planner": 200,
    "admin": 200,
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_dashboard_export_and_print_access(client, login, people, who):
    if people[who] is not None:
        login(people[who])
    for page in PAGES:
        response = client.get(URL + page)
        response.get_data()  # a streamed export runs to its end inside the request
        assert response.status_code == EXPECTED[who], (who, page)
        if who == "anonymous":
            assert "/anmelden" in response.headers["Location"]


def test_unknown_council_is_404(client, login, people):
    login(people["planner"])
    for page in PAGES:
        assert client.get(f"/ortsteilrat/gibt-es-nicht/{page}").status_code == 404


def test_index_redirects_a_member_of_one_council(client, login, people):
    login(people["member"])
    response = client.get("/ortsteilrat/")
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)


def test_index_lists_every_council_for_planners(client, login, people):
    login(people["planner"])
    page = client.get("/ortsteilrat/").get_data(as_text=True)
    assert URL in page and "/ortsteilrat/johannesplatz/" in page


def test_index_lists_own_councils_for_members_of_several(client, login, people, create_user):
    from app.accounts import services as accounts
    from tests.conftest import council_of

    person = people["member"]
    accounts.grant_role(None, person, "council_member", council_id=council_of("25").id)
    from app.extensions import db

    db.session.commit()
    login(person)
    response = client.get("/ortsteilrat/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert URL in page and "/ortsteilrat/johannesplatz/" in page
    assert "/ortsteilrat/herrenberg/" not in page


@pytest.mark.parametrize("who", ["citizen", "anonymous"])
def test_index_refuses_citizens(client, login, people, who):
    if people[who] is not None:
        login(people[who])
    assert client.get("/ortsteilrat/").status_code == (403 if people[who] else 302)
