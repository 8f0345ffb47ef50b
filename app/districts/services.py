"""District services: loading the districts and councils, and locating a point."""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import undefer

from ..core import audit
from ..core.geo import Area, AreaLocator, OutsideAreas, simplify_coverage, to_geojson
from ..extensions import db
from .models import Council, District

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data" / "erfurt"
SIMPLIFY_TOLERANCE = 0.0001  # degrees, about 7–11 m in Erfurt
BROWSER_PRECISION = 5  # decimals, about 1 m


# Whether something else still refers to a council (roles: ``app.accounts`` registers it).
_COUNCIL_IN_USE: dict[str, Callable[[Council], bool]] = {}


def register_council_use(name: str, check: Callable[[Council], bool]) -> None:
    """``check(council)`` is true while ``name`` refers to the council (then loading district
    data keeps a council that is no longer in the file, with a warning)."""
    _COUNCIL_IN_USE[name] = check


class DistrictDataError(ValueError):
    """The district data files are inconsistent."""


class OutsideCity(LookupError):
    """A point outside the city's boundary."""


@dataclass
class LoadReport:
    districts_created: int = 0
    districts_updated: int = 0
    councils_created: int = 0
    councils_updated: int = 0
    councils_removed: int = 0
    warnings: list[str] = field(default_factory=list)


