"""Offers catalogue, barrier reports, "affects me too" and the thresholded aggregates.

Services flush, never commit; the route or CLI command commits once.

Privacy rules of the aggregates (``summary``)
---------------------------------------------
* A cell counts affected people (``AffectedPerson`` rows): a person who chose three barrier
  types counts once in each of the three cells.
* Reports "only for the city administration" count too: an aggregate at or above the
  threshold reveals no individual, and leaving them out would understate the barriers.
  Reports hidden or pending by the moderation (``BarrierReport.visible()``) do not count.
  Reports about an offer given only as free text count in the district table but not in the
  offer table (they have no offer to group by).
* Only cells with at least ``BARRIER_MIN_CELL`` people (default 5) are published; smaller
  cells are left out entirely (the table says "fewer than N" without a number).
* No total is published that includes a suppressed cell: the only totals are the sums of the
  published cells of a row, labelled as such. There is no overall number of people or
  reports, so nobody can subtract the published cells from a total to learn a hidden one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass, field

from flask import current_app, g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..core.audit import AuditEntry, record, record_changes
from ..core.i18n import current_language, localized
from ..districts.models import District
from ..districts.services import OutsideCity, locate
from ..extensions import db
from ..workflow import services as workflow
from .models import (
    AFFECTED,
    AGE_GROUPS,
    BARRIER_TYPES,
    BENEFITS,
    SEEDED_BARRIER_TYPES,
    VISIBILITY_PUBLIC,
    AffectedBarrier,
    AffectedPerson,
    BarrierReport,
    BarrierType,
    Offer,
    OfferType,
)

# --- labels ---------------------------------------------------------------------------------

AFFECTED_LABELS = {
    "self": _l("I myself"),
    "child": _l("My child"),
    "relative": _l("A relative"),
    "client": _l("A client I support"),
}
AGE_LABELS = {
    "under_18": _l("under 18"),
    "18_29": _l("18 to 29"),
    "30_49": _l("30 to 49"),
    "50_64": _l("50 to 64"),
    "65_79": _l("65 to 79"),
    "80_plus": _l("80 or older"),
}
BENEFIT_LABELS = {
    "not_stated": _l("Not stated"),
    "yes": _l("Yes"),
    "no": _l("No"),
}
assert set(AFFECTED_LABELS) == set(AFFECTED)
assert set(AGE_LABELS) == set(AGE_GROUPS)
assert set(BENEFIT_LABELS) == set(BENEFITS)

OFFER_TYPES = (
    ("adult-education", "Volkshochschule (Standort)", "Adult-education centre branch"),
    ("library", "Bibliothek", "Library"),
    ("music-school", "Musikschule (Standort)", "Music school branch"),
    ("youth-house", "Jugendhaus", "Youth house"),
    ("multi-generation-house", "Mehrgenerationenhaus", "Multi-generation house"),
    ("participation-centre", "Teilhabezentrum", "Participation centre"),
    ("family-centre", "Familienzentrum", "Family centre"),
    ("other", "Sonstiges Angebot", "Other offer"),
)

MAX_TEXT = 2000
MAX_CSV_BYTES = 1024 * 1024


class BarrierError(ValueError):
    """A request the rules refuse (message translated, shown to the person)."""


# --- barrier types (data: names in both languages, order, offered) ----------------------------


def load_barrier_types() -> int:
    """Create the standard barrier types that do not exist yet (idempotent; migration 0021
    seeds the same rows)."""
    existing = set(db.session.scalars(select(BarrierType.code)))
    created = 0
    for code, name_de, name_en, position in SEEDED_BARRIER_TYPES:
        if code not in existing:
            db.session.add(
                BarrierType(code=code, name_de=name_de, name_en=name_en, position=position)
            )
            created += 1
    db.session.flush()
    _forget_barrier_types()
    return created


@dataclass(frozen=True)
class BarrierTypeRow:
    """A barrier type as read for labels and choices (a plain copy: cached per request, so it
    must not expire with a commit as ORM rows do)."""

    id: int
    code: str
    name_de: str
    name_en: str
    position: int
    active: bool

    def name(self, locale: str = "de") -> str:
        return self.name_en if locale == "en" else self.name_de


def _all_barrier_types() -> list[BarrierTypeRow]:
    """All barrier types in their order, read once per request (or app context)."""
    cached = g.get("_barrier_types")
    if cached is None:
        with db.session.no_autoflush:  # reference data: pending rows do not matter
            rows = db.session.execute(
                select(
                    BarrierType.id,
                    BarrierType.code,
                    BarrierType.name_de,
                    BarrierType.name_en,
                    BarrierType.position,
                    BarrierType.active,
                ).order_by(BarrierType.position, BarrierType.id)
            )
            cached = [BarrierTypeRow(*row) for row in rows]
        g._barrier_types = cached
    return cached


def _forget_barrier_types() -> None:
    g.pop("_barrier_types", None)


def barrier_types(*, include_inactive: bool = False) -> list[BarrierTypeRow]:
    return [t for t in _all_barrier_types() if include_inactive or t.active]


def barrier_order() -> list[str]:
    """Every code in the configured order (codes without a row at the end)."""
    codes = [t.code for t in _all_barrier_types()]
    return codes + [c for c in BARRIER_TYPES if c not in codes]


def barrier_labels() -> dict[str, str]:
    """Code -> name in the current language, inactive types included (old reports)."""
    language = current_language()
    return {t.code: t.name(language) for t in _all_barrier_types()}


def barrier_label(code: str) -> str:
    return barrier_labels().get(code, code)


def barrier_choices(keep=()) -> list[tuple[str, str]]:
    """The types offered for a new choice: the active ones, plus the codes in ``keep`` (what a
    person chose before a type was switched off), in the configured order."""
    language = current_language()
    kept = set(keep)
    return [(t.code, t.name(language)) for t in _all_barrier_types() if t.active or t.code in kept]


def update_barrier_type(
    actor, barrier_type: BarrierType, *, name_de: str, name_en: str, position: int, active: bool
) -> bool:
    """Change a barrier type's names, order and whether it is offered (its code stays).
    Audited; returns whether anything changed."""
    changed = record_changes(
        actor,
        barrier_type,
        {
            "name_de": name_de.strip(),
            "name_en": name_en.strip(),
            "position": position,
            "active": active,
        },
        "barrier_type.edited",
        "barrier_type",
    )
    _forget_barrier_types()
    return bool(changed)


def min_cell() -> int:
    return int(current_app.config.get("BARRIER_MIN_CELL", 5))


# --- offer types and offers ---------------------------------------------------------------


def load_offer_types() -> int:
    """Create the standard offer types that do not exist yet (idempotent)."""
    existing = set(db.session.scalars(select(OfferType.slug)))
    created = 0
    for slug, name_de, name_en in OFFER_TYPES:
        if slug not in existing:
            db.session.add(OfferType(slug=slug, name_de=name_de, name_en=name_en))
            created += 1
    db.session.flush()
    return created


def offer_types() -> list[OfferType]:
    return list(db.session.scalars(select(OfferType).order_by(OfferType.id)))


def list_offers(q: str = "", *, include_inactive: bool = False) -> list[Offer]:
    query = select(Offer).join(District, Offer.district_id == District.id)
    if not include_inactive:
        query = query.where(Offer.active.is_(True))
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(Offer.name).like(pattern),
                func.lower(Offer.address).like(pattern),
                func.lower(District.name).like(pattern),
            )
        )
    return list(db.session.scalars(query.order_by(District.number, Offer.name)))


def _district_for(lat: float, lon: float) -> District:
    area = locate(lat, lon)  # raises OutsideCity
    return db.session.get(District, area.id)


def save_offer(actor, offer: Offer | None, **values) -> Offer:
    """Create or update an offer; the district is assigned by ``locate``."""
    try:
        district = _district_for(values["lat"], values["lon"])
    except OutsideCity:
        raise BarrierError(_("This place lies outside Erfurt.")) from None
    created = offer is None
    if offer is None:
        offer = Offer()
        db.session.add(offer)
    for key, value in values.items():
        setattr(offer, key, value)
    offer.district_id = district.id
    db.session.flush()
    record(
        actor,
        "offer.created" if created else "offer.updated",
        "offer",
        offer.id,
        district_id=offer.district_id,
    )
    return offer


def set_offer_active(actor, offer: Offer, active: bool) -> None:
    if offer.active == active:
        return
    offer.active = active
    db.session.flush()
    record(
        actor,
        "offer.activated" if active else "offer.deactivated",
        "offer",
        offer.id,
        before={"active": not active},
        after={"active": active},
        district_id=offer.district_id,
    )


# --- CSV import -----------------------------------------------------------------------------

CSV_COLUMNS = ("name", "type", "address", "lat", "lon", "provider")


@dataclass
class ImportRow:
    line: int
    values: dict


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)  # valid rows, ready to write
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return bool(self.rows)


def _number(raw: str) -> float | None:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _key(name: str, address: str) -> tuple[str, str]:
    return (" ".join(name.lower().split()), " ".join(address.lower().split()))


def validate_offer_csv(text: str) -> ImportReport:
    """Check a CSV of offers row by row; nothing is written. Row numbers count the header as
    line 1. Columns: name, type (slug or name), address, lat, lon, provider; ``,`` or ``;``."""
    report = ImportReport()
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("name", "type", "lat", "lon") if c not in header]
    if missing:
        report.problems.append(
            (1, _("Columns missing in the first line: %(columns)s", columns=", ".join(missing)))
        )
        return report
    reader.fieldnames = header
    types = {}
    for t in offer_types():
        types[t.slug] = t
        types[t.name_de.lower()] = t
        types[t.name_en.lower()] = t
    existing = {_key(o.name, o.address) for o in db.session.scalars(select(Offer))}
    seen: dict[tuple[str, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k in CSV_COLUMNS}
        name, address = row.get("name", ""), row.get("address", "")
        errors = []
        if not name:
            errors.append(_("The name is missing."))
        elif len(name) > 200:
            errors.append(_("The name is longer than 200 characters."))
        offer_type = types.get(row.get("type", "").lower())
        if offer_type is None:
            errors.append(_("Unknown type “%(type)s”.", type=row.get("type", "")))
        lat, lon = _number(row.get("lat", "")), _number(row.get("lon", ""))
        district = None
        if lat is None or lon is None:
            errors.append(_("The coordinates must be numbers (latitude and longitude)."))
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.append(_("The coordinates lie outside Erfurt."))
        else:
            try:
                district = _district_for(lat, lon)
            except OutsideCity:
                errors.append(_("The coordinates lie outside Erfurt."))
        if len(address) > 200 or len(row.get("provider", "")) > 200:
            errors.append(_("Address and provider may have at most 200 characters."))
        if name:
            key = _key(name, address)
            if key in existing:
                errors.append(_("This offer is already in the catalogue."))
            elif key in seen:
                errors.append(_("Duplicate of line %(line)d.", line=seen[key]))
            else:
                seen[key] = line
        if errors:
            report.problems.extend((line, message) for message in errors)
            continue
        report.rows.append(
            ImportRow(
                line,
                {
                    "name": name,
                    "type_id": offer_type.id,
                    "address": address,
                    "lat": lat,
                    "lon": lon,
                    "district_id": district.id,
                    "provider": row.get("provider", ""),
                },
            )
        )
    if not report.rows and not report.problems:
        report.problems.append((1, _("The file contains no offers.")))
    return report


def import_offers(actor, report: ImportReport, *, is_demo: bool = False) -> int:
    """Write the valid rows of a checked CSV."""
    for row in report.rows:
        db.session.add(Offer(is_demo=is_demo, active=True, **row.values))
    db.session.flush()
    if report.rows:
        record(actor, "offer.imported", "offer", None, after={"count": len(report.rows)})
    return len(report.rows)


# --- reports --------------------------------------------------------------------------------


def _set_details(person: AffectedPerson, details: dict) -> None:
    codes = [c for c in barrier_order() if c in set(details["barrier_types"])]
    if not codes:
        raise BarrierError(_("Please choose at least one barrier."))
    person.affected = details["affected"]
    person.age_group = details["age_group"]
    person.participation_benefits = details.get("participation_benefits") or "not_stated"
    person.barriers = [AffectedBarrier(barrier_type=code) for code in codes]


def create_report(
    author,
    *,
    offer: Offer | None,
    offer_text: str,
    district_from: District,
    text: str,
    visibility: str,
    details: dict,
    is_demo: bool = False,
) -> BarrierReport:
    if offer is None and not offer_text.strip():
        raise BarrierError(_("Please choose the offer or describe it."))
    report = BarrierReport(
        offer=offer,
        offer_text=None if offer is not None else offer_text.strip(),
        district_from_id=district_from.id,
        text=text.strip()[:MAX_TEXT],
        visibility=visibility,
        author_id=getattr(author, "id", None),
        is_demo=is_demo,
        affected_count=1,
    )
    person = AffectedPerson(user_id=getattr(author, "id", None), is_reporter=True)
    _set_details(person, details)
    report.barrier_codes = ",".join(person.barrier_types)
    report.affected_people.append(person)
    db.session.add(report)
    db.session.flush()
    workflow.open_item(author, "barrier_report", report)
    return report


def own_entry(report: BarrierReport, user) -> AffectedPerson | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(AffectedPerson).where(
            AffectedPerson.report_id == report.id, AffectedPerson.user_id == user.id
        )
    )


def _recount(report: BarrierReport) -> None:
    db.session.flush()
    report.affected_count = db.session.scalar(
        select(func.count(AffectedPerson.id)).where(AffectedPerson.report_id == report.id)
    )
    db.session.flush()


def set_affected(user, report: BarrierReport, details: dict) -> AffectedPerson:
    """Add "this affects me too" for ``user``, or update their own entry."""
    person = own_entry(report, user)
    if person is None:
        person = AffectedPerson(report_id=report.id, user_id=user.id, is_reporter=False)
        db.session.add(person)
    _set_details(person, details)
    if person.is_reporter:
        report.barrier_codes = ",".join(person.barrier_types)
    _recount(report)
    return person


def remove_affected(user, report: BarrierReport) -> bool:
    """Withdraw one's own "affects me too" (the reporter's own entry stays)."""
    person = own_entry(report, user)
    if person is None or person.is_reporter:
        return False
    db.session.delete(person)
    _recount(report)
    return True


def public_reports(limit: int = 50, offset: int = 0) -> list[BarrierReport]:
    return list(
        db.session.scalars(
            select(BarrierReport)
            .where(
                BarrierReport.visibility == VISIBILITY_PUBLIC,
                BarrierReport.visible(),
            )
            .order_by(BarrierReport.created_at.desc(), BarrierReport.id.desc())
            .limit(limit)
            .offset(offset)
        ).unique()
    )


def count_public_reports() -> int:
    return db.session.scalar(
        select(func.count(BarrierReport.id)).where(
            BarrierReport.visibility == VISIBILITY_PUBLIC,
            BarrierReport.visible(),
        )
    )


def reports_with_details(limit: int | None = None, offset: int = 0) -> list[BarrierReport]:
    """All reports with their affected people (planners and admins only)."""

    query = (
        select(BarrierReport)
        .options(selectinload(BarrierReport.affected_people))
        .order_by(BarrierReport.created_at.desc(), BarrierReport.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def count_reports() -> int:
    return db.session.scalar(select(func.count(BarrierReport.id)))


def export_table() -> tuple[list[str], list[list]]:
    """All reports with details, one line per affected person: header and rows of the CSV
    export (written by :func:`app.core.csv_export.csv_response`, which defuses formulas)."""
    header = [
        pgettext("noun", "Report"),
        _("Created"),
        _("Offer"),
        _("District travelled from"),
        _("Visibility"),
        _("Status"),
        _("Reporter"),
        _("Who is affected"),
        _("Age group"),
        _("Receives participation benefits"),
        _("Barriers"),
        _("Text"),
    ]
    rows = []
    labels = barrier_labels()
    for report in reports_with_details():
        offer = report.offer.name if report.offer else (report.offer_text or "")
        for person in report.affected_people:
            rows.append(
                [
                    report.id,
                    report.created_at.date().isoformat() if report.created_at else "",
                    offer,
                    report.district_from.name,
                    report.visibility,
                    report.status,
                    "x" if person.is_reporter else "",
                    str(AFFECTED_LABELS.get(person.affected, person.affected)),
                    str(AGE_LABELS.get(person.age_group, person.age_group)),
                    str(BENEFIT_LABELS.get(person.participation_benefits, "")),
                    ", ".join(labels.get(c, c) for c in person.barrier_types),
                    report.text if person.is_reporter else "",
                ]
            )
    return header, rows


# --- aggregates -----------------------------------------------------------------------------


def _cells(group_column, extra_where=()):
    counted = (
        select(group_column, AffectedBarrier.barrier_type, func.count().label("n"))
        .select_from(AffectedBarrier)
        .join(AffectedPerson, AffectedBarrier.affected_id == AffectedPerson.id)
        .join(BarrierReport, AffectedPerson.report_id == BarrierReport.id)
        .where(BarrierReport.visible(), *extra_where)
        .group_by(group_column, AffectedBarrier.barrier_type)
    )
    return counted.having(func.count() >= min_cell())


def summary(district_ids=None) -> dict:
    """Both aggregate tables, only cells ≥ threshold (see the module docstring).

    ``district_ids`` (a council's districts) keeps only the rows of offers located in those
    districts and of those districts travelled from. It only leaves rows out: every cell is
    still counted over all reports and thresholded as before."""
    threshold = min_cell()
    offer_where = [BarrierReport.offer_id.is_not(None)]
    district_where = []
    if district_ids is not None:
        district_ids = list(district_ids)
        offer_where.append(
            BarrierReport.offer_id.in_(select(Offer.id).where(Offer.district_id.in_(district_ids)))
        )
        district_where.append(BarrierReport.district_from_id.in_(district_ids))
    offers: dict[int, dict] = {}
    rows = db.session.execute(_cells(BarrierReport.offer_id, offer_where)).all()
    if rows:
        found = {
            o.id: o
            for o in db.session.scalars(
                select(Offer).where(Offer.id.in_({r[0] for r in rows}))
            ).unique()
        }
        for offer_id, code, n in rows:
            offer = found[offer_id]
            entry = offers.setdefault(
                offer_id,
                {
                    "offer_id": offer_id,
                    "offer": offer.name,
                    "district": offer.district.number,
                    "district_name": offer.district.name,
                    "cells": {},
                },
            )
            entry["cells"][code] = n
    districts: dict[int, dict] = {}
    rows = db.session.execute(_cells(BarrierReport.district_from_id, district_where)).all()
    if rows:
        found = {
            d.id: d
            for d in db.session.scalars(
                select(District).where(District.id.in_({r[0] for r in rows}))
            ).unique()
        }
        for district_id, code, n in rows:
            d = found[district_id]
            entry = districts.setdefault(
                district_id, {"district": d.number, "district_name": d.name, "cells": {}}
            )
            entry["cells"][code] = n

    order = barrier_order()
    labels = barrier_labels()

    def finish(entries, key):
        result = []
        for entry in sorted(entries, key=key):
            entry["cells"] = {c: entry["cells"][c] for c in order if c in entry["cells"]}
            entry["sum_of_shown_cells"] = sum(entry["cells"].values())
            result.append(entry)
        return result

    return {
        "threshold": threshold,
        "rule": (
            "Cells count affected people per barrier type; cells with fewer than "
            f"{threshold} people are omitted; sum_of_shown_cells adds only the cells shown."
        ),
        "barrier_types": [{"code": c, "label": labels.get(c, c)} for c in order],
        "by_offer": finish(offers.values(), lambda e: (e["district"], e["offer"])),
        "by_district": finish(districts.values(), lambda e: e["district"]),
    }


# --- the public summary, cached per process ---------------------------------------------------

_SUMMARY_KEY = "quartier_barrier_summary"


def _type_bit():
    """Each barrier type as a bit (1, 2, 4, …): a person's set of types sums to a mask."""
    return case(
        {code: 2**i for i, code in enumerate(BARRIER_TYPES)},
        value=AffectedBarrier.barrier_type,
        else_=2 ** len(BARRIER_TYPES),
    )


def summary_fingerprint() -> tuple:
    """What :func:`summary` reads, condensed to a few numbers in one query.

    It changes with every write that can change the public summary, in any process: a new,
    deleted or moved report (counts, id sums weighted with offer and district), moderation
    (the visible reports' id sum, the latest ``moderated_at``), "affects me too" added,
    withdrawn or changed (people: count and ``id × report``; types: count and
    ``person × type bit``), offers added, moved or renamed (count, ``id × district``, and the
    latest audit entry: every offer change is audited, as are district and council changes).
    Sums of products rather than ``max(id)`` because ids can come back after a rollback."""
    visible = BarrierReport.visible()
    reports = select(
        func.count(BarrierReport.id),
        func.coalesce(func.sum(BarrierReport.id * func.coalesce(BarrierReport.offer_id, 0)), 0),
        func.coalesce(func.sum(BarrierReport.id * BarrierReport.district_from_id), 0),
        func.coalesce(func.sum(case((visible, BarrierReport.id), else_=0)), 0),
        func.max(BarrierReport.moderated_at),
    )
    people = select(
        func.count(AffectedPerson.id),
        func.coalesce(func.sum(AffectedPerson.id * AffectedPerson.report_id), 0),
    )
    types = select(
        func.count(),
        func.coalesce(func.sum(AffectedBarrier.affected_id * _type_bit()), 0),
    ).select_from(AffectedBarrier)
    offers = select(func.count(Offer.id), func.coalesce(func.sum(Offer.id * Offer.district_id), 0))
    columns = [
        select(column).select_from(source).scalar_subquery()
        for source, query in (
            (BarrierReport, reports),
            (AffectedPerson, people),
            (AffectedBarrier, types),
            (Offer, offers),
        )
        for column in query.selected_columns
    ]
    columns.append(select(func.max(AuditEntry.id)).scalar_subquery())
    row = db.session.execute(select(*columns)).one()
    return tuple(str(value) for value in row)


def _cached_summary() -> tuple[str, dict, bytes]:
    language = current_language()
    key = repr((summary_fingerprint(), language, min_cell()))
    etag = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    cache = current_app.extensions.setdefault(_SUMMARY_KEY, {})
    cached = cache.get(language)
    if cached is None or cached[0] != etag:
        data = summary()
        cached = cache[language] = (etag, data, current_app.json.dumps(data).encode() + b"\n")
    return cached


def public_summary() -> tuple[str, bytes]:
    """The public summary as JSON bytes and its ETag, cached per process and language.

    One fingerprint query per call (:func:`summary_fingerprint`); the summary is computed
    again only when the fingerprint, the language or the threshold differ from the cached
    one – so a write in any process is seen by every process at its next request."""
    etag, _data, body = _cached_summary()
    return etag, body


def cached_summary() -> dict:
    """:func:`summary` for the whole city from the same cache (read it, do not change it)."""
    return _cached_summary()[1]


# --- GeoJSON for the map ---------------------------------------------------------------------


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def feature_collection(features: list[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def offers_geojson(bbox=None, district: str | None = None, limit: int = 1000) -> str:

    query = (
        select(
            Offer.id,
            Offer.name,
            Offer.lat,
            Offer.lon,
            OfferType.slug,
            OfferType.name_de,
            OfferType.name_en,
            District.number,
        )
        .join(OfferType, Offer.type_id == OfferType.id)
        .join(District, Offer.district_id == District.id)
        .where(Offer.active.is_(True))
    )
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(
            Offer.lon.between(min_lon, max_lon), Offer.lat.between(min_lat, max_lat)
        )
    if district:
        query = query.where(District.number == district)
    report_url = url_for("barriers.new_report")
    english = _current_lang() == "en"
    features = []
    for row in db.session.execute(query.order_by(Offer.id).limit(limit)):
        props = {
            "id": row.id,
            "name": row.name,
            "type": row.slug,
            "type_label": row.name_en if english else row.name_de,
            "district": row.number,
            "url": f"{report_url}?offer={row.id}",
        }
        features.append(
            '{"type":"Feature","geometry":{"type":"Point","coordinates":['
            f'{row.lon:.6f},{row.lat:.6f}]}},"properties":{_dumps(props)}}}'
        )
    return feature_collection(features)


def _current_lang() -> str:

    return current_language()


def barriers_geojson(bbox=None, district: str | None = None, limit: int = 1000) -> str:
    """Public reports at their offer (or the travelled-from district's label point)."""

    origin = aliased(District)
    offer_district = aliased(District)
    lat = func.coalesce(Offer.lat, origin.label_lat)
    lon = func.coalesce(Offer.lon, origin.label_lon)
    query = (
        select(
            BarrierReport.id,
            BarrierReport.offer_text,
            BarrierReport.barrier_codes,
            BarrierReport.affected_count,
            Offer.name,
            origin.number,
            lat.label("lat"),
            lon.label("lon"),
        )
        .select_from(BarrierReport)
        .join(origin, BarrierReport.district_from_id == origin.id)
        .outerjoin(Offer, BarrierReport.offer_id == Offer.id)
        .outerjoin(offer_district, Offer.district_id == offer_district.id)
        .where(
            BarrierReport.visibility == VISIBILITY_PUBLIC,
            BarrierReport.visible(),
        )
    )
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(lon.between(min_lon, max_lon), lat.between(min_lat, max_lat))
    if district:
        # The district where the marker stands: the offer's, or the travelled-from district.
        query = query.where(func.coalesce(offer_district.number, origin.number) == district)
    threshold = min_cell()
    url = url_for("barriers.report", report_id=0)[:-1]
    labels = barrier_labels()  # read once, not per row
    features = []
    for row in db.session.execute(query.order_by(BarrierReport.id.desc()).limit(limit)):
        codes = [c for c in row.barrier_codes.split(",") if c]
        props = {
            "id": row.id,
            "offer_name": row.name or row.offer_text,
            "barrier_types": codes,
            "barrier_labels": [labels.get(c, c) for c in codes],
            "district_from": row.number,
            "affected": row.affected_count if row.affected_count >= threshold else None,
            "url": f"{url}{row.id}",
        }
        features.append(
            '{"type":"Feature","geometry":{"type":"Point","coordinates":['
            f'{row.lon:.6f},{row.lat:.6f}]}},"properties":{_dumps(props)}}}'
        )
    return feature_collection(features)


def offers_for_select() -> list[tuple[str, list[Offer]]]:
    """Active offers grouped by district (for the <select> with optgroups)."""
    groups: dict[str, list[Offer]] = {}
    for offer in list_offers():
        groups.setdefault(f"{offer.district.number} {offer.district.name}", []).append(offer)
    return list(groups.items())


def type_label(offer_type: OfferType) -> str:
    return localized(offer_type, "name")


# --- a person's own contributions and data ------------------------------------------------


def own_reports(user) -> list[BarrierReport]:
    """Reports the person made (also when hidden by the moderation: they see it with the
    reason) or said "affects me too" to (only while visible) – for "My contributions"."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = select(AffectedPerson.report_id).where(AffectedPerson.user_id == user.id)
    return list(
        db.session.scalars(
            select(BarrierReport)
            .where(
                or_(
                    BarrierReport.author_id == user.id,
                    and_(BarrierReport.id.in_(ids), BarrierReport.visible()),
                )
            )
            .order_by(BarrierReport.created_at.desc(), BarrierReport.id.desc())
        ).unique()
    )


def export_own(user) -> list[dict]:
    """Everything this domain stores about the person (for the account's data export)."""

    people = db.session.scalars(
        select(AffectedPerson)
        .options(selectinload(AffectedPerson.report))
        .where(AffectedPerson.user_id == user.id)
        .order_by(AffectedPerson.id)
    ).all()
    return [
        {
            "report_id": p.report_id,
            "reporter": p.is_reporter,
            "offer": (p.report.offer.name if p.report.offer else p.report.offer_text),
            "district_from": p.report.district_from.number,
            "text": p.report.text if p.is_reporter else None,
            "visibility": p.report.visibility,
            "affected": p.affected,
            "age_group": p.age_group,
            "participation_benefits": p.participation_benefits,
            "barrier_types": p.barrier_types,
            "created_at": p.created_at.isoformat() if p.created_at else None,
        }
        for p in people
    ]
