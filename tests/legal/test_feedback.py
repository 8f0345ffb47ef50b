"""The accessibility feedback form: bad input, CSRF, rate limit; the message is stored, mailed
to the city through the outbox and listed for admins."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.core.audit import AuditEntry
from app.extensions import db
from app.legal.models import AccessibilityFeedback
from app.mail import worker
from app.mail.models import MailOutbox

URL = "/barrierefreiheit/barriere-melden"
CITY = "barrierefrei@stadt.example"
GOOD = {
    "description": "Der Knopf „Weiter“ ist mit dem Bildschirmleser nicht zu finden.",
    "page_url": "/vorschlaege/neu",
    "name": "Erika Mustermann",
    "email": "erika@example.org",
}


@pytest.fixture
def app_overrides():
    return {"ACCESSIBILITY_FEEDBACK_EMAIL": CITY}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AccessibilityFeedback))


@pytest.fixture
def mail_to_smtp(app, smtp_controller):
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_controller.port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME=None,
    )


def test_anonymous_feedback_is_stored_and_mailed_to_the_city(client, mail_to_smtp, smtp):
    response = client.post(URL, data=GOOD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/danke")
    row = db.session.scalars(select(AccessibilityFeedback)).one()
    assert (row.description, row.page_url, row.name, row.email) == (
        GOOD["description"],
        "/vorschlaege/neu",
        "Erika Mustermann",
        "erika@example.org",
    )
    assert row.user_id is None and row.locale == "de"
    outbox = db.session.scalars(select(MailOutbox)).one()
    assert outbox.address == CITY and outbox.user_id is None
    assert outbox.payload == {"feedback_id": row.id}  # the text stays in one place

    assert worker.send_due()["sent"] == 1
    (message,) = smtp.messages
    assert message["To"] == CITY
    subject = f"Quartier: Rückmeldung zur Barrierefreiheit der Website (Nr. {row.id})"
    assert message["Subject"] == subject
    body = message.get_body(("plain",)).get_content()
    assert GOOD["description"] in body and "erika@example.org" in body
    assert "/admin/barrierefreiheit/rueckmeldungen" in body
    assert "List-Unsubscribe" not in message  # a service mail to the city, not a newsletter
    assert "Vielen Dank" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_name_and_email_are_optional(client):
    assert client.post(URL, data={"description": GOOD["description"]}).status_code == 302
    row = db.session.scalars(select(AccessibilityFeedback)).one()
    assert (row.name, row.email, row.page_url) == (None, None, None)


def test_a_logged_in_person_is_linked(client, create_user, login):
    person = create_user()
    login(person)
    client.post(URL, data={"description": GOOD["description"]})
    assert db.session.scalars(select(AccessibilityFeedback)).one().user_id == person.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "Bitte beschreiben Sie die Barriere."),
        ({"description": "   "}, "Bitte beschreiben Sie die Barriere."),
        ({"description": "kurz"}, "mit 10 bis 4.000 Zeichen"),
        ({"description": "x" * 4001}, "mit 10 bis 4.000 Zeichen"),
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"name": "N" * 121}, "höchstens 120 Zeichen"),
        ({"page_url": "/" + "p" * 500}, "höchstens 500 Zeichen"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_keeps_what_was_typed(client, change, message):
    data = {**GOOD, **change}
    response = client.post(URL, data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    assert 'class="error-summary"' in text and 'aria-invalid="true"' in text
    for name in ("name", "page_url"):
        if len(data[name]) < 100:
            assert re.search(rf'name="{name}"[^>]*value="{re.escape(data[name])}"', text), name
    if len(data["description"]) < 100 and data["description"].strip():
        assert data["description"] in text
    assert _count() == 0
    assert db.session.scalar(select(func.count()).select_from(MailOutbox)) == 0


def test_english_messages(client, english):
    text = client.post(URL, data={**GOOD, "description": ""}).get_data(as_text=True)
    assert "Please describe the barrier." in text


def test_no_mail_without_an_address_but_the_message_is_kept(client, app):
    app.config["ACCESSIBILITY_FEEDBACK_EMAIL"] = ""
    assert client.post(URL, data=GOOD).status_code == 302
    assert _count() == 1
    assert db.session.scalar(select(func.count()).select_from(MailOutbox)) == 0


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True, "ACCESSIBILITY_FEEDBACK_EMAIL": CITY}

    def test_post_without_token_is_refused(self, client):
        response = client.post(URL, data=GOOD)
        assert response.status_code == 400
        assert _count() == 0

    def test_post_with_token_works(self, client):
        page = client.get(URL).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post(URL, data={**GOOD, "csrf_token": token}).status_code == 302


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_FEEDBACK": "2 per minute"}

    def test_feedback_is_limited(self, client):
        codes = [client.post(URL, data=GOOD).status_code for _ in range(3)]
        assert codes == [302, 302, 429]
        assert client.get(URL).status_code == 200  # reading the form is not limited
        assert _count() == 2


class TestAdminList:
    @pytest.fixture
    def messages(self, client):
        for n in range(3):
            client.post(URL, data={**GOOD, "description": f"Barriere Nummer {n}, bitte prüfen."})
        return db.session.scalars(
            select(AccessibilityFeedback).order_by(AccessibilityFeedback.id)
        ).all()

    @pytest.mark.parametrize("role", [None, "citizen", "planner", "mayor"])
    def test_only_admins_read_it(self, client, create_user, login, role, messages):
        if role:
            login(
                create_user(
                    None if role == "citizen" else role, council="23" if role == "mayor" else None
                )
            )
        response = client.get("/admin/barrierefreiheit/rueckmeldungen")
        assert response.status_code in (302, 403)
        assert "Barriere Nummer" not in response.get_data(as_text=True)
        assert client.post(
            f"/admin/barrierefreiheit/rueckmeldungen/{messages[0].id}", data={"handled": "1"}
        ).status_code in (302, 403)
        db.session.refresh(messages[0])
        assert messages[0].handled_at is None

    def test_admin_reads_newest_first_and_marks_handled(self, client, create_user, login, messages):
        admin = create_user("admin")
        login(admin)
        text = client.get("/admin/barrierefreiheit/rueckmeldungen").get_data(as_text=True)
        positions = [text.index(f"Barriere Nummer {n}") for n in (2, 1, 0)]
        assert positions == sorted(positions)
        assert "erika@example.org" in text and CITY in text
        target = messages[1]
        response = client.post(
            f"/admin/barrierefreiheit/rueckmeldungen/{target.id}", data={"handled": "1"}
        )
        assert response.status_code == 302
        db.session.refresh(target)
        assert target.handled_at is not None and target.handled_by_id == admin.id
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "accessibility_feedback.handled")
        ).one()
        assert (entry.actor_id, entry.target_id) == (admin.id, target.id)
        open_only = client.get("/admin/barrierefreiheit/rueckmeldungen?offen=1").get_data(
            as_text=True
        )
        assert "Barriere Nummer 1" not in open_only and "Barriere Nummer 2" in open_only
        client.post(f"/admin/barrierefreiheit/rueckmeldungen/{target.id}", data={"handled": "0"})
        db.session.refresh(target)
        assert target.handled_at is None

    def test_unknown_message_is_404(self, client, create_user, login):
        login(create_user("admin"))
        assert (
            client.post(
                "/admin/barrierefreiheit/rueckmeldungen/999999", data={"handled": "1"}
            ).status_code
            == 404
        )

    def test_query_count_does_not_grow_with_the_messages(
        self, client, create_user, login, count_queries
    ):
        login(create_user("admin"))

        def queries() -> int:
            with count_queries() as counter:
                assert client.get("/admin/barrierefreiheit/rueckmeldungen").status_code == 200
            return counter.count

        for n in range(2):
            client.post(URL, data={**GOOD, "description": f"Erste Runde {n}, bitte prüfen."})
        few = queries()
        for n in range(15):
            client.post(URL, data={**GOOD, "description": f"Zweite Runde {n}, bitte prüfen."})
        assert queries() == few


def test_personal_data_export_and_account_deletion(client, create_user, login):
    person = create_user()
    login(person)
    client.post(URL, data=GOOD)
    exported = accounts.export_data(person)
    assert exported["accessibility_feedback"][0]["description"] == GOOD["description"]
    accounts.delete_account(person)
    db.session.commit()
    row = db.session.scalars(select(AccessibilityFeedback)).one()
    assert (row.user_id, row.name, row.email) == (None, None, None)
    assert row.description == GOOD["description"]  # the barrier itself stays to be fixed
