"""Demo people in each role, then the demo content of every domain."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts import services as accounts
from ..accounts.models import Office
from ..core import search
from ..core.permissions import ADMIN, COUNCIL_MEMBER, MAYOR, PLANNER
from ..districts.models import Council
from ..extensions import db
from ..workflow import services as workflow
from .barriers import _demo_people, load_demo_barriers
from .indicators import load_demo_indicators
from .locations import load_demo_location
from .measures import load_demo_measures
from .needs import load_demo_needs
from .proposals import load_demo_proposals

DEMO_PASSWORD = "quartier-demo"  # noqa: S105 - development only, printed on the console

DEMO_PEOPLE = (
    ("buergerin@demo.example.org", "Bürgerin Demo", None, None, None),
    (
        "ortsteilbuergermeister@demo.example.org",
        "OTB Moskauer Platz",
        MAYOR,
        "moskauer-platz",
        None,
    ),
    ("ortsteilrat@demo.example.org", "Ortsteilrat Demo", COUNCIL_MEMBER, "moskauer-platz", None),
    ("planerin@demo.example.org", "Sozialplanung Demo", PLANNER, None, "social-planning"),
    ("admin@demo.example.org", "Admin Demo", ADMIN, None, None),
)


def load_demo() -> list[tuple[str, str, str]]:
    """Create the demo people that do not exist yet; returns (email, role, password) rows."""
    created = []
    for email, name, role, council_slug, office_slug in DEMO_PEOPLE:
        if accounts.find_by_email(email) is not None:
            continue
        user = accounts.register(email, name, DEMO_PASSWORD, "de")
        accounts.confirm_email(user)
        if role is not None:
            council = db.session.scalar(select(Council).where(Council.slug == council_slug))
            office = db.session.scalar(select(Office).where(Office.slug == office_slug))
            accounts.grant_role(
                None,
                user,
                role,
                council_id=council.id if council else None,
                office_id=office.id if office else None,
            )
        created.append((email, role or "citizen", DEMO_PASSWORD))
    workflow.load_statuses()  # every demo input gets its work item
    load_demo_barriers(DEMO_PASSWORD)
    load_demo_proposals(_demo_people(DEMO_PASSWORD))
    load_demo_needs()
    load_demo_indicators()
    load_demo_measures()  # after the proposals and indicators they refer to
    load_demo_location()  # after the measure its decision led to
    search.reindex()  # SQLite: the demo proposals are inserted in bulk, past the ORM's events
    return created
