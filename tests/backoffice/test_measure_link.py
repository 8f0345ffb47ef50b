"""Linking an input to a measure from the inbox's item view: the measures' own service (the
reason required here), the input's workflow status, the audit entry, the contributors told;
only measures the person may edit are offered and accepted; council members only read."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.measures import services as measures
from app.measures.models import MeasureHistory, MeasureInput
from app.notifications.models import Notification
from app.workflow import services as workflow

from .conftest import INBOX


def _url(obj, suffix: str = "") -> str:
    return f"{INBOX}proposal/{obj.id}{suffix}"


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


@pytest.fixture
def two_measures(people, districts, offices):
    """A measure of social planning (the planner's office) and one of urban planning."""

    def make(title: str, office: str, actor):
        return measures.save_measure(
            actor,
            None,
            measures.MeasureData(
                title=title,
                status_key="decided",
                office_ids=[offices[office].id],
                district_ids=[districts["23"].id],
            ),
        )

    own = make("Spielplatz Gera-Aue", "social-planning", people["planner"])
    other = make("Radweg Nord", "urban-planning", people["admin"])
    db.session.commit()
    return own, other


def _post(client, proposal, measure, **changes):
    data = {
        "measure-measure": str(measure.id),
        "measure-reason": "Gleicher Ort, gleiches Anliegen",
        "measure-status": "in_implementation",
    }
    data.update(changes)
    return client.post(_url(proposal, "/massnahme"), data=data)


def test_a_planner_links_the_input_to_a_measure(
    client, login_as, people, make_proposal, two_measures
):
    own, other = two_measures
    proposal, _ = make_proposal(title="Schaukeln für die Aue")
    login_as(people["planner"])
    html = client.get(_url(proposal)).get_data(as_text=True)
    assert 'id="measure-link-form"' in html
    assert "Spielplatz Gera-Aue" in html  # the own office's measure is offered
    assert "Radweg Nord" not in html  # the other office's is not
    response = _post(client, proposal, own)
    assert response.status_code == 302 and response.location.endswith("#measures-title")
    link = db.session.scalar(select(MeasureInput))
    assert (link.measure_id, link.input_type, link.input_id) == (own.id, "proposal", proposal.id)
    assert link.reason == "Gleicher Ort, gleiches Anliegen"
    db.session.expire_all()
    assert workflow.item_for("proposal", proposal.id).status.key == "in_implementation"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "measure.input_linked"))
    assert entry.target_id == own.id and entry.after["input"] == f"proposal:{proposal.id}"
    assert _count(MeasureHistory, measure_id=own.id, field="input") == 1
    told = db.session.scalar(
        select(Notification).where(Notification.kind == "measure_linked_proposal")
    )
    assert told.user_id == people["author"].id and told.target_id == own.id
    # the item view names the measure and no longer offers it
    html = client.get(_url(proposal)).get_data(as_text=True)
    section = html.split('id="measures-section"')[1].split("</section>")[0]
    assert f'href="/massnahmen/{own.id}"' in section
    assert "Spielplatz Gera-Aue" in section and 'id="measure-link-form"' not in section
    assert "Ihr Fachamt hat keine Maßnahme" in section


