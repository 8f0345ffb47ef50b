"""No N+1: the dashboard, the CSV export and the print view run a fixed number of queries,
however many proposals, needs, comments, supports, flags and responses there are."""

from __future__ import annotations

import pytest

from app.extensions import db

from .conftest import URL


@pytest.fixture
def fill(make_proposal, make_need, make_flag, people, app):
    from app.comments import services as comments
    from app.responses import services as responses
    from app.responses.targets import get_respondable

    def add(n: int) -> None:
        for i in range(n):
            proposal = make_proposal(title=f"Vorschlag {i}", supports=2, address=f"Weg {i}")
            make_need(f"Bedarf {i}", priority=("high", "medium", "low")[i % 3])
            comments.add_comment(people["citizen"], "proposal", proposal.id, f"Kommentar {i}")
            db.session.commit()
            make_flag(proposal, reporter=people["citizen"])
            make_proposal(title=f"Wartet {i}", state="pending_approval")
            with app.test_request_context():
                responses.respond(
                    people["mayor"], get_respondable("proposal"), proposal, f"Antwort {i}"
                )
                db.session.commit()

    return add


@pytest.mark.parametrize("page", ["", "export.csv", "druckansicht"])
def test_query_count_does_not_grow(client, login, people, fill, count_queries, page):
    login(people["member"])
    fill(1)
    client.get(URL + page)  # the first visit creates the visit row
    with count_queries() as few:
        assert client.get(URL + page).status_code == 200
    fill(12)
    with count_queries() as many:
        response = client.get(URL + page)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Vorschlag 11" in body and "Bedarf 11" in body
    assert many.count == few.count, (few.statements, many.statements)
    assert many.count < 40
