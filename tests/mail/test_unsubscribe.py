"""RFC 8058 one-click unsubscribe: GET shows a button and changes nothing; POST works without
login and without a CSRF token, is idempotent, and only acts on a valid signed token."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from app.extensions import db
from app.mail import services, worker


@pytest.fixture
def app_overrides(app_overrides):
    return {**app_overrides, "WTF_CSRF_ENABLED": True}  # the real protection is on


def _unsubscribe_path(message) -> str:
    https = message["List-Unsubscribe"].split(",")[0].strip()[1:-1]
    assert https.startswith("http://localhost/mail/abbestellen/")
    return https.removeprefix("http://localhost")


@pytest.fixture
def mailed(create_user, proposal_factory, notify, smtp):
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    worker.send_due()
    [message] = smtp.messages
    return author, _unsubscribe_path(message)


def test_get_shows_a_button_and_changes_nothing(client, mailed):
    author, path = mailed
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'action="{path}"' in page and 'method="post"' in page
    db.session.expire_all()
    assert services.preferences_of(author)["own"] == "immediately"


def test_one_click_post_without_login_or_csrf_token_is_idempotent(client, mailed):
    author, path = mailed
    for _ in range(2):
        response = client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        db.session.expire_all()
        assert services.preferences_of(author)["own"] == "never"
    assert services.preferences_of(author)["followed"] == "daily"  # only that category


def test_other_posts_still_need_the_csrf_token(client, mailed):
    author, _ = mailed
    assert client.post("/konto/e-mail-benachrichtigungen", data={"own": "never"}).status_code in (
        302,
        400,
    )
    db.session.expire_all()
    assert services.preferences_of(author)["own"] == "immediately"


@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_tokens_are_refused(app, client, mailed, method):
    author, path = mailed
    forged = URLSafeSerializer("not the secret", salt=services.UNSUBSCRIBE_SALT).dumps(
        {"u": author.id, "c": "own"}
    )
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(
        {"u": author.id, "c": "own"}
    )
    for token in ("nonsense", path.rsplit("/", 1)[1] + "x", forged, other_salt):
        assert getattr(client, method)(f"/mail/abbestellen/{token}").status_code == 404
    db.session.expire_all()
    assert services.preferences_of(author)["own"] == "immediately"