def load_districts(data_dir: str | Path | None = None) -> LoadReport:
    """Create or update districts and councils from ``districts.geojson``, ``districts.csv``
    and ``councils.csv`` in ``data_dir``. Idempotent; the caller commits."""
    data_dir = Path(data_dir or DEFAULT_DATA_DIR)
    report = LoadReport()
    with open(data_dir / "districts.csv", encoding="utf-8-sig", newline="") as f:
        table = {row["name"].strip(): row for row in csv.DictReader(f)}
    with open(data_dir / "districts.geojson", encoding="utf-8") as f:
        features = json.load(f)["features"]

    shapes: dict[str, tuple[dict, object]] = {}
    for feature in features:
        name = feature["properties"]["NAME"].strip()
        if name not in table:
            raise DistrictDataError(f"District {name!r} is in the GeoJSON but not in the CSV")
        row = table[name]
        number = f"{int(row['number']):02d}"
        source_id = feature["properties"].get("STADTTE_ID")
        if source_id is not None and int(source_id) != int(number):
            report.warnings.append(
                f"{name}: source number {source_id} corrected to {number} from districts.csv"
            )
        if number in shapes:
            raise DistrictDataError(f"District number {number} appears twice")
        shapes[number] = (row, shape(feature["geometry"]))
    missing = set(table) - {row["name"].strip() for row, _ in shapes.values()}
    if missing:
        raise DistrictDataError(f"Districts without a boundary: {', '.join(sorted(missing))}")

    numbers = sorted(shapes)
    simplified = dict(
        zip(
            numbers,
            simplify_coverage([shapes[n][1] for n in numbers], SIMPLIFY_TOLERANCE),
            strict=True,
        )
    )
    existing = {
        d.number: d
        for d in db.session.scalars(
            select(District).options(
                undefer(District.geometry), undefer(District.geometry_simplified)
            )
        )
    }
    for number in numbers:
        row, geom = shapes[number]
        label = geom.representative_point()
        values = {
            "name": row["name"].strip(),
            "area_km2": float(row["area_km2"]),
            "geometry": to_geojson(geom),
            "geometry_simplified": to_geojson(simplified[number], BROWSER_PRECISION),
            "label_lat": round(label.y, 6),
            "label_lon": round(label.x, 6),
        }
        district = existing.get(number)
        if district is None:
            db.session.add(District(number=number, **values))
            report.districts_created += 1
        elif any(getattr(district, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(district, key, value)
            report.districts_updated += 1
    db.session.flush()
    _load_councils(data_dir / "councils.csv", report)
    reset_caches()
    return report


def _load_councils(path: Path, report: LoadReport) -> None:
    districts = {d.number: d for d in db.session.scalars(select(District))}
    councils = {c.slug: c for c in db.session.scalars(select(Council))}
    seen: set[str] = set()
    assigned: dict[str, Council] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            slug, name = row["slug"].strip(), row["name"].strip()
            if slug in seen:
                raise DistrictDataError(f"{path.name}:{line}: council {slug!r} appears twice")
            seen.add(slug)
            council = councils.get(slug)
            if council is None:
                council = Council(slug=slug, name=name)
                db.session.add(council)
                councils[slug] = council
                report.councils_created += 1
            elif council.name != name:
                council.name = name
                report.councils_updated += 1
            for raw in filter(None, (n.strip() for n in row["districts"].split(";"))):
                number = f"{int(raw):02d}"
                if number not in districts:
                    raise DistrictDataError(f"{path.name}:{line}: unknown district {raw!r}")
                if number in assigned:
                    raise DistrictDataError(
                        f"{path.name}:{line}: district {number} already belongs to "
                        f"{assigned[number].slug!r}"
                    )
                assigned[number] = council
    db.session.flush()
    for number, district in districts.items():
        council = assigned.get(number)
        if district.council is not council:
            district.council = council
    for slug, council in councils.items():
        if slug in seen:
            continue
        if any(check(council) for check in _COUNCIL_IN_USE.values()):
            report.warnings.append(f"Council {slug!r} is no longer in the file but has roles")
        else:
            db.session.delete(council)
            report.councils_removed += 1
    db.session.flush()


# --- locating a point --------------------------------------------------------------------

_LOCATOR_KEY = "quartier_district_locator"
_GEOJSON_KEY = "quartier_districts_geojson"
_GEOJSON_ETAG_KEY = "quartier_districts_geojson_etag"
_INDEX_KEY = "quartier_district_index"


def _build_locator() -> AreaLocator:
    rows = db.session.execute(
        select(District.id, District.number, District.name, District.geometry)
    )
    return AreaLocator(
        (Area(id=r.id, number=r.number, name=r.name), shape(json.loads(r.geometry))) for r in rows
    )


def get_locator() -> AreaLocator:
    """The prepared district shapes, loaded once per process."""
    locator = current_app.extensions.get(_LOCATOR_KEY)
    if locator is None:
        locator = current_app.extensions[_LOCATOR_KEY] = _build_locator()
    return locator


def reset_caches() -> None:
    """Forget the prepared shapes and the browser GeoJSON (after a reload)."""
    current_app.extensions.pop(_LOCATOR_KEY, None)
    current_app.extensions.pop(_GEOJSON_KEY, None)
    current_app.extensions.pop(_GEOJSON_ETAG_KEY, None)
    current_app.extensions.pop(_INDEX_KEY, None)


def locate(lat: float, lon: float) -> Area:
    """The district containing the point; raises :class:`OutsideCity` outside Erfurt."""
    try:
        return get_locator().locate(lat, lon)
    except OutsideAreas as exc:
        raise OutsideCity(str(exc)) from exc


def city_bounds() -> tuple[float, float, float, float] | None:
    """The bounding box of all districts as (west, south, east, north) in degrees, from the
    prepared shapes (no query and no geometry work once they are loaded); ``None`` without
    districts."""
    return get_locator().bounds


def district_bounds(number: str) -> tuple[float, float, float, float] | None:
    """The bounding box of one district as (west, south, east, north), from the prepared
    shapes (no query once they are loaded); ``None`` for an unknown number."""
    locator = get_locator()
    for area, geometry in zip(locator.areas, locator.shapes, strict=True):
        if area.number == number:
            return tuple(round(v, 5) for v in geometry.bounds)  # type: ignore[return-value]
    return None


def district_at(lat: float, lon: float) -> District:
    """The district (a row) containing the point; raises :class:`OutsideCity` outside Erfurt."""
    return db.session.get(District, locate(lat, lon).id)


# --- queries used by pages and the API ---------------------------------------------------


@dataclass(frozen=True)
class DistrictEntry:
    """A district's number and name: what lists of links need, without an ORM object."""

    number: str
    name: str


def district_index() -> list[DistrictEntry]:
    """All districts by number, loaded once per process like the GeoJSON (the districts
    change only with ``flask setup`` / a reload, which calls :func:`reset_caches`)."""
    entries = current_app.extensions.get(_INDEX_KEY)
    if entries is None:
        rows = db.session.execute(select(District.number, District.name).order_by(District.number))
        entries = current_app.extensions[_INDEX_KEY] = [DistrictEntry(n, name) for n, name in rows]
    return entries


def list_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.number)))


