"""Demo offers and access-barrier reports (never in production).

The offers come from ``app/barriers/data/demo_offers.csv`` (invented names marked "(Demo)",
plausible places in Erfurt; not a list of real facilities). The reports are deterministic:
a few "hot" reports gather enough "affects me too" that some summary cells pass the threshold;
the many scattered reports stay below it.
"""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import select

from ..accounts import services as accounts
from ..barriers import services
from ..barriers.models import AFFECTED, AGE_GROUPS, BARRIER_TYPES, Offer
from ..districts.models import District
from ..extensions import db

DEMO_OFFERS = Path(__file__).resolve().parents[1] / "barriers" / "data" / "demo_offers.csv"
DEMO_NEIGHBOURS = 12
NEIGHBOUR_EMAIL = "nachbar{n}@demo.example.org"

# A plausible text for the first barrier type of a report ("" for no text).
TEXTS = {
    "transport": "Der Bus fährt abends nicht mehr, nach dem Kurs komme ich nicht nach Hause.",
    "travel_cost": "Die Fahrkarte ist für uns zu teuer, wenn wir jede Woche fahren.",
    "escort": "Ohne Begleitung kann ich den Weg nicht allein machen.",
    "physical": "Der Eingang hat Stufen und keinen Aufzug.",
    "times_childcare": "Der Kurs ist vormittags, da gibt es keine Kinderbetreuung.",
    "language_information": "Die Informationen gibt es nur auf Deutsch.",
    "offer_cost": "Die Kursgebühr können wir nicht bezahlen.",
    "other": "",
}

# (offer index in the CSV, barrier types, number of people saying "affects me too")
HOT = (
    (4, ("transport", "escort"), 7),  # Herrenberg library: cells reach the threshold
    (11, ("transport", "travel_cost"), 6),  # Wiesenhügel youth house
    (14, ("physical",), 3),  # stays below the threshold
)


def _demo_people(password: str) -> list:
    people = []
    for n in range(1, DEMO_NEIGHBOURS + 1):
        email = NEIGHBOUR_EMAIL.format(n=n)
        user = accounts.find_by_email(email)
        if user is None:
            user = accounts.register(email, f"Nachbar/in {n} (Demo)", password, "de")
            accounts.confirm_email(user)
        people.append(user)
    return people


def load_demo_barriers(password: str) -> int:
    """Demo offers, demo neighbours and reports; idempotent. Returns the reports created."""
    services.load_offer_types()
    services.load_barrier_types()
    if db.session.scalar(select(Offer.id).where(Offer.is_demo.is_(True)).limit(1)):
        return 0
    if db.session.scalar(select(District.id).limit(1)) is None:
        return 0  # no districts loaded (``flask setup`` first): nothing to place offers in
    report = services.validate_offer_csv(DEMO_OFFERS.read_text(encoding="utf-8"))
    if report.problems:  # pragma: no cover - the shipped file is checked by a test
        raise RuntimeError(f"demo offers: {report.problems}")
    services.import_offers(None, report, is_demo=True)
    offers = list(
        db.session.scalars(select(Offer).where(Offer.is_demo.is_(True)).order_by(Offer.id))
    )
    districts = {d.number: d for d in db.session.scalars(select(District))}
    people = _demo_people(password)
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    created = 0

    def details(codes):
        return {
            "barrier_types": list(codes),
            "affected": rng.choice(AFFECTED),
            "age_group": rng.choice(AGE_GROUPS),
            "participation_benefits": rng.choice(("yes", "no", "not_stated")),
        }

    for index, codes, extra in HOT:
        offer = offers[index]
        author, *others = rng.sample(people, extra + 1)
        hot = services.create_report(
            author,
            offer=offer,
            offer_text="",
            district_from=offer.district,
            text=TEXTS[codes[0]],
            visibility="public",
            details=details(codes),
            is_demo=True,
        )
        for person in others:
            services.set_affected(person, hot, details(codes))
        created += 1
    numbers = sorted(districts)
    for i in range(30):
        codes = rng.sample(BARRIER_TYPES, rng.choice((1, 1, 2, 3)))
        free_text = i % 10 == 9
        services.create_report(
            rng.choice(people),
            offer=None if free_text else rng.choice(offers),
            offer_text="Sprachcafé im Stadtteil (Demo)" if free_text else "",
            district_from=districts[rng.choice(numbers)],
            text=TEXTS[codes[0]] if rng.random() < 0.7 else "",
            visibility="administration" if i % 7 == 6 else "public",
            details=details(codes),
            is_demo=True,
        )
        created += 1
    db.session.flush()
    return created
