"""CSV export (German Excel) and the print view of the council's public inputs."""

from __future__ import annotations

import csv
import io

from app.core.time import utcnow
from app.extensions import db

from .conftest import URL


def _scene(make_proposal, make_need, people, app):
    from app.comments import services as comments
    from app.responses import services as responses
    from app.responses.targets import get_respondable

    answered = make_proposal(
        title="Grünfläche am Moskauer Platz",
        address="Moskauer Straße 5",
        supports=2,
        category="green-play",
    )
    make_proposal(title='=HYPERLINK("http://evil.example")', supports=1)
    make_proposal(title="Versteckter Vorschlag", state="hidden")
    make_proposal(title="Wartender Vorschlag", state="pending_approval")
    make_proposal(title="Vorschlag Johannesplatz", number="25")
    make_need("Straßenbeleuchtung Übergang")
    make_need("Versteckter Bedarf", state="hidden")
    comments.add_comment(people["citizen"], "proposal", answered.id, "Gute Idee")
    db.session.commit()
    with app.test_request_context():
        responses.respond(
            people["mayor"],
            get_respondable("proposal"),
            answered,
            "Der Ortsteilrat unterstützt den Vorschlag. " + "Sehr ausführlich. " * 40,
        )
        db.session.commit()
    return answered


def test_csv_for_german_excel(client, login, people, make_proposal, make_need, app):
    answered = _scene(make_proposal, make_need, people, app)
    login(people["member"])
    response = client.get(URL + "export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    today = utcnow().date().isoformat()
    assert (
        f'filename="ortsteilrat-moskauer-platz-{today}.csv"'
        in response.headers["Content-Disposition"]
    )
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(header) == 12
    titles = [row[2] for row in body]
    assert "Grünfläche am Moskauer Platz" in titles  # umlauts round-trip
    assert "Straßenbeleuchtung Übergang" in titles
    assert '\'=HYPERLINK("http://evil.example")' in titles  # formula defused
    for hidden in ("Versteckter Vorschlag", "Wartender Vorschlag", "Versteckter Bedarf"):
        assert hidden not in text
    assert "Vorschlag Johannesplatz" not in text
    row = next(r for r in body if r[2] == "Grünfläche am Moskauer Platz")
    assert row[1] == str(answered.id)
    assert row[3] == "23 Moskauer Platz"
    assert row[6] == "Moskauer Straße 5"
    assert (row[7], row[8], row[9]) == ("2", "1", "1")  # supports, comments, responses
    assert row[10] == today
    assert row[11].endswith(f"/vorschlaege/{answered.id}") and row[11].startswith("http")
    assert body[0][2] == "Grünfläche am Moskauer Platz"  # most supported first


def test_print_view(client, login, people, make_proposal, make_need, app, english):
    _scene(make_proposal, make_need, people, app)
    login(people["mayor"])
    response = client.get(URL + "druckansicht")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "css/print.css" in page
    assert "print function (Ctrl+P)" in page
    for shown in (
        "Grünfläche am Moskauer Platz",
        "Moskauer Straße 5",
        "2 supports",
        "Straßenbeleuchtung Übergang",
        "Official response · District mayor · District council Moskauer Platz",
        "Der Ortsteilrat unterstützt den Vorschlag.",
    ):
        assert shown in page, shown
    for absent in ("Versteckter Vorschlag", "Wartender Vorschlag", "Versteckter Bedarf"):
        assert absent not in page
    assert "Sehr ausführlich. " * 30 not in page  # the response text is shortened
    assert " …" in page
    assert page.index("Grünfläche am Moskauer Platz") < page.index("Straßenbeleuchtung Übergang")


def test_print_stylesheet_rules(app):
    from pathlib import Path

    css = (Path(app.static_folder) / "css" / "print.css").read_text()
    assert "@media print" in css
    for rule in (".site-header", ".site-footer", "attr(href)", "break-inside: avoid", "11pt"):
        assert rule in css, rule
