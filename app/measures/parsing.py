"""Reading the text forms of a measure's parts, shared by the back-office form and the
import: districts ("23, 24"), target indicators ("sgb2_rate:down, ..."), inputs
("proposal:12, ..."), milestones ("2027-03-01; Spatenstich; done" per line), places
("50.98, 11.03, Spielplatz" per line), dates, budgets, progress. Each parser raises
:class:`MeasureError` with a message in the person's language."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..districts.models import District
from ..extensions import db
from ..indicators.models import Indicator
from .models import DIRECTIONS
from .services import MeasureError, office_by_text, parse_input_ref

_SPLIT = re.compile(r"\s*[,;]\s*")
DONE_WORDS = {"done", "erledigt", "x", "ja", "yes", "1", "✓"}


def _parts(text: str) -> list[str]:
    return [p for p in _SPLIT.split((text or "").strip()) if p]


def parse_date(value: Any, field: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise MeasureError(
            _("“%(value)s” is not a date (YYYY-MM-DD).", value=str(value).strip()), field
        ) from None


def parse_money(value: Any, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        raw = str(value).strip().replace(" ", "").replace("€", "")
        if "," in raw:  # German: 1.500,50
            raw = raw.replace(".", "").replace(",", ".")
        try:
            number = float(raw)
        except ValueError:
            raise MeasureError(
                _("“%(value)s” is not an amount.", value=str(value).strip()), field
            ) from None
    if not math.isfinite(number) or number < 0:
        raise MeasureError(_("A budget must be a number of at least 0."), field)
    return number


def parse_progress(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip().rstrip("%").strip()
    if not re.fullmatch(r"-?\d{1,4}", raw):
        raise MeasureError(_("The progress must be a whole number from 0 to 100."), "progress")
    number = int(raw)
    if not 0 <= number <= 100:
        raise MeasureError(_("The progress must lie between 0 and 100."), "progress")
    return number


def parse_districts(text: Any) -> list[int]:
    """District numbers (``"5, 23"`` or ``"05;23"``) → ids; unknown numbers are an error."""
    wanted = []
    for part in _parts(str(text or "")):
        if not part.isascii() or not part.isdigit() or len(part) > 2:
            raise MeasureError(_("Unknown district “%(value)s”.", value=part), "districts")
        wanted.append(f"{int(part):02d}")
    if not wanted:
        return []
    found = dict(
        db.session.execute(
            select(District.number, District.id).where(District.number.in_(wanted))
        ).all()
    )
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise MeasureError(
            _("Unknown district “%(value)s”.", value=", ".join(unknown)), "districts"
        )
    return sorted({found[n] for n in wanted})


def parse_offices(text: Any) -> list[int]:
    """An office by slug or name; several separated by commas or semicolons."""
    raw = str(text or "").strip()
    if not raw:
        return []
    whole = office_by_text(raw)
    if whole is not None:
        return [whole.id]
    ids = []
    for part in _parts(raw):
        office = office_by_text(part)
        if office is None:
            raise MeasureError(_("Unknown office “%(value)s”.", value=part), "offices")
        ids.append(office.id)
    return sorted(set(ids))


def parse_indicators(text: Any) -> list[tuple[int, str]]:
    """``"sgb2_rate:down, child_poverty:down"`` → ``[(indicator id, direction), …]``."""
    pairs = []
    for part in _parts(str(text or "")):
        code, sep, direction = part.partition(":")
        direction = direction.strip().lower() if sep else ""
        if direction not in DIRECTIONS:
            raise MeasureError(
                _(
                    "“%(value)s”: name the expected direction, e.g. %(example)s.",
                    value=part,
                    example="sgb2_rate:down",
                ),
                "indicators",
            )
        pairs.append((code.strip(), direction))
    if not pairs:
        return []
    codes = [c for c, _d in pairs]
    found = dict(
        db.session.execute(
            select(Indicator.code, Indicator.id).where(Indicator.code.in_(codes))
        ).all()
    )
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise MeasureError(
            _("Unknown indicator code “%(value)s”.", value=", ".join(unknown)), "indicators"
        )
    if len(set(codes)) != len(codes):
        raise MeasureError(_("Each target indicator can be named once."), "indicators")
    return [(found[c], d) for c, d in pairs]


def format_indicators(pairs: list[tuple[Any, str]]) -> str:
    return ", ".join(f"{indicator.code}:{direction}" for indicator, direction in pairs)


def parse_inputs(text: Any) -> list[tuple[str, int]]:
    refs = []
    for part in _parts(str(text or "")):
        refs.append(parse_input_ref(part))
    if len(set(refs)) != len(refs):
        raise MeasureError(_("An input is named twice."), "inputs")
    return refs


def parse_milestones(text: str) -> list[tuple[str, date, bool]]:
    """One per line: ``date; title`` and optionally ``; done``."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        pieces = [p.strip() for p in line.split(";")]
        if len(pieces) < 2 or not pieces[1]:
            raise MeasureError(
                _(
                    "Milestone line %(n)d: write “date; title” (and “; done” when reached).",
                    n=number,
                ),
                "milestones",
            )
        day = parse_date(pieces[0], "milestones")
        done = len(pieces) > 2 and pieces[2].casefold() in DONE_WORDS
        found.append((pieces[1][:200], day, done))
    return found


def format_milestones(milestones) -> str:
    return "\n".join(
        f"{m.day.isoformat()}; {m.title}{'; done' if m.done else ''}" for m in milestones
    )


def parse_places(text: str) -> list[tuple[float, float, str]]:
    """One per line: ``latitude, longitude`` and optionally ``, label``."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        pieces = [p.strip() for p in line.split(",", 2)]
        try:
            lat, lon = float(pieces[0]), float(pieces[1])
        except (ValueError, IndexError):
            raise MeasureError(
                _("Place line %(n)d: write “latitude, longitude, label”.", n=number), "places"
            ) from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90):
            raise MeasureError(
                _("Place line %(n)d: write “latitude, longitude, label”.", n=number), "places"
            )
        found.append((lat, lon, pieces[2][:200] if len(pieces) > 2 else ""))
    return found


def format_places(places) -> str:
    return "\n".join(f"{p.lat:.6f}, {p.lon:.6f}{', ' + p.label if p.label else ''}" for p in places)
