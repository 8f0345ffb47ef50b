"""Reporting a barrier, the report page, "this affects me too", the planner view."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.barriers.models import AffectedPerson, BarrierReport
from app.extensions import db

from .conftest import report_data


@pytest.fixture
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def citizen(create_user, login, districts):
    user = create_user()
    login(user)
    return user


def test_anonymous_and_unconfirmed_cannot_report(client, create_user, login, districts):
    response = client.get("/barrieren/melden")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    login(create_user(confirmed=False))
    assert client.get("/barrieren/melden").status_code == 403


def test_form_lists_offers_grouped_by_district_and_searches(client, citizen, offers):
    page = client.get("/barrieren/melden").get_data(as_text=True)
    assert "<optgroup" in page and "Bibliothek Testplatz" in page and "Jugendhaus Testweg" in page
    page = client.get("/barrieren/melden?q=jugend").get_data(as_text=True)
    assert "Jugendhaus Testweg" in page and "Bibliothek Testplatz" not in page
    page = client.get(f"/barrieren/melden?offer={offers[0].id}").get_data(as_text=True)
    assert f'<option selected value="{offers[0].id}">' in page
    assert "do not write names, addresses or health details" in page or "Namen" in page


def test_report_a_barrier(client, citizen, offers):
    response = client.post("/barrieren/melden", data=report_data(offers[0].id))
    assert response.status_code == 302
    report = db.session.scalar(select(BarrierReport))
    assert report.offer_id == offers[0].id and report.author_id == citizen.id
    assert report.barrier_types == ["transport", "escort"]
    assert report.district_from.number == "23"
    person = report.affected_people[0]
    assert person.is_reporter and person.user_id == citizen.id and person.age_group == "30_49"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bibliothek Testplatz" in page and "Der Bus fährt abends nicht." in page


def test_report_with_free_text_offer(client, citizen, districts, offer_types):
    data = report_data("", offer_text="Sprachkurs im Gemeindehaus")
    assert client.post("/barrieren/melden", data=data).status_code == 302
    report = db.session.scalar(select(BarrierReport))
    assert report.offer_id is None and report.offer_text == "Sprachkurs im Gemeindehaus"
    # On the map at the travelled-from district's label point.
    feature = client.get("/api/v1/barriers").get_json()["features"][0]
    district = report.district_from
    assert feature["geometry"]["coordinates"] == [
        pytest.approx(district.label_lon),
        pytest.approx(district.label_lat),
    ]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"offer": ""}, "Please choose the offer or describe it."),
        ({"offer": "99999"}, "Please choose an offer from the list."),
        ({"offer": "abc"}, "Please choose an offer from the list."),
        ({"offer": "", "offer_text": "x" * 201}, "Please use at most 200 characters."),
        ({"barrier_types": []}, "Please choose at least one barrier."),
        ({"barrier_types": ["teleport"]}, "Please choose barriers from the list."),
        ({"affected": ""}, "Please say who is affected."),
        ({"affected": "neighbour"}, "Please say who is affected."),
        ({"age_group": ""}, "Please choose an age group."),
        ({"age_group": "150"}, "Please choose an age group."),
        ({"participation_benefits": "maybe"}, "Please choose yes, no or not stated."),
        ({"district_from": ""}, "Please choose the district you travel from."),
        ({"district_from": "99"}, "Please choose the district you travel from."),
        ({"text": "x" * 2001}, "Please use at most 2,000 characters."),
        ({"visibility": "friends"}, "Please choose who may see the report."),
    ],
)
def test_report_form_errors_keep_input(client, citizen, offers, english, overrides, message):
    data = report_data(offers[0].id, **overrides)
    data.setdefault("offer_text", "")
    if "text" not in overrides:
        data["text"] = "Mein getippter Text bleibt"
    response = client.post("/barrieren/melden", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error-summary"' in page
    if "text" not in overrides:
        assert "Mein getippter Text bleibt" in page
    if "barrier_types" not in overrides:
        assert 'checked id="barrier_types-0"' in page or 'id="barrier_types-0" checked' in page
    assert db.session.scalar(select(BarrierReport)) is None


def test_private_report_is_404_for_others(client, create_user, login_as, offers, make_report):
    author = create_user()
    report = make_report(author, offers[0], visibility="administration")
    url = f"/barrieren/{report.id}"
    assert client.get(url).status_code == 404
    login_as(create_user())
    assert client.get(url).status_code == 404
    assert client.get(url + "/betrifft-mich").status_code == 404
    login_as(create_user("mayor", council="23"))
    assert client.get(url).status_code == 404
    login_as(author)
    assert client.get(url).status_code == 200
    login_as(create_user("planner"))
    assert client.get(url).status_code == 200
    assert client.get("/barrieren/123456").status_code == 404


def test_affects_me_too_add_edit_withdraw(
    client, create_user, login, login_as, offers, make_report, english
):
    author = create_user()
    report = make_report(author, offers[0], codes=("transport",))
    neighbour = create_user()
    login(neighbour)
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "This affects me too" in page
    url = f"/barrieren/{report.id}/betrifft-mich"
    bad = client.post(url, data={"barrier_types": [], "affected": "child", "age_group": "under_18"})
    assert bad.status_code == 400 and "Please choose at least one barrier." in bad.get_data(True)
    data = {
        "barrier_types": ["escort", "travel_cost"],
        "affected": "child",
        "age_group": "under_18",
        "participation_benefits": "yes",
    }
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    report = db.session.get(BarrierReport, report.id)
    assert report.affected_count == 2
    mine = db.session.scalar(select(AffectedPerson).where(AffectedPerson.user_id == neighbour.id))
    assert mine.barrier_types == ["travel_cost", "escort"] and mine.affected == "child"
    # Own details are shown to the person themself.
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "My child" in page and "under 18" in page
    # The edit form is prefilled; editing does not add a second entry.
    form = client.get(url).get_data(as_text=True)
    assert 'value="child" checked' in form or 'checked id="affected-1"' in form
    data["age_group"] = "18_29"
    assert client.post(url, data=data).status_code == 302
    assert (
        db.session.scalar(
            select(AffectedPerson.age_group).where(AffectedPerson.user_id == neighbour.id)
        )
        == "18_29"
    )
    db.session.expire_all()
    assert db.session.get(BarrierReport, report.id).affected_count == 2
    # The report's public barrier types stay the reporter's.
    assert db.session.get(BarrierReport, report.id).barrier_types == ["transport"]
    # Withdraw.
    assert client.post(url + "/zurueckziehen").status_code == 302
    db.session.expire_all()
    assert db.session.get(BarrierReport, report.id).affected_count == 1
    # The reporter can edit but not withdraw their own entry.
    login_as(author)
    assert client.post(url + "/zurueckziehen").status_code == 302
    db.session.expire_all()
    assert db.session.get(BarrierReport, report.id).affected_count == 1
    data["barrier_types"] = ["physical"]
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(BarrierReport, report.id).barrier_types == ["physical"]


def test_unconfirmed_cannot_add_affected(client, create_user, login, offers, make_report):
    report = make_report(create_user(), offers[0])
    login(create_user(confirmed=False))
    assert client.get(f"/barrieren/{report.id}/betrifft-mich").status_code == 403


def test_affected_count_shown_only_at_threshold(
    client, create_user, login, offers, make_report, english, app
):
    from app.barriers import services
    from tests.barriers.conftest import details

    report = make_report(create_user(), offers[0])
    for _ in range(3):
        services.set_affected(create_user(), report, details())
    db.session.commit()
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "fewer than 5" in page
    feature = client.get("/api/v1/barriers").get_json()["features"][0]
    assert feature["properties"]["affected"] is None
    services.set_affected(create_user(), report, details())
    db.session.commit()
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "<dd>5</dd>" in page
    assert client.get("/api/v1/barriers").get_json()["features"][0]["properties"]["affected"] == 5


def test_planner_sees_details_and_exports_csv(client, create_user, login, offers, make_report):
    make_report(create_user(), offers[0], affected="relative", age="80_plus", benefits="yes")
    make_report(create_user(), None, offer_text="=HYPERLINK(evil)", visibility="administration")
    login(create_user("planner"))
    page = client.get("/barrieren/verwaltung").get_data(as_text=True)
    assert "Angehörige" in page or "A relative" in page
    assert '<th scope="col">Meldung</th>' in page  # the noun, not the verb "Melden"
    response = client.get("/barrieren/verwaltung/export.csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert "80" in text and "'=HYPERLINK(evil)" in text
    assert text.lstrip("\ufeff").startswith("Meldung;")


@pytest.mark.parametrize("role", [None, "mayor", "council_member"])
def test_details_pages_refused(client, create_user, login, districts, role):
    login(create_user(role, council="23" if role else None))
    assert client.get("/barrieren/verwaltung").status_code == 403
    assert client.get("/barrieren/verwaltung/export.csv").status_code == 403


def test_report_list_and_planner_list_query_counts(
    client, create_user, login, offers, make_report, count_queries
):
    for _ in range(5):  # enough for summary cells, so both pages run all their queries
        make_report(create_user(), offers[0])
    login(create_user("planner"))
    client.get("/barrieren")
    with count_queries() as few_public:
        client.get("/barrieren")
    with count_queries() as few_manage:
        client.get("/barrieren/verwaltung")
    for i in range(8):
        make_report(create_user(), offers[i % 2], district=f"{i + 1:02d}", offer_text="")
    with count_queries() as many_public:
        client.get("/barrieren")
    with count_queries() as many_manage:
        client.get("/barrieren/verwaltung")
    assert many_public.count == few_public.count
    assert many_manage.count == few_manage.count


def test_own_reports_and_data_export(client, create_user, login, offers, make_report):
    from app.barriers import services

    from .conftest import details

    me, other = create_user(), create_user()
    mine = make_report(me, offers[0], visibility="administration", text="Meine Meldung")
    joined = make_report(other, offers[1])
    services.set_affected(me, joined, details(("escort",), affected="child"))
    make_report(other, offers[1], offer_text="")
    db.session.commit()
    assert {r.id for r in services.own_reports(me)} == {mine.id, joined.id}
    exported = services.export_own(me)
    assert [e["report_id"] for e in exported] == [mine.id, joined.id]
    assert exported[0]["text"] == "Meine Meldung" and exported[1]["text"] is None
    assert exported[1]["affected"] == "child"
    login(me)
    page = client.get("/barrieren").get_data(as_text=True)
    assert f"/barrieren/{mine.id}" in page and f"/barrieren/{joined.id}" in page


def test_planner_hides_and_shows_a_report_again(
    client, create_user, login, login_as, offers, make_report, english
):
    """Removing a report from public view is moderation now: hide with a reason (audited with
    the offer's district), show again; the barrier page links to the moderation page."""
    from app.core.audit import AuditEntry

    from .conftest import details

    author = create_user()
    report = make_report(author, offers[0], codes=("transport",))
    from app.barriers import services

    for _ in range(4):
        services.set_affected(create_user(), report, details(("transport",)))
    db.session.commit()
    url = f"/barrieren/{report.id}"
    moderation = f"/moderation/barrier_report/{report.id}"
    login(create_user("planner"))
    assert moderation in client.get(url).get_data(as_text=True)
    bad = client.post(moderation + "/verbergen", data={"reason": "", "note": "x"})
    assert bad.status_code == 400 and "Please choose a reason." in bad.get_data(as_text=True)
    bad = client.post(moderation + "/verbergen", data={"reason": "gone"})
    assert bad.status_code == 400
    bad = client.post(moderation + "/verbergen", data={"reason": "advertising", "note": "x" * 501})
    assert bad.status_code == 400 and "At most 500 characters" in bad.get_data(as_text=True)
    response = client.post(moderation + "/verbergen", data={"reason": "advertising"})
    assert response.status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("moderation.%")))
    assert entry.action == "moderation.hidden" and entry.reason == "advertising"
    assert entry.district_id == offers[0].district_id
    assert entry.before == {"state": "visible", "reason": None}
    # Gone from public view, the map and the aggregates.
    assert client.get("/api/v1/barriers").get_json()["features"] == []
    assert client.get("/api/v1/barriers/summary").get_json()["by_offer"] == []
    login_as(None)
    assert client.get(url).status_code == 404
    login_as(author)
    assert client.get(url).status_code == 200
    assert client.post(moderation + "/einblenden").status_code == 403
    login_as(create_user("admin"))
    assert client.post(moderation + "/einblenden").status_code == 302
    assert client.get("/api/v1/barriers/summary").get_json()["by_offer"][0]["cells"] == {
        "transport": 5
    }
    # The old remove/restore form is gone.
    assert client.post(url + "/status", data={"status": "removed", "reason": "x"}).status_code in (
        404,
        405,
    )


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"barrier_types": []}, "Please choose at least one barrier."),
        ({"barrier_types": ["x"]}, "Please choose barriers from the list."),
        ({"affected": ""}, "Please say who is affected."),
        ({"age_group": "0_1"}, "Please choose an age group."),
        ({"participation_benefits": "perhaps"}, "Please choose yes, no or not stated."),
    ],
)
def test_affected_form_errors_keep_input(
    client, create_user, login, offers, make_report, english, overrides, message
):
    report = make_report(create_user(), offers[0])
    login(create_user())
    data = {
        "barrier_types": ["escort"],
        "affected": "relative",
        "age_group": "65_79",
        "participation_benefits": "no",
        **overrides,
    }
    response = client.post(f"/barrieren/{report.id}/betrifft-mich", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    if "age_group" not in overrides:
        assert 'selected value="65_79"' in page
    db.session.expire_all()
    assert db.session.get(BarrierReport, report.id).affected_count == 1