def get_district(number: str) -> District | None:
    return db.session.scalar(select(District).where(District.number == number))


def districts_geojson() -> bytes:
    """The simplified FeatureCollection for browsers, built once per process."""
    cached = current_app.extensions.get(_GEOJSON_KEY)
    if cached is None:
        rows = db.session.execute(
            select(District.number, District.name, District.geometry_simplified, Council.name)
            .outerjoin(Council, District.council_id == Council.id)
            .order_by(District.number)
        )
        parts = [
            '{"type":"Feature","properties":'
            + json.dumps(
                {"number": number, "name": name, "council": council},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + ',"geometry":'
            + geometry
            + "}"
            for number, name, geometry, council in rows
        ]
        cached = ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode()
        current_app.extensions[_GEOJSON_KEY] = cached
        current_app.extensions.pop(_GEOJSON_ETAG_KEY, None)
    return cached


def districts_geojson_etag() -> str:
    """A validator of :func:`districts_geojson`: the hash of its bytes, computed once."""
    etag = current_app.extensions.get(_GEOJSON_ETAG_KEY)
    if etag is None:
        body = districts_geojson()
        etag = hashlib.blake2b(body, digest_size=12).hexdigest()
        current_app.extensions[_GEOJSON_ETAG_KEY] = etag
    return etag


# --- correcting the council mapping (admin) ----------------------------------------------


class CouncilError(ValueError):
    """A refused change to the councils, with a message for the user."""


def slugify(name: str) -> str:

    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(table)).strip("-")


def _unique_slug(full: str, taken) -> str:
    """``full`` cut to the slug column's width; when two long names share the cut, the later
    one ends in "-2", "-3", …"""
    width = Council.__table__.c.slug.type.length
    slug = full[:width].strip("-")
    number = 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = full[: width - len(suffix)].strip("-") + suffix
    return slug


def create_council(actor, name: str) -> Council:

    name = name.strip()
    full = slugify(name)
    if not full:
        raise CouncilError(_("Please enter a name with letters or digits."))
    taken = dict(db.session.execute(select(Council.slug, Council.name)).all())
    if full in taken or any(slugify(other) == full for other in taken.values()):
        raise CouncilError(_("A council with this name already exists."))
    council = Council(slug=_unique_slug(full, taken), name=name)
    db.session.add(council)
    db.session.flush()
    audit.record(actor, "council.created", "council", council.id, after={"name": name})
    return council


def rename_council_en(actor, council: Council, name_en: str) -> bool:
    """Set (or, empty, remove) the council's English name; audited. Whether it changed."""
    name_en = (name_en or "").strip() or None
    if name_en == council.name_en:
        return False
    before = council.name_en
    council.name_en = name_en
    db.session.flush()
    audit.record(
        actor,
        "council.renamed",
        "council",
        council.id,
        before={"name_en": before},
        after={"name_en": name_en},
    )
    reset_caches()
    return True


def assign_district(actor, district: District, council: Council | None) -> None:
    """Put a district under a council (or none); the districts GeoJSON is rebuilt."""

    before = district.council.slug if district.council else None
    after = council.slug if council else None
    if before == after:
        return
    district.council = council
    db.session.flush()
    audit.record(
        actor,
        "district.council_changed",
        "district",
        district.id,
        before={"council": before},
        after={"council": after},
        district_id=district.id,
    )
    reset_caches()


def councils_table() -> tuple[list[str], list[list[str]]]:
    """The current mapping in the columns of ``councils.csv`` (to keep the data file in step):
    header and rows; the district numbers as text ("05;06")."""
    rows = [
        [council.slug, council.name, ";".join(d.number for d in council.districts)]
        for council in db.session.scalars(select(Council).order_by(Council.slug))
    ]
    return ["slug", "name", "districts"], rows
