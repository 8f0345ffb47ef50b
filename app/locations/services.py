"""Saving scenarios, recording the board's decision, share links and their openings.

Services flush, never commit; the route commits once. Every create, edit, decision, share
and revocation writes an audit entry.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import Office
from ..core.audit import record
from ..core.time import as_utc, utcnow
from ..districts.models import District
from ..extensions import db
from ..measures.models import Measure
from . import criteria
from .models import (
    TEXT_MAX,
    TITLE_MAX,
    LocationCriterion,
    LocationScenario,
    LocationShare,
    LocationShareOpening,
)

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
MAX_CRITERIA = 12
MAX_WEIGHT = 100
SHARE_DAYS_DEFAULT = 30
SHARE_DAYS_MAX = 365
SHOWN, EXPIRED, REVOKED = "shown", "expired", "revoked"


class ScenarioError(ValueError):
    """A problem with what was typed (translated), for the field ``field``."""

    def __init__(self, message: str, field: str = "title") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class CriterionRow:
    kind: str
    params: dict
    direction: int = 0
    weight: float = 1.0


@dataclass
class ScenarioData:
    title: str
    question: str = ""
    programme: str = ""
    office_id: int | None = None
    criteria: list[CriterionRow] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------


def scenarios() -> list[LocationScenario]:
    return list(
        db.session.scalars(select(LocationScenario).order_by(LocationScenario.updated_at.desc()))
    )


def get_scenario(scenario_id: int) -> LocationScenario | None:
    return db.session.get(LocationScenario, scenario_id)


def get_many(ids: list[int]) -> list[LocationScenario]:
    found = {
        s.id: s
        for s in db.session.scalars(select(LocationScenario).where(LocationScenario.id.in_(ids)))
    }
    return [found[i] for i in ids if i in found]


def offices() -> list[Office]:
    return list(db.session.scalars(select(Office).order_by(Office.name_de)))


def measures() -> list[tuple[int, str]]:
    return [
        tuple(r)
        for r in db.session.execute(select(Measure.id, Measure.title).order_by(Measure.title))
    ]


def districts() -> list[tuple[int, str, str]]:
    return [
        tuple(r)
        for r in db.session.execute(
            select(District.id, District.number, District.name).order_by(District.number)
        )
    ]


def user_office_ids(user: Any) -> set[int]:
    roles = getattr(user, "roles", None) or []
    return {r.office_id for r in roles if r.role == "planner" and r.office_id is not None}


# --- saving --------------------------------------------------------------------------------------


def _snapshot(scenario: LocationScenario) -> dict:
    return {
        "title": scenario.title,
        "office_id": scenario.office_id,
        "criteria": [
            {"kind": c.kind, "params": c.params, "direction": c.direction, "weight": c.weight}
            for c in scenario.criteria
        ],
    }


def validate(data: ScenarioData) -> list[ScenarioError]:
    problems = []
    if not data.title.strip():
        problems.append(ScenarioError(_("Please give the scenario a title."), "title"))
    elif len(data.title.strip()) > TITLE_MAX:
        problems.append(ScenarioError(_("At most %(n)s characters, please.", n=TITLE_MAX), "title"))
    for name in ("question", "programme"):
        if len(getattr(data, name)) > TEXT_MAX:
            problems.append(ScenarioError(_("At most %(n)s characters, please.", n=TEXT_MAX), name))
    if not data.criteria:
        problems.append(ScenarioError(_("Please choose at least one criterion."), "criteria"))
    if len(data.criteria) > MAX_CRITERIA:
        problems.append(
            ScenarioError(_("At most %(n)s criteria, please.", n=MAX_CRITERIA), "criteria")
        )
    for row in data.criteria:
        if row.kind not in criteria.KINDS:
            problems.append(
                ScenarioError(_("Please choose a criterion from the list."), "criteria")
            )
        if not (
            isinstance(row.weight, int | float)
            and 1 <= row.weight <= MAX_WEIGHT
            and float(row.weight).is_integer()
        ):
            problems.append(
                ScenarioError(
                    _("Weights are whole numbers from 1 to %(n)s.", n=MAX_WEIGHT), "criteria"
                )
            )
        if row.direction not in (-1, 0, 1):
            problems.append(ScenarioError(_("Please choose a direction."), "criteria"))
    if data.office_id is not None and db.session.get(Office, data.office_id) is None:
        problems.append(ScenarioError(_("Unknown office."), "office"))
    return problems


class ScenarioInvalid(ValueError):
    def __init__(self, problems: list[ScenarioError]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def save_scenario(
    actor: Any, scenario: LocationScenario | None, data: ScenarioData
) -> LocationScenario:
    """Create or edit a scenario with its criteria (replaced as a whole); audited."""
    problems = validate(data)
    if problems:
        raise ScenarioInvalid(problems)
    creating = scenario is None
    before = None if creating else _snapshot(scenario)
    if creating:
        scenario = LocationScenario(created_by_id=getattr(actor, "id", None))
        db.session.add(scenario)
    scenario.title = data.title.strip()
    scenario.question = data.question.strip()
    scenario.programme = data.programme.strip()
    scenario.office_id = data.office_id
    scenario.criteria.clear()
    db.session.flush()
    for position, row in enumerate(data.criteria):
        scenario.criteria.append(
            LocationCriterion(
                position=position,
                kind=row.kind,
                params=dict(row.params),
                direction=row.direction,
                weight=float(row.weight),
            )
        )
    scenario.updated_at = utcnow()
    db.session.flush()
    record(
        actor,
        "location_scenario.created" if creating else "location_scenario.edited",
        "location_scenario",
        scenario.id,
        before=before,
        after=_snapshot(scenario),
    )
    return scenario


def decide(
    actor: Any,
    scenario: LocationScenario,
    *,
    text: str,
    reasons: str,
    district_id: int | None,
    measure_id: int | None,
) -> None:
    """Record the board's decision and its reasons, linked to a measure; audited."""
    problems = []
    if not text.strip():
        problems.append(ScenarioError(_("Please write down the decision."), "decision_text"))
    if not reasons.strip():
        problems.append(ScenarioError(_("Please give the board's reasons."), "decision_reasons"))
    if len(text) > TEXT_MAX or len(reasons) > TEXT_MAX:
        problems.append(
            ScenarioError(_("At most %(n)s characters, please.", n=TEXT_MAX), "decision_text")
        )
    if district_id is not None and db.session.get(District, district_id) is None:
        problems.append(ScenarioError(_("Unknown district."), "district"))
    if measure_id is not None and db.session.get(Measure, measure_id) is None:
        problems.append(ScenarioError(_("Unknown measure."), "measure"))
    if problems:
        raise ScenarioInvalid(problems)
    before = {
        "decision": scenario.decision_text,
        "district_id": scenario.decided_district_id,
        "measure_id": scenario.measure_id,
    }
    scenario.decision_text = text.strip()
    scenario.decision_reasons = reasons.strip()
    scenario.decided_district_id = district_id
    scenario.measure_id = measure_id
    scenario.decided_at = utcnow()
    scenario.decided_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        actor,
        "location_scenario.decided",
        "location_scenario",
        scenario.id,
        reason=scenario.decision_reasons,
        before=before,
        after={
            "decision": scenario.decision_text,
            "district_id": district_id,
            "measure_id": measure_id,
        },
        district_id=district_id,
    )


