"""The criteria of a location scenario: what can be chosen, in words, and their values per
district read from the stored data (a fixed number of queries per criterion).

Kinds and their ``params``:

* ``social_status`` / ``social_dynamic`` – the status or dynamics index of the active social
  index definition (latest complete year); a higher index means more disadvantage.
* ``indicator`` ``{"code": …}`` – any indicator, latest year with values for all districts;
  the direction defaults to the indicator's (a higher value means more disadvantage).
* ``barriers`` ``{"barrier_type": code}`` or ``{"offer_type": slug}`` or ``{}`` – barrier reports
  (visible to the moderation) by the district the reporter travels from, per 1,000 inhabitants.
* ``needs`` ``{"category": slug}`` or ``{}`` – the councils' visible needs per 1,000 inhabitants.
* ``proposals`` ``{"category": slug}`` or ``{}`` – public proposals and their supports per 1,000.
* ``distance`` ``{"offer_type": slug}`` – metres from the district's label point (its
  representative point) to the nearest active offer of the type; farther means more need.

Rates need the inhabitants (indicator ``inhabitants``, latest complete year); districts
without them, or with fewer than :data:`MIN_POPULATION`, have no value (said so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select

from ..barriers.models import BARRIER_TYPES, BarrierReport, Offer, OfferType
from ..barriers.services import barrier_label, min_cell
from ..core.i18n import current_language, localized
from ..districts.models import District
from ..extensions import db
from ..indicators.catalogue import POPULATION_CODE, UNIT_SYMBOLS
from ..indicators.district_index import active_definition, social_index
from ..indicators.models import Indicator, IndicatorValue
from ..indicators.values import default_year, year_coverage
from ..needs.models import Need
from ..proposals.models import Category, Proposal, Support
from . import scoring

KINDS = (
    "social_status",
    "social_dynamic",
    "indicator",
    "barriers",
    "needs",
    "proposals",
    "distance",
)
RATE_KINDS = ("barriers", "needs", "proposals")
MIN_POPULATION = 300
DIRECTION_LABELS = {
    0: _l("as usual for the criterion"),
    1: _l("higher value = more need"),
    -1: _l("higher value = less need"),
}


class CriterionError(ValueError):
    """A criterion the form cannot take (message translated)."""


@dataclass
class DistrictPoint:
    id: int
    number: str
    name: str
    lat: float
    lon: float


@dataclass
class CriterionData:
    """One criterion with its values: ``values`` per district number (``None``: no value,
    the reason in ``reasons``); ``counts`` the counts behind a rate; ``private`` when the
    counts are barrier reports (the privacy minimum applies outside the back office)."""

    key: str
    kind: str
    params: dict
    label: str
    unit: str
    direction: int
    weight: float
    values: dict[str, float | None]
    counts: dict[str, int] | None = None
    private: bool = False
    # barrier rates below the privacy minimum: the exact rate, shown in the back office only
    # (the ranking counts them as none)
    below_minimum: dict[str, float] = field(default_factory=dict)
    note: str = ""
    reasons: dict[str, str] = field(default_factory=dict)
    colour: str = "#1b6ca8"


# Colours of the criteria in the stacked bars (distinct, each ≥ 3:1 against white).
COLOURS = ("#1b6ca8", "#c45200", "#6a51a3", "#1a7f5a", "#c2185b", "#4d7a00", "#8c5a1a", "#555555")


# --- the choices of the form -----------------------------------------------------------------


def choice_of(kind: str, params: dict) -> str:
    """The form's value for a criterion: ``indicator:sgb2_rate``, ``barriers:type:transport``."""
    if kind == "indicator":
        return f"indicator:{params.get('code', '')}"
    if kind == "barriers":
        if params.get("barrier_type"):
            return f"barriers:type:{params['barrier_type']}"
        if params.get("offer_type"):
            return f"barriers:offer:{params['offer_type']}"
        return "barriers"
    if kind in ("needs", "proposals"):
        return f"{kind}:{params['category']}" if params.get("category") else kind
    if kind == "distance":
        return f"distance:{params.get('offer_type', '')}"
    return kind


