"""Privacy: no personal detail and no aggregate cell below the threshold leaks through any
page, export or API, for anonymous visitors, citizens, council members and mayors.

Runs on SQLite and on PostgreSQL (``TEST_DATABASE_URL``).
"""

from __future__ import annotations

import io
import itertools
import re

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from app.accounts.models import User
from app.barriers import services
from app.core.exports import XLSX_MIMETYPE
from app.extensions import db
from app.needs import services as need_services
from app.opendata import registry as opendata_registry

from .conftest import details

PRIVATE_TEXT = "GEHEIMER-TEXT-Q7X"
# People whose names and addresses must not leave Quartier through Open311 (/open311/).
AUTHOR_NAME, AUTHOR_EMAIL = "Erika Vorschlagende", "erika.vorschlag@example.org"
MEMBER_NAME, MEMBER_EMAIL = "Otto Ortsteilrat", "otto.ortsteil@example.org"
PEOPLE = (AUTHOR_NAME, AUTHOR_EMAIL, MEMBER_NAME, MEMBER_EMAIL)
FORMATS = ("xml", "json")
PRIVATE_OFFER_TEXT = "VERBORGENES-ANGEBOT-Z3K"
SKIP_ENDPOINTS = {"static", "leaflet.static", "core.tile", "accounts.logout"}


@pytest.fixture
def scene(districts, offers, create_user):
    """Threshold 5. Offer 0 × transport = 5 people (shown); offer 0 × physical = 1 and
    offer 1 × offer_cost = 3 (suppressed). The affected people are clients aged 80+ with
    participation benefits – the distinctive details that must never show."""
    secret = {"affected": "client", "age": "80_plus", "benefits": "yes"}
    people = [create_user() for _ in range(8)]
    public = services.create_report(
        people[0],
        offer=offers[0],
        offer_text="",
        district_from=districts["23"],
        text="Öffentlicher Text",
        visibility="public",
        details=details(("transport", "physical"), **secret),
    )
    for person in people[1:5]:
        services.set_affected(person, public, details(("transport",), **secret))
    private = services.create_report(
        people[5],
        offer=None,
        offer_text=PRIVATE_OFFER_TEXT,
        district_from=districts["25"],
        text=PRIVATE_TEXT,
        visibility="administration",
        details=details(("offer_cost",), **secret),
    )
    small = services.create_report(
        people[6],
        offer=offers[1],
        offer_text="",
        district_from=districts["25"],
        text="Kleiner Bericht",
        visibility="public",
        details=details(("offer_cost",), **secret),
    )
    services.set_affected(people[7], small, details(("offer_cost",), **secret))
    services.set_affected(people[5], small, details(("offer_cost",), **secret))
    db.session.commit()
    return {"public": public, "private": private, "small": small}


@pytest.fixture
def authored(districts, categories, create_user, proposal_factory) -> dict:
    """A public proposal and a council need by people with distinctive names and e-mail
    addresses (the Open311 interface shows both kinds of input, never their authors)."""
    author = create_user(name=AUTHOR_NAME, email=AUTHOR_EMAIL)
    proposal = proposal_factory(author, title="Bank am Teich", category="green-play")
    council = districts["23"].council
    member = create_user("council_member", council="23", name=MEMBER_NAME, email=MEMBER_EMAIL)
    need = need_services.create_need(
        member,
        council,
        title="Jugendraum",
        description="Abends fehlt ein Raum.",
        category=categories["children-youth"],
        priority="high",
        place=need_services.place_from_district(council, districts["23"]),
        linked_proposal_ids=(),
    )
    db.session.commit()
    return {"proposal": proposal, "need": need}


def people_in_scene(scene) -> list:
    """The people who reported or joined the scene's reports."""
    ids = {person.user_id for report in scene.values() for person in report.affected_people}
    return list(db.session.scalars(db.select(User).where(User.id.in_(ids))))


def _markers(app) -> list[str]:
    """The distinctive personal details in both languages, as labels and as codes."""
    found = ["80_plus", '"client"', "participation_benefits", "age_group"]
    for lang in ("de", "en"):
        with app.test_request_context(), force_locale(lang):
            found.append(str(services.AFFECTED_LABELS["client"]))
            found.append(str(services.AGE_LABELS["80_plus"]))
    return found


