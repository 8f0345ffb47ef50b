"""Response templates per office: the management page (own office only), placeholders
checked on save and filled in safely per input, chosen in the item view's answer form and
in the bulk status change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.responses.models import OfficialResponse
from app.workflow import response_templates as templates
from app.workflow import services as workflow
from app.workflow.models import ResponseTemplate

from .conftest import INBOX, key

PAGE = "/verwaltung/vorlagen/"


def _count(model=ResponseTemplate) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def template(offices, people):
    def make(office="social-planning", title="Erledigt", body="", status="done"):
        made = templates.save_template(
            people["admin"],
            None,
            office_id=offices[office].id,
            title=title,
            body=body or "Zu „{title}“ in {district}: erledigt. {office}, {link}",
            status_key=status,
        )
        db.session.commit()
        return made

    return make


def test_unknown_placeholders_are_found():
    assert templates.unknown_placeholders("{title} in {district}") == []
    assert templates.unknown_placeholders("{name} {title.__class__} {}") == [
        "name",
        "title.__class__",
        "",
    ]
    assert templates.unknown_placeholders("a { b") == ["{"]
    assert templates.unknown_placeholders("a } b") == ["}"]


def test_rendering_replaces_only_the_placeholders_as_plain_text():
    text = templates.render(
        "{title} – {district} – {office} – {link}",
        templates.values(title="<b>{office}</b>", district="D", office="O", link="L"),
    )
    # a value is never expanded again, and markup stays text (escaped when shown)
    assert text == "<b>{office}</b> – D – O – L"


def test_planner_creates_a_template_for_their_office(client, login_as, people, offices):
    login_as(people["planner"])
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # their one office only: no other office offered
    assert f'value="{offices["social-planning"].id}"' in html
    assert f'value="{offices["urban-planning"].id}"' not in html
    response = client.post(
        PAGE,
        data={
            "office": offices["social-planning"].id,
            "title": "Geprüft",
            "body": "Wir prüfen „{title}“.",
            "status": "in_review",
        },
    )
    assert response.status_code == 302
    made = db.session.scalar(select(ResponseTemplate))
    assert (made.title, made.status.key, made.office.slug) == (
        "Geprüft",
        "in_review",
        "social-planning",
    )
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "workflow.template_saved")
    )
    assert "Geprüft" in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hallo {name}", "{name}"),
        ("Hallo {title.__class__}", "{title.__class__}"),
        ("Klammer { offen", "{"),
    ],
)
def test_unknown_placeholder_is_refused_and_the_form_keeps_the_text(
    client, login_as, people, offices, body, message
):
    login_as(people["planner"])
    response = client.post(
        PAGE,
        data={"office": offices["social-planning"].id, "title": "T", "body": body, "status": ""},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Unbekannter Platzhalter" in html and message in html
    assert body.replace("{", "") in html.replace("{", "")  # what was typed is kept
    assert _count() == 0


def test_english_message_for_an_unknown_placeholder(client, login_as, people, offices, english):
    login_as(people["planner"])
    response = client.post(
        PAGE,
        data={"office": offices["social-planning"].id, "title": "T", "body": "{x}", "status": ""},
    )
    assert response.status_code == 400 and "Unknown placeholder: {x}" in response.get_data(
        as_text=True
    )


def test_planner_cannot_manage_another_offices_template(
    client, login_as, people, offices, template
):
    other = template(office="urban-planning")
    login_as(people["planner"])
    assert client.get(f"{PAGE}{other.id}").status_code == 403
    assert client.post(f"{PAGE}{other.id}/loeschen").status_code == 403
    refused = client.post(
        PAGE,
        data={"office": offices["urban-planning"].id, "title": "X", "body": "Y", "status": ""},
    )
    assert refused.status_code == 400
    assert _count() == 1
    assert 'id="template-table"' not in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("who", ["citizen", "mayor", "council_member"])
def test_others_do_not_reach_the_templates_page(client, login_as, people, who):
    login_as(people[who])
    assert client.get(PAGE).status_code == 403


def test_same_title_twice_in_an_office_is_refused(client, login_as, people, offices, template):
    template(title="Erledigt")
    login_as(people["planner"])
    response = client.post(
        PAGE,
        data={
            "office": offices["social-planning"].id,
            "title": "Erledigt",
            "body": "x",
            "status": "",
        },
    )
    assert response.status_code == 400 and _count() == 1


def test_edit_and_delete_a_template(client, login_as, people, template):
    made = template()
    login_as(people["planner"])
    assert client.get(f"{PAGE}{made.id}").status_code == 200
    edited = client.post(
        f"{PAGE}{made.id}",
        data={"office": made.office_id, "title": "Neu", "body": "{title}", "status": ""},
    )
    assert edited.status_code == 302
    db.session.refresh(made)
    assert (made.title, made.status) == ("Neu", None)
    bad = client.post(
        f"{PAGE}{made.id}",
        data={"office": made.office_id, "title": "Neu", "body": "{oops}", "status": ""},
    )
    assert bad.status_code == 400
    db.session.refresh(made)
    assert made.body == "{title}"
    assert client.post(f"{PAGE}{made.id}/loeschen").status_code == 302
    assert _count() == 0


def test_use_the_template_in_the_item_view_fills_the_answer_without_saving(
    client, login_as, people, make_proposal, template
):
    made = template()
    proposal, item = make_proposal(title="Bank am <Teich>")
    login_as(people["planner"])
    page = client.get(f"{INBOX}proposal/{proposal.id}").get_data(as_text=True)
    assert f'<option value="{made.id}">' in page and 'name="use_template"' in page
    response = client.post(
        f"{INBOX}proposal/{proposal.id}/status",
        data={"status": "new", "template": made.id, "use_template": "1", "answer": ""},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Zu „Bank am &lt;Teich&gt;“ in Moskauer Platz: erledigt. Sozialplanung" in html
    assert f"http://localhost/vorschlaege/{proposal.id}" in html
    assert '<option selected value="done">' in html  # the template's status
    assert _count(OfficialResponse) == 0
    db.session.refresh(item)
    assert item.status.key == "new"


def test_saving_with_a_template_and_no_text_publishes_the_filled_in_template(
    client, login_as, people, make_proposal, template
):
    made = template()
    proposal, item = make_proposal(title="Bank")
    login_as(people["planner"])
    response = client.post(
        f"{INBOX}proposal/{proposal.id}/status",
        data={"status": "new", "template": made.id, "answer": ""},
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status.key == "done"
    answer = db.session.scalar(select(OfficialResponse))
    assert answer.body.startswith("Zu „Bank“ in Moskauer Platz") and answer.office.slug == (
        "social-planning"
    )


def test_another_offices_template_cannot_be_used(client, login_as, people, make_proposal, template):
    other = template(office="urban-planning")
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = client.post(
        f"{INBOX}proposal/{proposal.id}/status",
        data={"status": "done", "template": other.id, "answer": ""},
    )
    assert response.status_code == 400
    assert _count(OfficialResponse) == 0


def test_bulk_status_change_with_a_template_fills_it_in_per_input(
    client, login_as, people, make_proposal, template
):
    made = template()
    first, _ = make_proposal(title="Erste Bank")
    second, _ = make_proposal(title="Zweite Bank")
    login_as(people["planner"])
    response = client.post(
        f"{INBOX}sammelaktion",
        data={
            "action": "status",
            "status": "",
            "template": made.id,
            "selected": [key("proposal", first), key("proposal", second)],
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    bodies = {r.target_id: r.body for r in db.session.scalars(select(OfficialResponse)).unique()}
    assert bodies[first.id].startswith("Zu „Erste Bank“")
    assert bodies[second.id].startswith("Zu „Zweite Bank“")
    assert {workflow.item_for("proposal", p.id).status.key for p in (first, second)} == {"done"}


def test_bulk_template_and_written_answer_together_are_refused(
    client, login_as, people, make_proposal, template
):
    made = template()
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = client.post(
        f"{INBOX}sammelaktion",
        data={
            "action": "status",
            "status": "done",
            "template": made.id,
            "answer": "Auch noch Text",
            "selected": [key("proposal", proposal)],
        },
    )
    assert response.status_code == 400
    assert _count(OfficialResponse) == 0


def test_templates_page_queries_are_constant(client, login_as, people, template, count_queries):
    login_as(people["planner"])
    template(title="Eins")
    client.get(PAGE)
    with count_queries() as few:
        assert client.get(PAGE).status_code == 200
    for n in range(6):
        template(title=f"Vorlage {n}")
    with count_queries() as many:
        assert client.get(PAGE).status_code == 200
    assert many.count == few.count
