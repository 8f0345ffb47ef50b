"""The public status timeline on the input pages: time and public status name, nothing
internal (no actor, no office)."""

from __future__ import annotations

from app.accounts.models import Office
from app.extensions import db
from app.workflow import services as workflow


def _section(page: str) -> str:
    start = page.index('id="timeline-title"')
    return page[start : page.index("</section>", start)]


def test_proposal_timeline_without_internal_fields(client, people, proposal_factory, create_user):
    planner = create_user("planner", office="social-planning", name="Petra Planerin")
    office = db.session.scalar(db.select(Office).where(Office.slug == "social-planning"))
    proposal = proposal_factory(people["author"])
    item = workflow.item_for("proposal", proposal.id)
    workflow.assign(planner, item, office, planner)
    workflow.change_status(planner, item, "in_review")
    workflow.change_status(planner, item, "planned")
    db.session.commit()
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    timeline = _section(page)
    assert [s in timeline for s in ("Neu", "In Prüfung", "Geplant")] == [True] * 3
    assert timeline.index("Neu") < timeline.index("In Prüfung") < timeline.index("Geplant")
    assert "<time datetime=" in timeline
    assert "Petra Planerin" not in page
    assert office.name_de not in page and office.name_en not in page
    # the status shown is the public name, in the person's language
    assert "<dd>Geplant</dd>" in page
    client.post("/sprache", data={"lang": "en"})
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "<dd>Planned</dd>" in page and "In review" in _section(page)


def test_need_and_report_pages_show_the_timeline(client, people, make_need, make_report):
    need = make_need(people["council_member"])
    workflow.change_status(people["mayor"], workflow.item_for("need", need.id), "in_review")
    db.session.commit()
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert "In Prüfung" in _section(page)
    assert 'id="need-status">In Prüfung<' in page
    report = make_report(people["citizen"])
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert "Neu" in _section(page) and 'id="report-status">Neu<' in page
