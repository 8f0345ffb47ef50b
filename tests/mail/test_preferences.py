"""The e-mail settings on the account page."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail import services
from app.mail.models import HELD, MailOutbox


def test_account_page_shows_and_saves_the_preferences(
    create_user, client, login, proposal_factory, notify
):
    person = create_user()
    login(person)
    page = client.get("/konto").get_data(as_text=True)
    assert "Benachrichtigungen per E-Mail" in page
    assert '<option selected value="immediately">Sofort</option>' in page  # own input
    assert '<label for="followed">Neues zu Beiträgen, denen ich folge</label>' in page
    response = client.post(
        "/konto/e-mail-benachrichtigungen",
        data={"own": "weekly", "followed": "never", "district": "daily", "moderation": "daily"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/konto#mail")
    db.session.expire_all()
    prefs = services.preferences_of(person)
    assert (prefs["own"], prefs["followed"], prefs["district"]) == ("weekly", "never", "daily")
    assert '<option selected value="weekly">' in client.get("/konto").get_data(as_text=True)

    notify(person, proposal_factory(person))  # own input: now weekly
    row = db.session.scalars(select(MailOutbox)).one()
    assert (row.status, row.frequency) == (HELD, "weekly")


def test_moderation_settings_only_for_council_members(create_user, client, login_as, districts):
    login_as(create_user())
    page = client.get("/konto").get_data(as_text=True)
    assert 'name="moderation"' not in page and 'name="staff"' not in page
    member = create_user("council_member", council="23")
    login_as(member)
    page = client.get("/konto").get_data(as_text=True)
    assert 'name="moderation"' in page and 'name="staff"' in page
    assert '<option value="immediately">' not in page.split('name="staff"')[1].split("</select>")[0]
    data = {"own": "immediately", "followed": "daily", "district": "daily"}
    data.update({"moderation": "immediately", "staff": "never"})
    assert client.post("/konto/e-mail-benachrichtigungen", data=data).status_code == 302
    db.session.expire_all()
    assert services.preferences_of(member)["staff"] == "never"
    data["staff"] = "daily"  # the overview is weekly or nothing
    assert client.post("/konto/e-mail-benachrichtigungen", data=data).status_code == 400


def test_english_account_page(create_user, client, login, english):
    login(create_user())
    page = client.get("/konto").get_data(as_text=True)
    assert "E-mail notifications" in page and "Weekly summary" in page


def test_unknown_frequency_is_refused(create_user, client, login):
    person = create_user()
    login(person)
    response = client.post("/konto/e-mail-benachrichtigungen", data={"own": "hourly"})
    assert response.status_code == 400
    db.session.expire_all()
    assert services.preferences_of(person)["own"] == "immediately"


def test_anonymous_cannot_change_preferences(client):
    response = client.post("/konto/e-mail-benachrichtigungen", data={"own": "never"})
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