@pytest.fixture
def shared(scene, create_user) -> dict:
    """A location scenario over the scene's barrier type, shared with the board: its share
    page is public and must obey the privacy minimum like every other page."""
    from app.locations import services as locations

    planner = create_user("planner")
    scenario = locations.save_scenario(
        planner,
        None,
        locations.ScenarioData(
            title="Nächster Standort",
            criteria=[
                locations.CriterionRow("barriers", {"barrier_type": "offer_cost"}, 0, 1),
                locations.CriterionRow("barriers", {}, 0, 1),
            ],
        ),
    )
    _share, token = locations.create_share(planner, scenario, days=7)
    db.session.commit()
    return {"scenario": scenario.id, "token": token}


def _values(scene, districts, offers, authored, shared=None) -> dict[str, list]:
    """A value for every URL argument of a GET route: the scene's reports, offers, districts
    and councils, and ids that may or may not exist (the crawl only reads)."""
    reports = [r.id for r in scene.values()]
    return {
        "report_id": reports,
        "number": ["23", "25", "01"],
        "offer_id": [offer.id for offer in offers],
        "slug": [districts[n].council.slug for n in ("23", "25")],
        "target_type": ["barrier_report"],
        "type_name": ["barrier_report"],
        "fmt": ["csv", "xlsx", "geojson"],
        "target_id": reports,
        "code": ["population"],
        "batch_id": [1],
        "user_id": [1],
        "comment_id": [1],
        "proposal_id": [1],
        "need_id": [1],
        "measure_id": [1],
        "response_id": [1],
        "token": ["not-a-token", *([shared["token"]] if shared else [])],
        "scenario_id": [shared["scenario"] if shared else 1],
        "status_id": [1],
        "type_id": [1],
        "rule_id": [1],
        "filename": ["dgs.mp4"],
        "ext": list(FORMATS),
        "service_code": ["education", "council-need"],
        "service_request_id": [
            str(authored["proposal"].id),
            f"need-{authored['need'].id}",
            *(str(r) for r in reports),
        ],
        "key": [dataset.key for dataset in opendata_registry.datasets()],
        "extension": ["jsonld", "ttl", "rdf"],
        "template_id": [1],
        "tag_id": [1],
    }


def _urls(app, values: dict[str, list]) -> list[str]:
    """Every GET route (but static files, tiles and logout) with every combination of values;
    a route with an argument the crawl cannot fill fails the test, so new routes are crawled."""
    urls = set()
    unfilled = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments)
        missing = [name for name in names if name not in values]
        if missing:
            unfilled.append(f"{rule.rule} ({', '.join(missing)})")
            continue
        for combination in itertools.product(*(values[name] for name in names)):
            urls.add(
                rule.build(dict(zip(names, combination, strict=True)), append_unknown=False)[1]
            )
    assert not unfilled, "the privacy crawl has no value for: " + "; ".join(unfilled)
    urls.add("/api/v1/barriers?limit=2000")
    return sorted(urls)


def _text(response) -> str:
    """The text a person sees in the response; for an XLSX download its cells."""
    if response.mimetype != XLSX_MIMETYPE:
        return response.get_data(as_text=True)
    sheets = load_workbook(io.BytesIO(response.get_data())).worksheets
    return "\n".join(
        str(value) for sheet in sheets for row in sheet.iter_rows(values_only=True) for value in row
    )


def _is_form(url: str) -> bool:
    return url.endswith(("/betrifft-mich", "/melden"))


@pytest.fixture
def viewers(create_user):
    return {
        "anonymous": None,
        "citizen": create_user(),
        "another citizen": create_user(),
        "council member": create_user("council_member", council="25"),
        "mayor": create_user("mayor", council="23"),
    }


