"""POST requests: the API key, validation against the specification and the service
definition, a proposal through the proposals service (moderation like any other, "via
<client>"), tokens that resolve once a moderator approves, nothing personal stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.moderation.models import PENDING_APPROVAL
from app.open311 import keys
from app.proposals.models import Proposal
from app.workflow.models import WorkItem

from .conftest import API


def _count() -> int:
    return db.session.scalar(select(func.count(Proposal.id)))


def test_a_request_becomes_a_public_proposal_via_the_client(client, post_request, api_key):
    response = post_request(**{"attribute[title]": "Schaukel am Spielplatz"})
    assert response.status_code == 200
    [created] = json.loads(response.get_data(as_text=True))
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    proposal = db.session.get(Proposal, int(created["service_request_id"]))
    assert proposal.title == "Schaukel am Spielplatz"
    assert proposal.description == "Der Spielplatz braucht eine Schaukel."
    assert proposal.category.slug == "green-play" and proposal.district.number == "23"
    assert proposal.author_id is None and proposal.submitted_via == "Stadtapp Erfurt"
    assert proposal.is_visible and proposal.place_from_map
    assert db.session.scalar(
        select(WorkItem.id).where(
            WorkItem.target_type == "proposal", WorkItem.target_id == proposal.id
        )
    )
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "über Stadtapp Erfurt" in page
    listed = client.get(f"{API}/requests/{proposal.id}.json").get_json()
    assert listed[0]["service_code"] == "green-play"
    assert api_key[0].last_used_at is not None


def test_title_comes_from_the_description_and_precision_district(post_request, districts):
    long_text = "Wir wünschen uns " + "sehr " * 40 + "viele Bänke."
    response = post_request(description=long_text, **{"attribute[place_precision]": "district"})
    [created] = response.get_json()
    proposal = db.session.get(Proposal, int(created["service_request_id"]))
    assert len(proposal.title) <= 120 and proposal.title.endswith("…")
    assert proposal.title.startswith("Wir wünschen uns sehr")
    assert not proposal.place_from_map
    assert (proposal.lat, proposal.lon) == (districts["23"].label_lat, districts["23"].label_lon)


def test_personal_details_are_checked_and_not_stored(post_request):
    response = post_request(
        email="anna.beispiel@example.org",
        first_name="Anna",
        last_name="Beispielfrau",
        phone="0361 123456",
        device_id="abc",
    )
    [created] = response.get_json()
    assert "nicht gespeichert" in created["service_notice"]
    proposal = db.session.get(Proposal, int(created["service_request_id"]))
    stored = json.dumps(
        [proposal.title, proposal.description, proposal.address, proposal.submitted_via]
        + [[e.before, e.after, e.reason] for e in db.session.scalars(select(AuditEntry))]
    )
    for detail in ("anna.beispiel", "Beispielfrau", "123456"):
        assert detail not in stored
    from app.accounts.models import User

    assert (
        db.session.scalar(select(User.id).where(User.email == "anna.beispiel@example.org")) is None
    )


def test_media_url_becomes_a_link_in_the_description(post_request):
    [created] = post_request(media_url="https://example.org/foto.jpg").get_json()
    proposal = db.session.get(Proposal, int(created["service_request_id"]))
    assert proposal.description.endswith("\n\nhttps://example.org/foto.jpg")
    assert proposal.photo is None


def test_pre_moderation_gives_a_token_that_resolves_after_approval(
    client, post_request, districts, create_user, login
):
    districts["23"].council.premoderation = True
    db.session.commit()
    response = post_request(ext="xml")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<service_request_id>" not in body
    token = body.split("<token>")[1].split("</token>")[0]
    assert len(token) >= 32
    proposal = db.session.scalar(select(Proposal).order_by(Proposal.id.desc()).limit(1))
    assert proposal.moderation_state == PENDING_APPROVAL
    pending = client.get(f"{API}/tokens/{token}.json").get_json()
    assert pending == [{"token": token}]
    assert client.get(f"{API}/requests/{proposal.id}.json").status_code == 404
    assert client.get(f"/vorschlaege/{proposal.id}").status_code == 404  # no author sees it
    # the district's mayor approves it in the moderation queue
    login(create_user("mayor", council="23"))
    approved = client.post(f"/moderation/proposal/{proposal.id}/freigeben", data={})
    assert approved.status_code == 302
    resolved = client.get(f"{API}/tokens/{token}.json").get_json()
    assert resolved == [{"service_request_id": str(proposal.id), "token": token}]
    xml = client.get(f"{API}/tokens/{token}.xml").get_data(as_text=True)
    assert f"<service_request_id>{proposal.id}</service_request_id>" in xml
    assert client.get(f"{API}/requests/{proposal.id}.json").status_code == 200


def _error(response, status: int) -> str:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    [error] = response.get_json()
    assert error["code"] == status
    return error["description"]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"api_key": None}, 403, "API-Schlüssel ist erforderlich"),
        ({"api_key": "falsch"}, 403, "ungültig"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "potholes"}, 404, "potholes"),
        ({"service_code": "council-need"}, 400, "nur lesbar"),
        ({"lat": None}, 400, "„lat“ und „long“"),
        ({"long": ""}, 400, "„lat“ und „long“"),
        ({"lat": "abc"}, 400, "Dezimalgrad"),
        ({"lat": "nan"}, 400, "Dezimalgrad"),
        ({"lat": "52.52", "long": "13.40"}, 400, "außerhalb der Erfurter Ortsteile"),
        ({"description": "x" * 4001}, 400, "4000"),
        ({"description": "Hallo <script>alert(1)</script>"}, 400, "ohne HTML"),
        ({"description": "Fett &amp; kursiv"}, 400, "ohne HTML"),
        ({"description": "", "attribute[title]": ""}, 400, "beschreiben"),
        ({"email": "keine-adresse"}, 400, "E-Mail-Adresse"),
        ({"first_name": "x" * 101}, 400, "first_name"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"attribute[colour]": "rot"}, 400, "colour"),
        ({"attribute[place_precision]": "ungefähr"}, 400, "exact, district"),
        ({"attribute[title]": "<b>Bank</b>"}, 400, "title"),
        ({"attribute[title]": "x" * 121}, 400, "120"),
        ({"jurisdiction_id": "berlin.de"}, 404, "berlin.de"),
    ],
)
def test_refusals_write_nothing(post_request, params, status, words):
    before = _count()
    description = _error(post_request(**params), status)
    assert words in description
    assert _count() == before


def test_errors_in_xml(post_request):
    response = post_request(ext="xml", api_key=None)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.get_data(as_text=True) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<errors><error><code>403</code>'
        "<description>Ein API-Schlüssel ist erforderlich (der Parameter „api_key“).</description>"
        "</error></errors>\n"
    )


def test_empty_or_own_jurisdiction_is_accepted(post_request):
    assert post_request(jurisdiction_id="").status_code == 200
    assert post_request(jurisdiction_id="erfurt.de").status_code == 200


def test_a_revoked_key_is_refused(post_request, api_key):
    keys.revoke(None, api_key[0])
    db.session.commit()
    assert "widerrufen" in _error(post_request(), 403)


def test_errors_in_english(client, english, post_request):
    assert (
        _error(post_request(api_key="wrong"), 403)
        == "The API key is not valid or has been revoked."
    )


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "OPEN311_RATELIMIT": "2 per minute"}

    def test_each_key_has_its_own_limit(self, post_request, app):
        codes = [post_request(service_code="potholes").status_code for _ in range(3)]
        assert codes == [404, 404, 429]
        limited = post_request(ext="xml")
        assert limited.status_code == 429
        assert limited.headers["Content-Type"] == "text/xml; charset=utf-8"
        assert "<code>429</code>" in limited.get_data(as_text=True)
        other, secret = keys.create_key(None, "Andere App")
        db.session.commit()
        assert post_request(api_key=secret).status_code == 200


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_only_the_api_post_is_exempt(self, post_request, client, create_user):
        assert post_request().status_code == 200
        admin = create_user("admin")
        page = client.get("/anmelden").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/anmelden",
            data={"email": admin.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert client.get("/admin/open311/").status_code == 200
        response = client.post("/admin/open311/", data={"name": "Ohne Token"})
        assert response.status_code == 400
        assert "Ohne Token" not in {k.name for k in keys.list_keys()}
