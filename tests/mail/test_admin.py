"""The outbox admin page: counts by status, failed rows with their error, resend (audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.mail import services, worker
from app.mail.models import FAILED, QUEUED, MailOutbox


@pytest.fixture
def failed_row(create_user, proposal_factory, notify, smtp):
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    row = db.session.scalars(select(MailOutbox)).one()
    row.status, row.attempts, row.last_error = FAILED, 5, "421 4.7.0 Busy"
    db.session.commit()
    return row


def test_admin_sees_counts_and_failed_rows_and_resends(
    create_user, login, client, failed_row, smtp
):
    admin = create_user("admin")
    login(admin)
    page = client.get("/admin/e-mail").get_data(as_text=True)
    assert "Fehlgeschlagen" in page and "421 4.7.0 Busy" in page and failed_row.address in page
    response = client.post(f"/admin/e-mail/{failed_row.id}/erneut")
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(MailOutbox, failed_row.id)
    assert (row.status, row.attempts, row.last_error) == (QUEUED, 0, None)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.resent")).one()
    assert (entry.actor_id, entry.target_id) == (admin.id, row.id)
    assert entry.before["last_error"] == "421 4.7.0 Busy"
    assert worker.send_due()["sent"] == 1 and len(smtp.messages) == 1
    # only failed rows
    client.post(f"/admin/e-mail/{failed_row.id}/erneut")
    db.session.expire_all()
    assert db.session.get(MailOutbox, failed_row.id).status == "sent"


def test_no_resend_to_a_suppressed_address(create_user, login, client, failed_row):
    services.suppress_address(failed_row.user_id, "550")
    db.session.commit()
    login(create_user("admin"))
    client.post(f"/admin/e-mail/{failed_row.id}/erneut")
    db.session.expire_all()
    assert db.session.get(MailOutbox, failed_row.id).status == FAILED


@pytest.mark.parametrize("role", [None, "mayor", "planner"])
def test_others_may_not(create_user, login, client, failed_row, role):
    login(create_user(role, council="23" if role == "mayor" else None))
    assert client.get("/admin/e-mail").status_code == 403
    assert client.post(f"/admin/e-mail/{failed_row.id}/erneut").status_code == 403
    db.session.expire_all()
    assert db.session.get(MailOutbox, failed_row.id).status == FAILED


class TestCsrf:
    @pytest.fixture
    def app_overrides(self, app_overrides):
        return {**app_overrides, "WTF_CSRF_ENABLED": True}

    def test_resend_needs_the_csrf_token(self, create_user, client, failed_row):
        admin = create_user("admin")
        page = client.get("/anmelden").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/anmelden",
            data={"email": admin.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert client.post(f"/admin/e-mail/{failed_row.id}/erneut").status_code == 400
        db.session.expire_all()
        assert db.session.get(MailOutbox, failed_row.id).status == FAILED
