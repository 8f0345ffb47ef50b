"""The demo location decision: a computed scenario with a decision linked to a demo measure,
loaded once however often ``flask demo load`` runs, shown on the measure's page."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts import services as accounts
from app.demo import locations as demo
from app.demo.loader import DEMO_PASSWORD, load_demo
from app.extensions import db
from app.locations import criteria
from app.locations.models import LocationScenario
from app.measures.models import Measure


def test_demo_location_decision(app, districts, client, login):
    load_demo()
    db.session.commit()
    scenario = db.session.scalar(
        select(LocationScenario).where(LocationScenario.title == demo.TITLE)
    )
    assert scenario is not None
    assert [(c.kind, c.params, c.weight) for c in scenario.criteria] == [
        (k, p, float(w)) for k, p, _d, w in demo.CRITERIA
    ]
    # computed from the demo data: every criterion has values, the chosen district ranks high
    evaluation = criteria.evaluate(scenario.criteria)
    for c in evaluation.criteria:
        assert sum(v is not None for v in c.values.values()) >= 40, c.kind
    top = [r.district for r in evaluation.ranking.rows[:3]]
    assert scenario.decided_district.number == demo.DISTRICT_NUMBER in top
    assert scenario.decided_at is not None and scenario.decision_reasons
    measure = db.session.get(Measure, scenario.measure_id)
    assert measure.external_id == demo.MEASURE_EXTERNAL_ID

    planner = accounts.find_by_email(demo.PLANNER_EMAIL)
    login(planner, DEMO_PASSWORD)
    page = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert f'href="/verwaltung/standorte/{scenario.id}"' in page
    assert client.get(f"/verwaltung/standorte/{scenario.id}").status_code == 200

    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(LocationScenario.id))) == 1
