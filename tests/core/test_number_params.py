"""Every number in a URL, a query parameter or a form answers 404 or 400 with a message, or is
clamped — never 500 ("integer out of range" on PostgreSQL, ``int("²")``, ``int(" ")``).

The examples are those of the hardening issue; run on PostgreSQL too (``TEST_DATABASE_URL``),
where out-of-range numbers used to reach the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Office
from app.core.numbers import ID_MAX, IdConverter
from app.districts.models import Council
from app.extensions import db

TOO_BIG = 2**31  # one more than any INTEGER column holds
SUPERSCRIPT_TWO = "²"  # str.isdigit() accepts it, int() refuses it

# ``<int:…>`` left in the URL map, deliberately: the map tiles' z/x/y are no database ids.
INT_ALLOWED = {("core.tile", "z"), ("core.tile", "x"), ("core.tile", "y")}

NOT_FOUND_DE = "Seite nicht gefunden"


def _id_rules(app):
    for rule in app.url_map.iter_rules():
        ids = [a for a in rule.arguments if isinstance(rule._converters[a], IdConverter)]
        if ids:
            yield rule, ids


SENTINEL = 1234567  # built into the URL, then replaced by the value under test


def _paths(app, value):
    """``(rule, path)`` for every ``<id:…>`` route with ``value`` as its id; other parts are
    a content type ("proposal") or district number ("23")."""
    for rule, ids in _id_rules(app):
        values = {a: ("23" if a == "number" else "proposal") for a in rule.arguments}
        values.update(dict.fromkeys(ids, SENTINEL))
        path = rule.build(values, append_unknown=False)[1]
        assert path.count(str(SENTINEL)) == len(ids), path
        yield rule, path.replace(str(SENTINEL), str(value))


@pytest.fixture
def admin(create_user, login):
    user = create_user("admin")
    login(user)
    return user


def test_only_the_tiles_keep_int_converters(app):
    left = {
        (rule.endpoint, arg)
        for rule in app.url_map.iter_rules()
        for arg in rule.arguments
        if type(rule._converters[arg]).__name__ == "IntegerConverter"
    }
    assert left <= INT_ALLOWED, f"use <id:…> for database ids: {sorted(left - INT_ALLOWED)}"


def test_id_routes_are_all_there(app):
    """The issue counted 38 routes with an id in the URL: all of them use ``<id:…>``."""
    assert len(list(_id_rules(app))) >= 38


@pytest.mark.parametrize("value", [TOO_BIG, 99_999_999_999, "9" * 20, SUPERSCRIPT_TWO, "١٢", "0"])
def test_ids_no_row_can_have_are_404(client, admin, value):
    failures = []
    for rule, path in _paths(client.application, value):
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(path, method=method)
            body = response.get_data(as_text=True)
            if response.status_code != 404:
                failures.append(f"{method} {path} → {response.status_code}")
            elif path.startswith("/api/"):
                if response.get_json()["error"]["status"] != 404:
                    failures.append(f"{method} {path}: no JSON error")
            elif NOT_FOUND_DE not in body:
                failures.append(f"{method} {path}: no translated message")
    assert not failures, "\n".join(failures)


def test_the_issues_examples(client, admin):
    response = client.get(f"/vorschlaege/{TOO_BIG}")
    assert response.status_code == 404 and NOT_FOUND_DE in response.get_data(as_text=True)
    response = client.post(f"/api/v1/moderation/comment/{TOO_BIG}/hide", json={"reason": "spam"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_largest_id_reaches_the_database_without_error(client, admin):
    """2³¹−1 matches the converter: the route loads nothing and answers 404 (or refuses the
    request before loading), never a database error."""
    failures = []
    for rule, path in _paths(client.application, ID_MAX):
        for method in sorted(rule.methods & {"GET", "POST"}):
            status = client.open(path, method=method).status_code
            if status >= 500:
                failures.append(f"{method} {path} → {status}")
    assert not failures, "\n".join(failures)


# --- query parameters of the JSON API ------------------------------------------------------


def _api_error(response, status: int = 400) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["status"] == status
    return body["error"]["message"]


@pytest.mark.parametrize("url", ["/api/v1/proposals", "/api/v1/needs"])
@pytest.mark.parametrize("cursor", ["999999999999", str(TOO_BIG), SUPERSCRIPT_TWO, "0", "-5"])
def test_api_cursor(client, districts, url, cursor):
    message = _api_error(client.get(f"{url}?cursor={cursor}"))
    assert message == "Der Parameter „cursor“ muss eine ganze Zahl von 1 bis 2147483647 sein."


@pytest.mark.parametrize("url", ["/api/v1/proposals", "/api/v1/needs"])
def test_api_cursor_in_range(client, districts, url):
    assert client.get(f"{url}?cursor={ID_MAX}").status_code == 200


@pytest.mark.parametrize(
    "url,most",
    [
        ("/api/v1/proposals", 600),
        ("/api/v1/needs", 600),
        ("/api/v1/barriers", 2000),
        ("/api/v1/offers", 2000),
    ],
)
@pytest.mark.parametrize("limit", ["%C2%B2", "%D9%A1%D9%A2", "99999999999999999999", "%2B5"])
def test_api_limit(client, districts, url, most, limit):
    message = _api_error(client.get(f"{url}?limit={limit}"))
    assert message == f"Der Parameter „limit“ muss eine ganze Zahl von 1 bis {most} sein."


@pytest.mark.parametrize("url", ["/api/v1/indicators/sgb2_rate", "/api/v1/social-index"])
@pytest.mark.parametrize("year", ["%C2%B2", "99999999999", "20%C2%B2", "1899"])
def test_api_year(client, districts, url, year):
    message = _api_error(client.get(f"{url}?year={year}"))
    assert message == "Der Parameter „year“ muss eine Jahreszahl sein."


@pytest.mark.parametrize("district", ["%C2%B2", "999999999999", "-1"])
def test_api_moderation_queue_district(client, admin, district):
    message = _api_error(client.get(f"/api/v1/moderation/queue?district={district}"))
    assert "„district“" in message and "2147483647" in message


def test_api_moderation_queue_blank_district_is_absent(client, admin):
    assert client.get("/api/v1/moderation/queue?district=+").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/proposals", "/api/v1/barriers"])
def test_api_district_number(client, districts, url):
    message = _api_error(client.get(f"{url}?district=%D9%A1%D9%A2"))  # "١٢"
    assert message == "Der Parameter „district“ muss eine Ortsteil-Nummer sein."


# --- HTML pages ----------------------------------------------------------------------------


def test_map_page_cursor(client, districts):
    for cursor in ("999999999999", SUPERSCRIPT_TWO):
        response = client.get(f"/karte?cursor={cursor}")
        assert response.status_code == 400
        assert "Der Parameter „cursor“ muss eine ganze Zahl von 1 bis 2147483647 sein." in (
            response.get_data(as_text=True)
        )


@pytest.mark.parametrize("url", ["/bedarfe/", "/benachrichtigungen", "/admin/nutzer"])
@pytest.mark.parametrize("page", ["99999999999999999999", SUPERSCRIPT_TWO, "-1", "+"])
def test_page_numbers_beyond_any_page(client, admin, url, page):
    response = client.get(f"{url}?page={page}")
    assert response.status_code == 200


def test_audit_log_page_beyond_the_last_is_the_last(client, admin):
    response = client.get("/verwaltung/protokoll/?page=99999999999999999999")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/moderation/", "/verwaltung/protokoll/"])
def test_whitespace_district_filter_is_no_filter(client, admin, url):
    assert client.get(f"{url}?district=+").status_code == 200


@pytest.mark.parametrize("url", ["/moderation/", "/verwaltung/protokoll/"])
@pytest.mark.parametrize("district", [SUPERSCRIPT_TWO, "999999999999"])
def test_bad_district_filter_is_400_with_message(client, admin, url, district):
    response = client.get(f"{url}?district={district}")
    assert response.status_code == 400
    assert "Bitte wählen Sie einen Eintrag aus der Liste." in response.get_data(as_text=True)


# --- forms -------------------------------------------------------------------------------


@pytest.fixture
def person(create_user):
    return create_user()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"role": "mayor", "council": " ", "office": ""}, "den Ortsteilrat für diese Rolle"),
        ({"role": "planner", "council": "", "office": " "}, "das Amt für diese Rolle"),
        ({"role": "mayor", "council": SUPERSCRIPT_TWO}, "Eintrag aus der Liste"),
        ({"role": "planner", "office": str(TOO_BIG)}, "Eintrag aus der Liste"),
    ],
)
def test_grant_role_with_blank_or_bad_ids(client, admin, person, data, message):
    response = client.post(f"/admin/nutzer/{person.id}", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_grant_role_reads_ids_with_surrounding_spaces(client, admin, person):
    council = db.session.scalar(select(Council).where(Council.slug == "moskauer-platz"))
    office = db.session.scalar(select(Office).where(Office.slug == "social-planning"))
    assert (
        client.post(
            f"/admin/nutzer/{person.id}", data={"role": "mayor", "council": f" {council.id} "}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/admin/nutzer/{person.id}", data={"role": "planner", "office": str(office.id)}
        ).status_code
        == 302
    )


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, str(TOO_BIG), " "])
def test_revoke_role_with_bad_assignment_id(client, admin, person, value):
    assert (
        client.post(f"/admin/nutzer/{person.id}/entziehen", data={"assignment_id": value})
    ).status_code == 400


@pytest.mark.parametrize("parent", ["999999999999", SUPERSCRIPT_TWO, str(ID_MAX)])
def test_comment_parent_id(client, create_user, login, proposal_factory, parent):
    proposal = proposal_factory(create_user())
    login(create_user())
    response = client.post(
        f"/kommentare/proposal/{proposal.id}", data={"body": "Gute Idee", "parent_id": parent}
    )
    assert response.status_code == 400
    assert "Den Kommentar, auf den Sie antworten, gibt es nicht." in response.get_data(as_text=True)


def test_comment_blank_parent_id_is_a_new_thread(client, create_user, login, proposal_factory):
    proposal = proposal_factory(create_user())
    login(create_user())
    response = client.post(
        f"/kommentare/proposal/{proposal.id}", data={"body": "Gute Idee", "parent_id": " "}
    )
    assert response.status_code == 302


def _need_data(**changes) -> dict:
    data = {
        "title": "Treffpunkt für Jugendliche",
        "description": "Jugendliche haben abends keinen Ort.",
        "category": "children-youth",
        "priority": "high",
        "lat": "",
        "lon": "",
        "district": "23",
        "address": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("value", ["99999999999", SUPERSCRIPT_TWO, str(TOO_BIG)])
def test_need_form_proposal_ids(client, create_user, login, districts, value):
    login(create_user("mayor", council="23"))
    response = client.post("/bedarfe/neu", data=_need_data(proposals=[value]))
    assert response.status_code == 400
    assert "Bitte wählen Sie Vorschläge aus der Liste." in response.get_data(as_text=True)


def test_need_edit_form_proposal_ids(client, create_user, login, districts):
    login(create_user("mayor", council="23"))
    response = client.post("/bedarfe/neu", data=_need_data())
    assert response.status_code == 302
    edit = response.headers["Location"].rstrip("/") + "/bearbeiten"
    response = client.post(edit, data=_need_data(status="new", proposals=["99999999999"]))
    assert response.status_code == 400
    assert "Bitte wählen Sie Vorschläge aus der Liste." in response.get_data(as_text=True)


# --- council names ------------------------------------------------------------------------


def test_long_council_names_get_a_slug_that_fits(client, admin):
    width = Council.__table__.c.slug.type.length
    first = "Ortsteilrat " + "Süd" * 36  # 120 characters, slug of 150
    second = "Ortsteilrat " + "Süd" * 35 + "Ost"
    for name in (first, second):
        assert len(name) == 120
        response = client.post("/admin/ortsteilraete/neu", data={"name": name})
        assert response.status_code == 302, response.get_data(as_text=True)
    slugs = [
        db.session.scalar(select(Council.slug).where(Council.name == name))
        for name in (first, second)
    ]
    assert all(len(slug) <= width for slug in slugs)
    assert slugs[0] != slugs[1] and slugs[1].endswith("-2")
    response = client.post("/admin/ortsteilraete/neu", data={"name": first})
    assert response.status_code == 400
    assert "Es gibt bereits einen Ortsteilrat mit diesem Namen." in response.get_data(as_text=True)


@pytest.mark.parametrize("length", [61, 90, 120])
def test_council_names_up_to_the_name_column(client, admin, length):
    name = ("Neuer Rat " * 20)[:length].strip() + "x"
    response = client.post("/admin/ortsteilraete/neu", data={"name": name[:length]})
    assert response.status_code == 302, response.get_data(as_text=True)
