"""Demo measures for Erfurt: a playground in the Gera-Aue, a second ThINKA site, a new Kita at
Moskauer Platz and outposts of the music school, library and adult-education centre in the
south-east, each taking up a few demo proposals of its districts. Idempotent (by external
id ``demo-…``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..accounts import services as accounts
from ..accounts.models import Office
from ..districts.models import District
from ..extensions import db
from ..indicators.models import Indicator
from ..measures import services
from ..measures.models import Measure
from ..proposals.models import Proposal

PLANNER_EMAIL = "planerin@demo.example.org"

# external id, title, description, offices, districts, status, budget, targets, milestones,
# with a place at the (first) district's label point
MEASURES = (
    (
        "demo-gera-aue",
        "Spielplatz in der Gera-Aue",
        "Ein naturnaher Spielplatz mit Wasserspiel an der Gera, geplant mit Kindern aus "
        "Ilversgehofen.",
        ("urban-planning", "youth-welfare-planning"),
        ("24",),
        "in_implementation",
        180_000.0,
        (("children_sgb2", "down"),),
        (
            ("Beteiligung der Kinder", date(2026, 5, 12), True),
            ("Eröffnung", date(2027, 6, 1), False),
        ),
        True,
    ),
    (
        "demo-thinka-2",
        "Zweiter ThINKA-Standort am Roten Berg",
        "Eine zweite Anlaufstelle der Thüringer Initiative für Integration, Nachhaltigkeit, "
        "Kooperation und Aktivierung: Beratung, Begleitung zu Ämtern und Angeboten.",
        ("social-planning",),
        ("10",),
        "decided",
        95_000.0,
        (("sgb2_rate", "down"), ("unemployment", "down")),
        (
            ("Beschluss des Beirats", date(2026, 3, 18), True),
            ("Start der Beratung", date(2027, 1, 15), False),
        ),
        False,
    ),
    (
        "demo-kita-moskauer-platz",
        "Neue Kita am Moskauer Platz",
        "Eine Kindertagesstätte mit 90 Plätzen und einem Familienzentrum.",
        ("youth-welfare-planning", "education-planning"),
        ("23",),
        "planned",
        4_200_000.0,
        (("children_sgb2", "down"),),
        (("Standortentscheidung", date(2026, 9, 30), True), ("Baubeginn", date(2027, 9, 1), False)),
        True,
    ),
    (
        "demo-suedost-aussenstellen",
        "Außenstellen von Musikschule, Bibliothek und Volkshochschule im Südosten",
        "Kurse, Ausleihe und Musikunterricht im Herrenberg, am Wiesenhügel und in Melchendorf, "
        "damit niemand für ein Angebot quer durch die Stadt fahren muss.",
        ("adult-education", "education-planning"),
        ("13", "14", "15"),
        "idea",
        None,
        (("grammar_school", "up"),),
        (),
        False,
    ),
)


def load_demo_measures() -> int:
    """The demo measures that do not exist yet; how many were made."""
    planner = accounts.find_by_email(PLANNER_EMAIL)
    existing = set(db.session.scalars(select(Measure.external_id)))
    offices = {o.slug: o.id for o in db.session.scalars(select(Office))}
    districts = {d.number: d for d in db.session.scalars(select(District))}
    indicators = {i.code: i.id for i in db.session.scalars(select(Indicator))}
    made = 0
    for (
        external_id,
        title,
        description,
        office_slugs,
        numbers,
        status,
        budget,
        targets,
        milestones,
        with_place,
    ) in MEASURES:
        if external_id in existing:
            continue
        first = districts[numbers[0]]
        data = services.MeasureData(
            title=title,
            status_key=status,
            description_de=description,
            office_ids=[offices[s] for s in office_slugs if s in offices],
            district_ids=[districts[n].id for n in numbers],
            budget_planned=budget,
            indicators=[(indicators[c], d) for c, d in targets if c in indicators],
            milestones=list(milestones),
            places=[(first.label_lat, first.label_lon, title)] if with_place else [],
            external_id=external_id,
        )
        measure = services.save_measure(None, None, data)
        proposals = db.session.scalars(
            select(Proposal.id)
            .where(
                Proposal.is_demo.is_(True),
                Proposal.district_id.in_([districts[n].id for n in numbers]),
                Proposal.public(),
            )
            .order_by(Proposal.id)
            .limit(3)
        ).all()
        for proposal_id in proposals:
            services.link_input(
                planner,
                measure,
                "proposal",
                proposal_id,
                reason="Greift den Wunsch aus dem Ortsteil auf.",
                status_key="in_implementation"
                if status == "in_implementation"
                else "merged_into_measure",
            )
        made += 1
    return made
