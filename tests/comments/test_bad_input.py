"""Every comment field's bad input: 400, the translated message, what was typed is kept.
And the plain-text rendering: only http(s) links become links, everything else is escaped."""

from __future__ import annotations

import html

import pytest

from app.comments import services, targets
from app.comments.models import Comment
from app.core.text import linkify
from app.districts.models import District
from app.extensions import db
from app.moderation.models import Flag


@pytest.fixture
def note(app, districts):
    targets.register_target(
        "note",
        load=lambda i: db.session.get(District, i),
        district_id=lambda d: d.id,
        url=lambda d: f"/ortsteile/{d.number}",
        title=lambda d: d.name,
        can_comment=lambda user, d: d.number != "02",  # district 02: comments closed
    )
    yield districts["01"]
    targets._TARGETS.pop("note", None)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_empty_and_too_long_body(note, create_user, login, client):
    login(create_user())
    response = client.post(f"/kommentare/note/{note.id}", data={"body": "   "})
    assert response.status_code == 400
    assert "Bitte schreiben Sie einen Kommentar." in _text(response)
    long_text = "Ä" * 1990 + "Ende-XYZ-" + "b" * 10
    response = client.post(f"/kommentare/note/{note.id}", data={"body": long_text})
    assert response.status_code == 400
    page = _text(response)
    assert "Ein Kommentar darf höchstens 2.000 Zeichen lang sein." in page
    assert long_text in page  # kept
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_reply_to_a_comment_of_another_target(note, create_user, login, client, districts):
    user = create_user()
    elsewhere = services.add_comment(user, "note", districts["03"].id, "Anderswo")
    db.session.commit()
    login(user)
    response = client.post(
        f"/kommentare/note/{note.id}",
        data={"body": "Meine Antwort bleibt", "parent_id": str(elsewhere.id)},
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Den Kommentar, auf den Sie antworten, gibt es nicht." in page
    assert "Meine Antwort bleibt" in page
    assert f'value="{elsewhere.id}"' in page  # the reply target is kept too


def test_target_closed_for_comments(note, create_user, login, client, districts):
    login(create_user())
    response = client.post(f"/kommentare/note/{districts['02'].id}", data={"body": "x"})
    assert response.status_code == 403


def test_unconfirmed_person_cannot_comment(note, create_user, login, client):
    login(create_user(confirmed=False))
    response = client.post(f"/kommentare/note/{note.id}", data={"body": "x"})
    assert response.status_code == 403


def test_edit_with_empty_or_too_long_body(note, create_user, login, client):
    user = create_user()
    comment = services.add_comment(user, "note", note.id, "Original")
    db.session.commit()
    login(user)
    assert client.get(f"/kommentare/{comment.id}/bearbeiten").status_code == 200
    response = client.post(f"/kommentare/{comment.id}/bearbeiten", data={"body": ""})
    assert response.status_code == 400
    assert "Bitte schreiben Sie einen Kommentar." in _text(response)
    response = client.post(f"/kommentare/{comment.id}/bearbeiten", data={"body": "x" * 2001})
    assert response.status_code == 400
    assert "höchstens 2.000 Zeichen" in _text(response)
    db.session.refresh(comment)
    assert comment.body == "Original"


def test_report_bad_inputs(note, create_user, login, client):
    author, reader = create_user(), create_user()
    comment = services.add_comment(author, "note", note.id, "Werbung hier")
    db.session.commit()
    login(reader)
    assert client.get(f"/kommentare/{comment.id}/melden").status_code == 200
    response = client.post(f"/kommentare/{comment.id}/melden", data={"reason": ""})
    assert response.status_code == 400
    assert "Bitte wählen Sie einen Grund." in _text(response)
    response = client.post(
        f"/kommentare/{comment.id}/melden", data={"reason": "made-up", "text": "Text bleibt"}
    )
    assert response.status_code == 400
    assert "Text bleibt" in _text(response)
    response = client.post(
        f"/kommentare/{comment.id}/melden", data={"reason": "other", "text": "z" * 501}
    )
    assert response.status_code == 400
    assert "Bitte höchstens 500 Zeichen." in _text(response)
    # reporting twice is answered kindly, stored once
    for _ in range(2):
        response = client.post(f"/kommentare/{comment.id}/melden", data={"reason": "advertising"})
        assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Flag.id))) == 1


def test_comment_pages_404_for_unknown_comment(note, create_user, login, client):
    login(create_user())
    assert client.get("/kommentare/999999/bearbeiten").status_code == 404
    assert client.post("/kommentare/999999/loeschen").status_code == 404
    assert client.get("/kommentare/999999/melden").status_code == 404


@pytest.mark.parametrize(
    "source,must,must_not",
    [
        ("<script>alert(1)</script>", ["&lt;script&gt;"], ["<script"]),
        ("javascript:alert(1)", ["javascript:alert(1)"], ["<a "]),
        ('<a href="javascript:alert(1)">x</a>', ["&lt;a href="], ['<a href="javascript']),
        (
            "Siehe https://example.org/weg?a=1&b=2.",
            ['<a href="https://example.org/weg?a=1&amp;b=2" rel="nofollow noopener">', "</a>."],
            [],
        ),
        (
            'https://example.org/"onmouseover="alert(1)',
            ['<a href="https://example.org/" rel="nofollow noopener">'],
            ['onmouseover="alert'],
        ),
        ("ftp://example.org", ["ftp://example.org"], ["<a "]),
        ("Zeile 1\nZeile 2\n\nAbsatz", ["<p>Zeile 1<br>Zeile 2</p><p>Absatz</p>"], []),
    ],
)
def test_linkify_escapes_everything_but_http_links(source, must, must_not):
    out = str(linkify(source))
    for piece in must:
        assert piece in out, out
    for piece in must_not:
        assert piece not in out, out
