"""A demo location decision: the scenario "Zweiter ThINKA-Standort" of the social planning with
four weighted criteria (social status index, SGB II rate, foreign nationals, over-65s), ranked
from the demo indicators, and the advisory board's recorded decision for Roter Berg (third in
the ranking: the first, Moskauer Platz, has the first site), linked to the demo measure
"demo-thinka-2". So the demo planner sees a real example from the list to the measure page.
Idempotent (by title)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from ..accounts import services as accounts
from ..accounts.models import Office
from ..districts.models import District
from ..extensions import db
from ..locations import services
from ..locations.models import LocationScenario
from ..measures.models import Measure

PLANNER_EMAIL = "planerin@demo.example.org"
TITLE = "Zweiter ThINKA-Standort"
MEASURE_EXTERNAL_ID = "demo-thinka-2"
DISTRICT_NUMBER = "10"  # Roter Berg, where the demo measure is
DECIDED_AT = datetime(2026, 3, 18, 15, 0, tzinfo=UTC)  # the measure's milestone "Beschluss"

# (kind, params, direction (0: the criterion's own), weight)
CRITERIA = (
    ("indicator", {"code": "sgb2_rate"}, 0, 3),
    ("social_status", {}, 0, 2),
    ("indicator", {"code": "foreign_nationals"}, 0, 2),
    ("indicator", {"code": "over65"}, 0, 1),
)


def load_demo_location() -> int:
    """The demo scenario and its decision unless they exist; 1 if made, else 0."""
    if db.session.scalar(select(LocationScenario.id).where(LocationScenario.title == TITLE)):
        return 0
    planner = accounts.find_by_email(PLANNER_EMAIL)
    office = db.session.scalar(select(Office.id).where(Office.slug == "social-planning"))
    district = db.session.scalar(select(District.id).where(District.number == DISTRICT_NUMBER))
    measure = db.session.scalar(
        select(Measure.id).where(Measure.external_id == MEASURE_EXTERNAL_ID)
    )
    if planner is None or district is None:
        return 0  # no demo people or no districts (``flask setup`` first)
    scenario = services.save_scenario(
        planner,
        None,
        services.ScenarioData(
            title=TITLE,
            question="Wo soll die zweite Anlaufstelle von ThINKA hin, damit sie die Menschen "
            "erreicht, die Beratung und Begleitung am meisten brauchen?",
            programme="ThINKA – Thüringer Initiative für Integration, Nachhaltigkeit, "
            "Kooperation und Aktivierung",
            office_id=office,
            criteria=[services.CriterionRow(k, dict(p), d, w) for k, p, d, w in CRITERIA],
        ),
    )
    services.decide(
        planner,
        scenario,
        text="Der Beirat wählt den Roten Berg als zweiten ThINKA-Standort.",
        reasons="Der Moskauer Platz liegt im Vergleich vorn, hat aber schon die erste "
        "Anlaufstelle. Der Rote Berg gehört zu den ersten drei: viele Menschen mit "
        "Bürgergeld, viele Zugezogene. Im Stadtteilzentrum sind Räume frei, die Straßenbahn "
        "hält vor der Tür.",
        district_id=district,
        measure_id=measure,
    )
    scenario.decided_at = DECIDED_AT  # the board met in March (see the measure's milestones)
    db.session.flush()
    return 1
