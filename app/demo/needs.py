"""Demo needs: a few needs of the district council Moskauer Platz, posted by the demo mayor and
the demo council member; one is linked to a demo proposal in the district. Marked ``is_demo``;
idempotent."""

from __future__ import annotations

from contextlib import suppress

from sqlalchemy import select

from ..accounts import services as accounts
from ..districts.models import Council
from ..extensions import db
from ..needs import services
from ..needs.models import Need
from ..proposals import services as proposal_services
from ..proposals.models import Proposal

COUNCIL_SLUG = "moskauer-platz"
MAYOR_EMAIL = "ortsteilbuergermeister@demo.example.org"
MEMBER_EMAIL = "ortsteilrat@demo.example.org"

# (title, description, category, priority, status, offset (dlat, dlon) or None, address, by)
NEEDS = (
    (
        "Treffpunkt für Jugendliche am Abend",
        "Jugendliche aus dem Ortsteil haben abends keinen Ort, an dem sie sich treffen können. "
        "Der Ortsteilrat sucht einen Raum mit Betreuung, zum Beispiel im Stadtteilzentrum.",
        "children-youth",
        "high",
        None,
        None,
        "",
        "mayor",
    ),
    (
        "Barrierefreier Zugang zur Straßenbahnhaltestelle",
        "Die Rampe zur Haltestelle ist steil und im Winter glatt. Menschen mit Rollator oder "
        "Kinderwagen kommen kaum hinauf.",
        "mobility",
        "high",
        "in_implementation",
        (0.0006, 0.0008),
        "Haltestelle Moskauer Platz",
        "mayor",
    ),
    (
        "Mehr Bänke auf dem Weg zum Einkaufszentrum",
        "Ältere Menschen wünschen sich Sitzgelegenheiten auf dem Weg zum Einkaufen.",
        "seniors",
        "medium",
        None,
        (-0.0007, 0.0004),
        "",
        "member",
    ),
    (
        "Hausaufgabenhilfe für Grundschulkinder",
        "Viele Familien können ihre Kinder bei den Hausaufgaben nicht unterstützen. Gesucht sind "
        "Ehrenamtliche und ein Raum am Nachmittag.",
        "education",
        "medium",
        None,
        None,
        "",
        "member",
    ),
    (
        "Spielplatz an der Kita erneuern",
        "Die Spielgeräte sind alt, einige sind gesperrt.",
        "green-play",
        "low",
        "planned",
        (0.0003, -0.0009),
        "",
        "mayor",
    ),
    (
        "Beratung zu Sozialleistungen vor Ort",
        "Eine regelmäßige Sprechstunde im Ortsteil würde vielen den Weg in die Stadt ersparen.",
        "health",
        "medium",
        None,
        None,
        "Stadtteilzentrum",
        "member",
    ),
)


def load_demo_needs() -> int:
    """Create the demo needs once; returns how many were created."""
    if db.session.scalar(select(Need.id).where(Need.is_demo.is_(True)).limit(1)):
        return 0
    council = db.session.scalar(select(Council).where(Council.slug == COUNCIL_SLUG))
    people = {
        "mayor": accounts.find_by_email(MAYOR_EMAIL),
        "member": accounts.find_by_email(MEMBER_EMAIL),
    }
    if council is None or not council.districts or None in people.values():
        return 0
    district = council.districts[0]
    categories = {c.slug: c for c in proposal_services.categories()}
    proposal_id = db.session.scalar(
        select(Proposal.id)
        .where(
            Proposal.district_id == district.id,
            Proposal.visible(),
            Proposal.withdrawn_at.is_(None),
        )
        .order_by(Proposal.id)
        .limit(1)
    )
    created = 0
    for n, (title, text, slug, priority, status, offset, address, by) in enumerate(NEEDS):
        place = services.place_from_district(council, district, address)
        if offset is not None:
            with suppress(services.NeedError):  # else the district's label point
                place = services.place_from_point(
                    council, district.label_lat + offset[0], district.label_lon + offset[1], address
                )
        need = services.create_need(
            people[by],
            council,
            title=title,
            description=text,
            category=categories.get(slug) or categories["other"],
            priority=priority,
            place=place,
            linked_proposal_ids=[proposal_id] if n == 0 and proposal_id else [],
            is_demo=True,
        )
        if status is not None:
            services.set_status(people[by], need, status)
        created += 1
    db.session.flush()
    return created