def test_the_reason_is_required_and_the_form_keeps_its_values(
    client, login_as, people, make_proposal, two_measures
):
    own, _other = two_measures
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = _post(client, proposal, own, **{"measure-reason": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Bitte geben Sie den Grund für die Verknüpfung an." in html
    assert f'<option selected value="{own.id}">' in html
    assert '<option selected value="in_implementation">' in html
    assert _count(MeasureInput) == 0 and _count(Notification, kind="measure_linked_proposal") == 0
    db.session.expire_all()
    assert workflow.item_for("proposal", proposal.id).status.key == "new"


def test_the_service_itself_requires_the_reason(people, make_proposal, two_measures):
    own, _other = two_measures
    proposal, _ = make_proposal()
    with pytest.raises(measures.MeasureError) as raised:
        measures.link_input(
            people["planner"], own, "proposal", proposal.id, reason=" ", require_reason=True
        )
    assert raised.value.field == "reason"


def test_another_offices_measure_is_refused(client, login_as, people, make_proposal, two_measures):
    _own, other = two_measures
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = _post(client, proposal, other)
    assert response.status_code == 400
    assert _count(MeasureInput) == 0
    # an admin may link to any measure
    login_as(people["admin"])
    assert _post(client, proposal, other).status_code == 302
    assert _count(MeasureInput, measure_id=other.id) == 1


def test_linking_twice_is_refused(client, login_as, people, make_proposal, two_measures):
    own, _other = two_measures
    proposal, _ = make_proposal()
    login_as(people["admin"])
    assert _post(client, proposal, own).status_code == 302
    again = _post(client, proposal, own)
    assert again.status_code == 400 and _count(MeasureInput) == 1


def test_errors_in_english(client, login_as, people, make_proposal, two_measures, english):
    own, _other = two_measures
    proposal, _ = make_proposal()
    login_as(people["planner"])
    html = _post(client, proposal, own, **{"measure-reason": ""}).get_data(as_text=True)
    assert "Please give the reason for the link." in html
    assert "Link to the measure" in html


@pytest.mark.parametrize("role", ["council_member", "mayor", "citizen"])
def test_only_planners_and_admins_link(client, login_as, people, make_proposal, two_measures, role):
    own, _other = two_measures
    proposal, _ = make_proposal(number="23")
    login_as(people[role])
    assert _post(client, proposal, own).status_code == 403
    assert _count(MeasureInput) == 0
    if role != "citizen":  # the council's read-only view: the measures, no form
        html = client.get(_url(proposal)).get_data(as_text=True)
        assert 'id="measures-section"' in html and 'id="measure-link-form"' not in html


def test_anonymous_post_is_sent_to_login(client, make_proposal, two_measures):
    own, _other = two_measures
    proposal, _ = make_proposal()
    response = _post(client, proposal, own)
    assert response.status_code == 302 and "/anmelden" in response.location
    assert _count(MeasureInput) == 0


def test_the_item_views_queries_do_not_grow_with_the_measures(
    client, login_as, people, make_proposal, districts, offices, count_queries
):
    proposal, _ = make_proposal()
    login_as(people["planner"])

    def add(n: int) -> None:
        for i in range(n):
            measure = measures.save_measure(
                people["planner"],
                None,
                measures.MeasureData(
                    title=f"Maßnahme {i}",
                    status_key="planned",
                    office_ids=[offices["social-planning"].id],
                    district_ids=[districts["23"].id],
                ),
            )
            if i % 2 == 0:
                measures.link_input(people["planner"], measure, "proposal", proposal.id, "x")
        db.session.commit()

    def view() -> tuple[int, str]:
        with count_queries() as counter:
            html = client.get(_url(proposal)).get_data(as_text=True)
        return counter.count, html.split('id="measures-section"')[1].split("</section>")[0]

    add(2)
    client.get(_url(proposal))
    few, html = view()
    assert html.count('href="/massnahmen/') == 1
    add(10)
    many, html = view()
    assert html.count('href="/massnahmen/') == 6
    assert many == few


def test_a_need_is_linked_the_same_way(client, login_as, people, make_need, two_measures):
    own, _other = two_measures
    need, _ = make_need()
    login_as(people["planner"])
    response = client.post(
        f"{INBOX}need/{need.id}/massnahme",
        data={
            "measure-measure": str(own.id),
            "measure-reason": "Jugendraum im Stadtteilzentrum",
            "measure-status": "merged_into_measure",
        },
    )
    assert response.status_code == 302
    link = db.session.scalar(select(MeasureInput))
    assert (link.input_type, link.input_id) == ("need", need.id)
    db.session.expire_all()
    assert workflow.item_for("need", need.id).status.key == "merged_into_measure"