# --- share links ------------------------------------------------------------------------------


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_share(
    actor: Any, scenario: LocationScenario, *, days: int, label: str = ""
) -> tuple[LocationShare, str]:
    """A new read-only link valid for ``days`` days: (the share, its token). Only the token's
    digest is stored; the token is shown once."""
    if not (isinstance(days, int) and 1 <= days <= SHARE_DAYS_MAX):
        raise ScenarioInvalid(
            [ScenarioError(_("Between 1 and %(n)s days, please.", n=SHARE_DAYS_MAX), "days")]
        )
    if len(label) > 200:
        raise ScenarioInvalid(
            [ScenarioError(_("At most %(n)s characters, please.", n=200), "label")]
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    share = LocationShare(
        scenario_id=scenario.id,
        token_digest=digest(token),
        label=label.strip(),
        created_by_id=getattr(actor, "id", None),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(share)
    db.session.flush()
    record(
        actor,
        "location_share.created",
        "location_scenario",
        scenario.id,
        after={"share": share.id, "expires_at": share.expires_at.isoformat(), "label": share.label},
    )
    return share, token


def revoke_share(actor: Any, share: LocationShare) -> bool:
    if share.revoked_at is not None:
        return False
    share.revoked_at = utcnow()
    share.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        actor,
        "location_share.revoked",
        "location_scenario",
        share.scenario_id,
        after={"share": share.id},
    )
    return True


def share_state(share: LocationShare, now: datetime | None = None) -> str:
    now = now or utcnow()
    if share.revoked_at is not None:
        return REVOKED
    if as_utc(share.expires_at) <= now:
        return EXPIRED
    return SHOWN


def open_share(token: str) -> tuple[LocationShare | None, str]:
    """The share of ``token`` and whether it may be shown; every opening of a known token is
    logged (an unknown token has nothing to log)."""
    if not token or len(token) > 100:
        return None, ""
    share = db.session.scalar(
        select(LocationShare).where(LocationShare.token_digest == digest(token))
    )
    if share is None:
        return None, ""
    state = share_state(share)
    db.session.add(LocationShareOpening(share_id=share.id, outcome=state))
    db.session.flush()
    return share, state


def shares(scenario: LocationScenario) -> list[LocationShare]:
    return list(
        db.session.scalars(
            select(LocationShare)
            .where(LocationShare.scenario_id == scenario.id)
            .order_by(LocationShare.created_at.desc(), LocationShare.id.desc())
        ).unique()
    )


def get_share(scenario: LocationScenario, share_id: int) -> LocationShare | None:
    share = db.session.get(LocationShare, share_id)
    return share if share is not None and share.scenario_id == scenario.id else None


def openings(share_ids: list[int]) -> dict[int, list[LocationShareOpening]]:
    """The openings of the shares, newest first (one query)."""
    found: dict[int, list[LocationShareOpening]] = {i: [] for i in share_ids}
    if share_ids:
        rows = db.session.scalars(
            select(LocationShareOpening)
            .where(LocationShareOpening.share_id.in_(share_ids))
            .order_by(LocationShareOpening.opened_at.desc(), LocationShareOpening.id.desc())
        )
        for row in rows:
            found[row.share_id].append(row)
    return found


def opening_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(LocationShare.scenario_id, func.count(LocationShareOpening.id))
        .join(LocationShareOpening, LocationShareOpening.share_id == LocationShare.id)
        .group_by(LocationShare.scenario_id)
    )
    return dict(rows.all())


def share_days(value: str | None) -> int:
    """The days of the form's text (ASCII digits); :class:`ScenarioInvalid` otherwise."""
    text = (value or "").strip()
    if not text:
        return SHARE_DAYS_DEFAULT
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise ScenarioInvalid(
            [ScenarioError(_("Between 1 and %(n)s days, please.", n=SHARE_DAYS_MAX), "days")]
        )
    return int(text)


def weight_of(value: str | None) -> float:
    """A weight from the form (whole number 1 … 100); ``math.nan`` for anything else, which
    :func:`validate` reports."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 3:
        return float(int(text))
    return math.nan