def parse_choice(choice: str) -> tuple[str, dict]:
    """(kind, params) of a form value; :class:`CriterionError` for anything unknown."""
    text = (choice or "").strip()
    kind, _sep, rest = text.partition(":")
    if kind in ("social_status", "social_dynamic") and not rest:
        return kind, {}
    if kind == "indicator" and rest:
        if db.session.scalar(select(Indicator.id).where(Indicator.code == rest)) is None:
            raise CriterionError(_("Unknown indicator “%(code)s”.", code=rest))
        return kind, {"code": rest}
    if kind == "barriers":
        if not rest:
            return kind, {}
        what, _sep, code = rest.partition(":")
        if what == "type" and code in BARRIER_TYPES:
            return kind, {"barrier_type": code}
        if what == "offer" and _offer_type(code) is not None:
            return kind, {"offer_type": code}
    if kind in ("needs", "proposals"):
        if not rest:
            return kind, {}
        if _category(rest) is not None:
            return kind, {"category": rest}
    if kind == "distance" and _offer_type(rest) is not None:
        return kind, {"offer_type": rest}
    raise CriterionError(_("Please choose a criterion from the list."))


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The form's criteria in groups (an ``<optgroup>`` each), in the request's language."""
    indicators = list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.code != POPULATION_CODE)
            .order_by(Indicator.position, Indicator.code)
        )
    )
    types = list(db.session.scalars(select(OfferType).order_by(OfferType.id)))
    categories = list(
        db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.sort)
        )
    )
    return [
        (
            _("Social index"),
            [
                ("social_status", _("Social index: status")),
                ("social_dynamic", _("Social index: dynamics")),
            ],
        ),
        (_("Indicators"), [(f"indicator:{i.code}", localized(i, "name")) for i in indicators]),
        (
            _("Barrier reports per 1,000 inhabitants"),
            [("barriers", _("Barrier reports: all"))]
            + [
                (f"barriers:type:{c}", _("Barrier reports: %(what)s", what=barrier_label(c)))
                for c in BARRIER_TYPES
            ]
            + [
                (
                    f"barriers:offer:{t.slug}",
                    _("Barrier reports about: %(what)s", what=localized(t, "name")),
                )
                for t in types
            ],
        ),
        (
            _("Council needs per 1,000 inhabitants"),
            [("needs", _("Council needs: all"))]
            + [
                (f"needs:{c.slug}", _("Council needs: %(what)s", what=c.name(_lang())))
                for c in categories
            ],
        ),
        (
            _("Proposals and supports per 1,000 inhabitants"),
            [("proposals", _("Proposals and supports: all"))]
            + [
                (
                    f"proposals:{c.slug}",
                    _("Proposals and supports: %(what)s", what=c.name(_lang())),
                )
                for c in categories
            ],
        ),
        (
            _("Distance to the nearest offer"),
            [
                (f"distance:{t.slug}", _("Distance to: %(what)s", what=localized(t, "name")))
                for t in types
            ],
        ),
    ]


def _lang() -> str:
    return current_language()


def _offer_type(slug: str) -> OfferType | None:
    return db.session.scalar(select(OfferType).where(OfferType.slug == slug)) if slug else None


def _category(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug)) if slug else None


# --- values ------------------------------------------------------------------------------------


def all_districts() -> list[DistrictPoint]:
    rows = db.session.execute(
        select(
            District.id, District.number, District.name, District.label_lat, District.label_lon
        ).order_by(District.number)
    )
    return [DistrictPoint(*row) for row in rows]


def population() -> tuple[int | None, dict[int, float]]:
    """(year, inhabitants per district id) of the latest complete year of ``inhabitants``."""
    indicator_id = db.session.scalar(select(Indicator.id).where(Indicator.code == POPULATION_CODE))
    if indicator_id is None:
        return None, {}
    year = default_year(year_coverage(indicator_id))
    if year is None:
        return None, {}
    rows = db.session.execute(
        select(IndicatorValue.district_id, IndicatorValue.value).where(
            IndicatorValue.indicator_id == indicator_id, IndicatorValue.year == year
        )
    )
    return year, dict(rows.all())


class _Loader:
    """Reads the values of a scenario's criteria; the districts, the inhabitants and the
    social index are read once however many criteria use them."""

    def __init__(self) -> None:
        self.districts = all_districts()
        self.by_id = {d.id: d for d in self.districts}
        self._population: tuple[int | None, dict[int, float]] | None = None
        self._index = None

    @property
    def population(self) -> tuple[int | None, dict[int, float]]:
        if self._population is None:
            self._population = population()
        return self._population

    def social(self):
        if self._index is None:
            definition = active_definition()
            self._index = social_index(definition) if definition is not None else False
        return self._index or None

    def per_thousand(
        self, data: CriterionData, counts_by_id: dict[int, int], *, minimum: int = 0
    ) -> None:
        """Counts per 1,000 inhabitants. With ``minimum`` (barrier reports: the privacy
        minimum) a count below it is ranked as none, for the back office and the board alike, so
        neither a shared page's figures nor its scores or ranks depend on a small count; the
        back office still sees the count itself."""
        year, people = self.population
        counts = {self.by_id[i].number: n for i, n in counts_by_id.items() if i in self.by_id}
        data.counts = {d.number: counts.get(d.number, 0) for d in self.districts}
        by_number = {d.number: people.get(d.id) for d in self.districts}
        if minimum:
            exact = scoring.per_thousand(counts, by_number, MIN_POPULATION)
            data.below_minimum = {
                number: rate
                for number, rate in exact.items()
                if rate is not None and 0 < counts.get(number, 0) < minimum
            }
            counts = {number: n for number, n in counts.items() if n >= minimum}
        data.values = scoring.per_thousand(counts, by_number, MIN_POPULATION)
        data.unit = _("per 1,000 inhabitants")
        if year is None:
            data.note = _("No inhabitants figures: rates cannot be computed.")
        else:
            data.note = _("Inhabitants of %(year)s.", year=year)
        for number, value in data.values.items():
            if value is None:
                inhabitants = by_number.get(number)
                data.reasons[number] = (
                    _("no inhabitants figure")
                    if inhabitants is None
                    else _("fewer than %(n)s inhabitants", n=MIN_POPULATION)
                )

    def load(self, key: str, kind: str, params: dict, direction: int, weight: float):
        data = CriterionData(
            key=key,
            kind=kind,
            params=dict(params),
            label=label(kind, params),
            unit="",
            direction=direction or 0,
            weight=weight,
            values=dict.fromkeys((d.number for d in self.districts), None),
        )
        getattr(self, "_" + kind)(data)
        data.direction = data.direction or 1
        for number, value in data.values.items():
            if value is None and number not in data.reasons:
                data.reasons[number] = _("no value")
        return data

    def _social_status(self, data: CriterionData, field_name: str = "status_index") -> None:
        index = self.social()
        data.unit = _("index")
        if index is None or index.result is None:
            data.note = _("No active social index with values.")
            return
        data.note = _("Social index %(year)s.", year=index.year)
        areas = index.result.by_id()
        left_out = index.left_out
        for number in data.values:
            area = areas.get(number)
            value = getattr(area, field_name, None) if area is not None else None
            data.values[number] = value
            if value is None:
                data.reasons[number] = (
                    _("left out of the social index") if number in left_out else _("no value")
                )

    def _social_dynamic(self, data: CriterionData) -> None:
        self._social_status(data, "dynamic_index")

    def _indicator(self, data: CriterionData) -> None:
        indicator = db.session.scalar(
            select(Indicator).where(Indicator.code == data.params["code"])
        )
        if indicator is None:
            data.note = _("The indicator no longer exists.")
            return
        if not data.direction:
            data.direction = indicator.direction or 1
        data.unit = UNIT_SYMBOLS.get(indicator.unit, "")
        year = default_year(year_coverage(indicator.id))
        if year is None:
            data.note = _("No values yet.")
            return
        data.note = _("Values of %(year)s.", year=year)
        rows = db.session.execute(
            select(IndicatorValue.district_id, IndicatorValue.value).where(
                IndicatorValue.indicator_id == indicator.id, IndicatorValue.year == year
            )
        )
        for district_id, value in rows:
            if district_id in self.by_id:
                data.values[self.by_id[district_id].number] = value

    def _barriers(self, data: CriterionData) -> None:
        data.private = True
        query = (
            select(BarrierReport.district_from_id, func.count(BarrierReport.id))
            .where(BarrierReport.visible())
            .group_by(BarrierReport.district_from_id)
        )
        if data.params.get("barrier_type"):
            codes = literal(",").concat(BarrierReport.barrier_codes).concat(",")
            query = query.where(codes.like(f"%,{data.params['barrier_type']},%"))
        if data.params.get("offer_type"):
            query = query.where(
                BarrierReport.offer_id.in_(
                    select(Offer.id)
                    .join(OfferType, OfferType.id == Offer.type_id)
                    .where(OfferType.slug == data.params["offer_type"])
                )
            )
        self.per_thousand(data, dict(db.session.execute(query).all()), minimum=min_cell())

    def _needs(self, data: CriterionData) -> None:
        query = (
            select(Need.district_id, func.count(Need.id))
            .where(Need.visible())
            .group_by(Need.district_id)
        )
        if data.params.get("category"):
            query = query.join(Category, Category.id == Need.category_id).where(
                Category.slug == data.params["category"]
            )
        self.per_thousand(data, dict(db.session.execute(query).all()))

    def _proposals(self, data: CriterionData) -> None:
        where = [Proposal.public()]
        if data.params.get("category"):
            where.append(
                Proposal.category_id.in_(
                    select(Category.id).where(Category.slug == data.params["category"])
                )
            )
        proposals = dict(
            db.session.execute(
                select(Proposal.district_id, func.count(Proposal.id))
                .where(*where)
                .group_by(Proposal.district_id)
            ).all()
        )
        supports = db.session.execute(
            select(Proposal.district_id, func.count(Support.id))
            .join(Proposal, Proposal.id == Support.proposal_id)
            .where(*where)
            .group_by(Proposal.district_id)
        ).all()
        for district_id, n in supports:
            proposals[district_id] = proposals.get(district_id, 0) + n
        self.per_thousand(data, proposals)

    def _distance(self, data: CriterionData) -> None:
        data.unit = "m"
        offers = db.session.execute(
            select(Offer.lat, Offer.lon)
            .join(OfferType, OfferType.id == Offer.type_id)
            .where(OfferType.slug == data.params.get("offer_type"), Offer.active.is_(True))
        ).all()
        if not offers:
            data.note = _("No active offers of this type in the catalogue.")
            return
        data.note = _("Straight-line distance from the district's centre point.")
        points = {d.number: (d.lat, d.lon) for d in self.districts}
        data.values = scoring.nearest_m(points, [(lat, lon) for lat, lon in offers])


def label(kind: str, params: dict) -> str:
    """The criterion in words, in the request's language."""
    if kind == "social_status":
        return _("Social index: status")
    if kind == "social_dynamic":
        return _("Social index: dynamics")
    if kind == "indicator":
        indicator = db.session.scalar(select(Indicator).where(Indicator.code == params.get("code")))
        return localized(indicator, "name") if indicator else params.get("code", "")
    if kind == "barriers":
        if params.get("barrier_type"):
            return _("Barrier reports: %(what)s", what=barrier_label(params["barrier_type"]))
        if params.get("offer_type"):
            found = _offer_type(params["offer_type"])
            what = localized(found, "name") if found else params["offer_type"]
            return _("Barrier reports about: %(what)s", what=what)
        return _("Barrier reports: all")
    if kind in ("needs", "proposals"):
        found = _category(params.get("category", ""))
        if kind == "needs":
            return (
                _("Council needs: %(what)s", what=found.name(_lang()))
                if found
                else _("Council needs: all")
            )
        return (
            _("Proposals and supports: %(what)s", what=found.name(_lang()))
            if found
            else _("Proposals and supports: all")
        )
    if kind == "distance":
        found = _offer_type(params.get("offer_type", ""))
        what = localized(found, "name") if found else params.get("offer_type", "")
        return _("Distance to: %(what)s", what=what)
    return kind


@dataclass
class Evaluation:
    criteria: list[CriterionData]
    districts: list[DistrictPoint]
    ranking: scoring.Ranking | None
    threshold: int

    @property
    def by_number(self) -> dict[str, DistrictPoint]:
        return {d.number: d for d in self.districts}

    def criterion(self, key: str) -> CriterionData:
        return next(c for c in self.criteria if c.key == key)


def evaluate(rows: Sequence, *, draws: int = scoring.DRAWS) -> Evaluation:
    """Load every criterion (``rows``: objects with ``kind``, ``params``, ``direction``,
    ``weight``) and rank the districts."""
    loader = _Loader()
    found = []
    for position, row in enumerate(rows):
        data = loader.load(f"c{position}", row.kind, row.params or {}, row.direction, row.weight)
        data.colour = COLOURS[position % len(COLOURS)]
        found.append(data)
    ranking = None
    if found:
        ranking = scoring.rank(
            [scoring.CriterionInput(c.key, c.weight, c.direction, c.values) for c in found],
            [d.number for d in loader.districts],
            draws=draws,
        )
    return Evaluation(found, loader.districts, ranking, min_cell())