@pytest.mark.parametrize(
    "who", ["anonymous", "citizen", "another citizen", "council member", "mayor"]
)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_nothing_personal_and_no_small_cell_leaks(
    app, client, scene, viewers, login, who, lang, districts, offers, authored, shared
):
    app.config["BABEL_DEFAULT_LOCALE"] = lang
    if viewers[who] is not None:
        login(viewers[who])
    markers = _markers(app)
    urls = _urls(app, _values(scene, districts, offers, authored, shared))
    assert f"/standorte/{shared['token']}" in urls
    open311 = [url for url in urls if url.startswith("/open311/")]
    assert f"/open311/v2/requests/need-{authored['need'].id}.xml" in open311
    report_ids = ",".join(str(r.id) for r in scene.values())
    urls += [f"/open311/v2/requests.{ext}?service_request_id={report_ids}" for ext in FORMATS]
    assert f"/barrieren/{scene['private'].id}" in urls and "/api/v1/barriers/summary" in urls
    council_25 = districts["25"].council.slug
    # the council dashboard of the private report
    for page in ("", "export.csv", "export.xlsx", "export.geojson", "druckansicht"):
        assert f"/ortsteilrat/{council_25}/{page}" in urls
    # the open data: every download and the catalogue
    for key in ("vorschlaege", "barrieren", "ortsteile"):
        for fmt in ("csv", "xlsx"):
            assert f"/daten/{key}.{fmt}" in urls
    assert "/daten/catalog.jsonld" in urls and "/daten/vorschlaege.geojson" in urls
    names = [person.display_name for person in people_in_scene(scene)]
    assert len(names) == 8
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        body = _text(response)
        if url == f"/barrieren/{scene['private'].id}":
            assert response.status_code == 404
        if url == f"/barrieren/{scene['public'].id}":
            assert "Öffentlicher Text" in body  # the crawl really sees the public part
        if url == f"/standorte/{shared['token']}":
            assert response.status_code == 200, url  # the board's page is really crawled
            assert "Nächster Standort" in body
        assert PRIVATE_TEXT not in body, url
        assert PRIVATE_OFFER_TEXT not in body, url
        if url.startswith("/open311/"):
            assert response.status_code in (200, 404), url
            for detail in (*PEOPLE, "Öffentlicher Text"):
                assert detail not in body, f"{detail!r} on {url} for {who}"
            if url == "/open311/v2/requests.json":
                assert "Bank am Teich" in body and "Jugendraum" in body  # it sees the inputs
        if _is_form(url):
            # Forms list every option; none of another person's choices is pre-selected.
            assert '80_plus" selected' not in body and 'value="client" checked' not in body
            continue
        for marker in markers:
            assert marker not in body, f"{marker!r} on {url} for {who}"
        if url.startswith("/daten/"):  # open data: no name, no e-mail address at all
            for name in names:
                assert name not in body, f"{name!r} in {url}"
            assert "@example.org" not in body, url
        checked += 1
    assert checked > 10

    summary = client.get("/api/v1/barriers/summary").get_json()
    cells = [
        n
        for table in ("by_offer", "by_district")
        for row in summary[table]
        for n in row["cells"].values()
    ]
    assert cells and min(cells) >= 5
    assert summary["by_offer"][0]["cells"] == {"transport": 5}
    for table in ("by_offer", "by_district"):
        for row in summary[table]:
            assert row["sum_of_shown_cells"] == sum(row["cells"].values())
    # The summary page shows no number below the threshold in its tables.
    page = client.get("/barrieren").get_data(as_text=True)
    tables = "".join(re.findall(r"<table class=\"table summary-table\">.*?</table>", page, re.S))
    numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", tables)]
    assert numbers and min(numbers) >= 5
    # The map list: the small report's count (3) is hidden.
    for feature in client.get("/api/v1/barriers").get_json()["features"]:
        assert feature["properties"]["affected"] is None or feature["properties"]["affected"] >= 5
    # Exports with details are closed to these viewers.
    assert client.get("/barrieren/verwaltung/export.csv").status_code in (302, 403)


def test_the_person_themself_and_planners_see_details(app, client, scene, create_user, login):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    reporter_id = scene["private"].author_id
    login(db.session.get(User, reporter_id))
    page = client.get(f"/barrieren/{scene['private'].id}").get_data(as_text=True)
    assert PRIVATE_TEXT in page and "80 or older" in page


def test_planner_export_has_details(app, client, scene, create_user, login):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    login(create_user("planner"))
    text = client.get("/barrieren/verwaltung/export.csv").get_data(as_text=True)
    assert PRIVATE_TEXT in text and "80 or older" in text and "A client I support" in text
