"""Demo proposals: ~300 deterministic proposals over all districts, with supports from the
demo neighbours of the barriers demo. Marked ``is_demo``; idempotent; fast (bulk inserts)."""

from __future__ import annotations

import random

from sqlalchemy import insert, select

from ..core import clusters
from ..core.time import utcnow
from ..districts import services as district_services
from ..districts.models import District
from ..extensions import db
from ..proposals import services
from ..proposals.models import Proposal, Support
from ..workflow import services as workflow

COUNT = 300

TITLES = {
    "education": (
        "Hausaufgabenhilfe im Stadtteilzentrum",
        "Mehr Plätze in der Volkshochschule",
        "Bücherschrank am Platz",
        "Lernraum für Schülerinnen und Schüler",
    ),
    "children-youth": (
        "Jugendtreff länger öffnen",
        "Bolzplatz sanieren",
        "Skateanlage für Jugendliche",
        "Ferienangebote für Kinder",
    ),
    "seniors": (
        "Bänke für Ältere am Weg",
        "Seniorentreff am Nachmittag",
        "Begleitdienst zum Einkaufen",
        "Sitzgelegenheiten an der Haltestelle",
    ),
    "families": (
        "Wickelraum im Bürgeramt",
        "Familiencafé im Quartier",
        "Kinderwagengerechter Zugang",
        "Spieltreff für Eltern mit Babys",
    ),
    "mobility": (
        "Sichere Querung an der Kreuzung",
        "Radweg durchgehend markieren",
        "Busanbindung am Abend",
        "Abgesenkter Bordstein",
        "Fahrradbügel am Markt",
    ),
    "green-play": (
        "Spielplatz erneuern",
        "Mehr Bäume in der Straße",
        "Gemeinschaftsgarten",
        "Trinkbrunnen im Park",
        "Wiese statt Schotterfläche",
    ),
    "housing": ("Leerstand nutzen", "Barrierefreie Wohnungen", "Hofbegrünung im Block"),
    "health": (
        "Hausarztpraxis im Viertel",
        "Defibrillator am Bürgerhaus",
        "Bewegungsangebot im Park",
    ),
    "culture": (
        "Nachbarschaftsfest im Sommer",
        "Raum für Vereine",
        "Freiluftkino im Hof",
        "Stadtteilbibliothek öffnen",
    ),
    "safety": (
        "Bessere Beleuchtung am Durchgang",
        "Tempo 30 vor der Schule",
        "Zebrastreifen am Kindergarten",
    ),
    "other": ("Öffentliche Toilette", "Mülleimer an der Haltestelle", "WLAN im Bürgerhaus"),
}
DESCRIPTIONS = (
    "Das würde vielen im Viertel den Alltag leichter machen.",
    "Wir haben darüber beim Nachbarschaftstreffen gesprochen; viele sehen es genauso.",
    "Besonders Familien und ältere Menschen würden davon profitieren.",
    "Bisher fehlt so etwas hier ganz. Ich helfe gern bei der Umsetzung.",
)
# workflow status keys; "withdrawn" is the author's act (status stays "new")
STATUS_WEIGHTS = (
    ("new", 60),
    ("in_review", 15),
    ("planned", 10),
    ("declined", 5),
    ("done", 5),
    ("withdrawn", 5),
)


def load_demo_proposals(people: list) -> int:
    """Create the demo proposals once; returns how many were created."""
    services.load_categories()
    if db.session.scalar(select(Proposal.id).where(Proposal.is_demo.is_(True)).limit(1)):
        return 0
    districts = list(db.session.scalars(select(District).order_by(District.number)))
    if not districts or not people:
        return 0
    categories = {c.slug: c for c in services.categories()}
    rng = random.Random(3001)  # noqa: S311 - demo data, not security
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    rows, chosen = [], []
    now = utcnow()
    for n in range(COUNT):
        district = districts[n % len(districts)]
        slug = rng.choice(sorted(TITLES))
        title = rng.choice(TITLES[slug])
        lat = district.label_lat + rng.uniform(-0.004, 0.004)
        lon = district.label_lon + rng.uniform(-0.006, 0.006)
        from_map = rng.random() < 0.85
        try:
            area = district_services.locate(lat, lon)
            district_id = area.id
        except district_services.OutsideCity:
            lat, lon, district_id = district.label_lat, district.label_lon, district.id
        if not from_map:
            lat, lon, district_id = district.label_lat, district.label_lon, district.id
        author = people[rng.randrange(len(people))]
        status = rng.choice(statuses)
        chosen.append(status)
        rows.append(
            {
                "title": title,
                "description": rng.choice(DESCRIPTIONS),
                "category_id": categories[slug].id,
                "author_id": author.id,
                "lat": lat,
                "lon": lon,
                "district_id": district_id,
                "address": "",
                "place_from_map": from_map,
                "withdrawn_at": now if status == "withdrawn" else None,
                "photo": None,
                "is_demo": True,
            }
        )
    db.session.execute(insert(Proposal), rows)
    clusters.rebuild("proposal")  # a bulk insert passes the map's counters by
    created = list(
        db.session.execute(
            select(
                Proposal.id,
                Proposal.author_id,
                Proposal.district_id,
                Proposal.category_id,
                Proposal.created_at,
            )
            .where(Proposal.is_demo.is_(True))
            .order_by(Proposal.id)
        )
    )
    workflow.import_items(
        "proposal",
        [
            workflow.ImportedItem(
                target_id=pid,
                status_key="new" if status == "withdrawn" else status,
                district_id=district_id,
                category_id=category_id,
                created_at=created_at,
            )
            for (pid, _a, district_id, category_id, created_at), status in zip(
                created, chosen, strict=True
            )
        ],
    )
    supports = []
    for (pid, author_id, *_rest), status in zip(created, chosen, strict=True):
        if status == "withdrawn":
            continue
        for person in rng.sample(people, rng.randint(0, len(people))):
            if person.id != author_id:
                supports.append({"user_id": person.id, "proposal_id": pid})
    if supports:
        db.session.execute(insert(Support), supports)
        workflow.recount_all_supports()  # bulk rows bypass the supports service
    db.session.flush()
    return len(created)
