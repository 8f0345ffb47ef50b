"""The timeline ("Verlauf") on the public pages of proposals, needs and barrier reports: an
ordered list of the status changes (date, status chip) and the public answers (excerpt, in
whose name, link to the whole answer); nothing internal (notes, assignee, drafts)."""

from __future__ import annotations

import re

import pytest

from app.core.content_types import respondable
from app.extensions import db
from app.needs import services as needs
from app.responses import services
from app.responses.models import ResponseDraft
from app.workflow import services as workflow
from app.workflow.models import WorkItemNote

NOTE = "INTERNE NOTIZ: Haushalt prüfen"
DRAFT = "ENTWURF: noch nicht freigegeben"
LONG = "Wir haben den Vorschlag geprüft. " * 20 + "ENDE DER ANTWORT"


def _timeline(page: str) -> str:
    start = page.index('<ol class="status-timeline" id="status-timeline">')
    return page[start : page.index("</ol>", start)]


def _steps(timeline: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in timeline.split("<li")[1:]]


def _work_through(app, obj, target_type, people, planner_name):
    """Internal work (assignee, note, a draft), two status changes, answers with and
    without a status change."""
    item = workflow.item_for(target_type, obj.id)
    planner = people["planner"]
    workflow.assign(people["admin"], item, planner.roles[0].office, planner)
    db.session.add(WorkItemNote(work_item_id=item.id, author_id=planner.id, body=NOTE))
    db.session.add(
        ResponseDraft(
            target_type=target_type,
            target_id=obj.id,
            voice=f"office:{planner.roles[0].office_id}",
            body=DRAFT,
        )
    )
    workflow.change_status(planner, item, "in_review")
    with app.test_request_context():
        answer = services.respond(planner, respondable(target_type), obj, LONG, notify=False)
        workflow.change_status(planner, item, "planned", response_id=answer.id)
        later = services.respond(planner, respondable(target_type), obj, "Kurzer Nachtrag.")
    db.session.commit()
    assert planner.public_name == planner_name == "Paula Planerin"
    return answer, later


@pytest.fixture
def planner_name(people):
    people["planner"].display_name = "Paula Planerin"
    db.session.commit()
    return people["planner"].public_name


def _check(page: str, answer, later, planner_name):
    timeline = _timeline(page)
    steps = _steps(timeline)
    assert len(steps) == 4, steps
    assert "Status: Neu" in steps[0] and "Status: In Prüfung" in steps[1]
    assert "Status: Geplant" in steps[2] and "Fachamt Sozialplanung" in steps[2]
    assert "Wir haben den Vorschlag geprüft." in steps[2] and "…" in steps[2]
    assert "ENDE DER ANTWORT" not in timeline  # an excerpt, the whole answer is below
    assert f'href="#response-{answer.id}"' in timeline
    assert "Amtliche Antwort" in steps[3] and "Kurzer Nachtrag." in steps[3]
    assert f'href="#response-{later.id}"' in timeline
    assert timeline.count('class="status-chip"') == 3
    assert re.findall(r'<time datetime="[^"]+">', timeline).__len__() == 4
    # nothing internal anywhere on the public page
    assert NOTE not in page and DRAFT not in page
    assert planner_name not in timeline


def test_proposal_timeline(app, client, people, make_proposal, planner_name):
    proposal = make_proposal(people["author"])
    answer, later = _work_through(app, proposal, "proposal", people, planner_name)
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    _check(page, answer, later, planner_name)


def test_need_timeline(app, client, people, categories, planner_name):
    mayor = people["mayor"]
    council = mayor.roles[0].council
    need = needs.create_need(
        mayor,
        council,
        title="Jugendraum",
        description="Ein Raum fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_district(council, council.districts[0]),
    )
    db.session.commit()
    answer, later = _work_through(app, need, "need", people, planner_name)
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    _check(page, answer, later, planner_name)


def test_barrier_report_timeline(app, client, people, barrier_report_factory, planner_name):
    report = barrier_report_factory(people["author"])
    answer, later = _work_through(app, report, "barrier_report", people, planner_name)
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    _check(page, answer, later, planner_name)


def test_excerpt():
    assert services.excerpt("  kurz \n und gut ") == "kurz und gut"
    cut = services.excerpt("eins zwei drei vier", 10)
    assert cut == "eins zwei …"
    assert services.excerpt("x" * 30, 10) == "x" * 10 + " …"


def test_the_timeline_costs_the_same_however_long(
    app, client, people, make_proposal, count_queries
):
    proposal = make_proposal(people["author"])
    item = workflow.item_for("proposal", proposal.id)
    planner = people["planner"]
    url = f"/vorschlaege/{proposal.id}"
    with app.test_request_context():  # one answer already (the answers' section loads authors)
        services.respond(planner, respondable("proposal"), proposal, "Erste Antwort")
    db.session.commit()
    client.get(url)
    with count_queries() as few:
        client.get(url)
    with app.test_request_context():
        for n, key in enumerate(["in_review", "assigned", "planned", "in_implementation"] * 3):
            answer = services.respond(
                planner, respondable("proposal"), proposal, f"Stand {n}", notify=False
            )
            workflow.change_status(planner, item, key, response_id=answer.id)
            services.respond(planner, respondable("proposal"), proposal, f"Nachtrag {n}")
    db.session.commit()
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(_steps(_timeline(page))) == 1 + 1 + 12 + 12
    assert many.count == few.count, "\n".join(
        s[:100] for s in few.statements + ["--"] + many.statements
    )
