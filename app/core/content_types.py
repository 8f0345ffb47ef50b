"""The one registry of content types: what exists, who owns it, and what it can do.

Every domain registers its own types once, from its ``init_app(app)`` (in its
``integration`` module)::

    content_types.register(
        ContentType(
            "need",
            model=Need,
            label=_l("Need"),
            district_id=lambda need: need.district_id,
            author_id=lambda need: need.author_id,
            title=lambda need: need.title,
            url=lambda need: url_for("needs.show", need_id=need.id),
            public=lambda: (Need.visible(),),
            can_comment=lambda user, need: need.is_visible and can_contribute(user),
            moderated=True,
            indicator=IndicatorInput("need", _l("Needs"), loader=..., counter=...),
            contributions=Contributions("needs", _l("Needs"), loader=..., order=15),
            personal_data=PersonalData("needs", export=...),
        )
    )

Comments, follows, notifications, moderation, official responses, "my contributions", the
account's data export and the indicators' links loop over this registry; none of them knows
another domain's model. Stored references are always ``(type, id)``.

Loading: :meth:`ContentType.load` / :meth:`ContentType.get_many` apply ONE visibility rule to
every type (not public → gone; hidden or pending by the moderation → only for its author and
its moderators). The rule is installed by the moderation domain
(:func:`set_visibility_rule`); until then only visible items exist. Moderators' and officials'
pages, which check permissions themselves, use :meth:`load_any` / :meth:`get_many_any`.

Capabilities (all optional):

* ``can_comment(user, obj)`` – commentable and followable (``None``: neither);
* ``moderated`` – handled by the moderation queue and actions (the model uses
  ``ModeratedMixin``); ``is_public(obj)`` says whether an item is meant for the public apart
  from the moderation (only public items can be flagged), ``on_published(obj)`` runs when
  pre-moderation approves it;
* ``respondable`` – can get official responses (:class:`Respondable`);
* ``indicator`` – a citizen input that planners link to indicators (:class:`IndicatorInput`);
* ``contributions`` – a section of "my contributions" (:class:`Contributions`);
* ``personal_data`` – part of the account's data export and deletion (:class:`PersonalData`);
* ``tracked`` – an input with a work item in the back office's workflow (:class:`Tracked`);
* ``supporter_ids(ids) -> {id: {user id, …}}`` – who supports (or is affected too by) each
  item, for telling them what became of it (measures).

``district_id(obj)`` is the district whose council is responsible for the item (``None``:
nobody's but the planners' and admins', e.g. a barrier report only for the administration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import extract, func, select

from ..extensions import db

Loaded = tuple[str, str, int | None]  # (title, url, district_id) of an indicator input


@dataclass(frozen=True)
class IndicatorInput:
    """An input type for the indicators' links and the district profile's per-1,000 figures.

    * ``loader(id) -> (title, url, district_id) | None`` (``None``: gone or not public);
    * ``counter(year) -> {district_id: count}`` of public inputs (``year=None``: all years);
    * ``lister(district_id) -> [(id, title), …]`` offers the district's inputs in the link form;
    * ``bulk_loader(ids) -> {id: (title, url, district_id)}`` avoids one query per link.
    """

    kind: str
    label: Any  # str or lazy string
    loader: Callable[[int], Loaded | None]
    counter: Callable[[int | None], dict[int, int]]
    lister: Callable[[int], list[tuple[int, str]]] | None = None
    bulk_loader: Callable[[Iterable[int]], dict[int, Loaded]] | None = None

    def load_many(self, ids: Iterable[int]) -> dict[int, Loaded]:
        ids = list(ids)
        if self.bulk_loader is not None:
            return self.bulk_loader(ids)
        loaded = {}
        for input_id in ids:
            item = self.loader(input_id)
            if item is not None:
                loaded[input_id] = item
        return loaded


@dataclass(frozen=True)
class InputQueries:
    """The four queries of an :class:`IndicatorInput` over one model's public rows (proposals,
    needs, barrier reports): ``public()`` gives the conditions of a public row, ``url(id)``
    its page; ``title`` and ``district`` default to the model's ``title`` and ``district_id``
    columns; ``outerjoin`` (target, on clause) is joined for the title. Counted by the year of
    ``created_at``; the link form lists a district's newest ``LIST_MAX``."""

    LIST_MAX = 200

    model: Any
    public: Callable[[], tuple]
    url: Callable[[int], str]
    title: Any = None
    district: Any = None
    outerjoin: tuple = ()

    def _title(self) -> Any:
        return self.model.title if self.title is None else self.title

    def _district(self) -> Any:
        return self.model.district_id if self.district is None else self.district

    def _select(self, *columns: Any, where: tuple) -> Any:
        query = select(*columns).select_from(self.model)
        if self.outerjoin:
            query = query.outerjoin(*self.outerjoin)
        return query.where(*self.public(), *where)

    def bulk_load(self, ids: Iterable[int]) -> dict[int, Loaded]:
        ids = list(ids)
        if not ids:
            return {}
        rows = db.session.execute(
            self._select(
                self.model.id, self._title(), self._district(), where=(self.model.id.in_(ids),)
            )
        ).all()
        return {i: (title, self.url(i), district_id) for i, title, district_id in rows}

    def load(self, input_id: int) -> Loaded | None:
        return self.bulk_load([input_id]).get(input_id)

    def count(self, year: int | None) -> dict[int, int]:
        district = self._district()
        query = select(district, func.count(self.model.id)).where(*self.public()).group_by(district)
        if year is not None:
            query = query.where(extract("year", self.model.created_at) == year)
        return dict(db.session.execute(query).all())

    def list_for_district(self, district_id: int) -> list[tuple[int, str]]:
        query = self._select(
            self.model.id, self._title(), where=(self._district() == district_id,)
        ).order_by(self.model.id.desc())
        return [tuple(row) for row in db.session.execute(query.limit(self.LIST_MAX)).all()]

    def indicator(self, kind: str, label: Any) -> IndicatorInput:
        return IndicatorInput(
            kind,
            label,
            loader=self.load,
            counter=self.count,
            lister=self.list_for_district,
            bulk_loader=self.bulk_load,
        )


@dataclass(frozen=True)
class ContributionItem:
    """One line of "my contributions"."""

    title: str
    url: str | None
    date: datetime | None
    note: str = ""


@dataclass(frozen=True)
class Contributions:
    """A section of "my contributions": ``loader(user) -> [ContributionItem, …]``."""

    key: str
    title: Any
    loader: Callable[[Any], list[ContributionItem]]
    order: int = 50


@dataclass(frozen=True)
class PersonalData:
    """What a domain stores about a person: ``export(user)`` returns JSON-ready data for the
    data export; ``erase(user)`` removes personal details when the account is deleted (public
    contributions stay and show "deleted user")."""

    key: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class Respondable:
    """Official responses: ``district(obj)`` answers for the item; ``is_open(obj)`` whether it
    may be answered now (hidden items cannot be answered)."""

    district: Callable[[Any], Any]
    is_open: Callable[[Any], bool]


def _none(obj: Any) -> None:
    return None


def _created_at(obj: Any) -> datetime | None:
    return getattr(obj, "created_at", None)


@dataclass(frozen=True)
class Tracked:
    """An input of the back office's workflow: one work item with a status, an office and a
    due date. ``category_id(obj)`` picks the routing rule and response target;
    ``created_at(obj)`` starts the clock; ``district_id(obj)`` the district used for routing
    (default: the type's ``district_id``); ``supports`` its supports service."""

    category_id: Callable[[Any], int | None] = _none
    created_at: Callable[[Any], datetime | None] = _created_at
    district_id: Callable[[Any], int | None] | None = None
    # the type's :class:`app.core.supports.Supports` (``None``: it has no supports): the
    # inbox's support counts and the supporters told about a published answer
    supports: Any = None
    # ``point(obj)`` → (lat, lon) or ``None``: the input's place for the back office (its
    # internal export and map); default: the object's ``lat``/``lon``
    point: Callable[[Any], tuple[float, float] | None] | None = None

    def point_of(self, obj: Any) -> tuple[float, float] | None:
        if self.point is not None:
            return self.point(obj)
        lat, lon = getattr(obj, "lat", None), getattr(obj, "lon", None)
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            return float(lat), float(lon)
        return None

    def district_of(self, content_type: ContentType, obj: Any) -> int | None:
        chosen = self.district_id or content_type.district_id
        return chosen(obj)


def _no_title(obj: Any) -> str:
    return ""


@dataclass(frozen=True)
class ContentType:
    name: str
    model: Any = None
    label: Any = None  # lazy string, e.g. _l("Proposal")
    district_id: Callable[[Any], int | None] = _none
    author_id: Callable[[Any], int | None] = _none
    title: Callable[[Any], str] = _no_title
    url: Callable[[Any], str | None] = _none
    # Raw loading of many items (default: one ``IN`` query on ``model``); a type whose
    # ``district_id``/``title``/``url`` need other rows prepares them here (no N+1).
    load_many: Callable[[Iterable[int]], dict[int, Any]] | None = None
    # SQL criteria of the public rows of ``model`` (for counts, lists, maps).
    public: Callable[[], tuple] | None = None
    is_public: Callable[[Any], bool] | None = None
    # capabilities
    can_comment: Callable[[Any, Any], bool] | None = None
    moderated: bool = False
    on_published: Callable[[Any], None] | None = None
    # what a notification about ``obj`` points at (default: the item itself)
    subject: Callable[[Any], tuple[str, int]] | None = None
    respondable: Respondable | None = None
    indicator: IndicatorInput | None = None
    contributions: Contributions | None = None
    personal_data: PersonalData | None = None
    tracked: Tracked | None = None
    supporter_ids: Callable[[Iterable[int]], dict[int, set[int]]] | None = None

    @property
    def type(self) -> str:
        return self.name

    def subject_of(self, obj: Any) -> tuple[str, int]:
        return self.subject(obj) if self.subject is not None else (self.name, obj.id)

    # --- loading without the visibility rule (moderators, officials) ---------------------

    def get_many_any(self, ids: Iterable[int]) -> dict[int, Any]:
        ids = sorted(set(ids))
        if not ids:
            return {}
        if self.load_many is not None:
            return self.load_many(ids)
        if self.model is None:
            return {}
        rows = db.session.scalars(select(self.model).where(self.model.id.in_(ids))).unique()
        return {obj.id: obj for obj in rows}

    def load_any(self, item_id: int) -> Any:
        if self.load_many is None and self.model is not None:
            return db.session.get(self.model, item_id)
        return self.get_many_any([item_id]).get(item_id)

    # --- loading with the visibility rule (everything public-facing) ---------------------

    def shown(self, obj: Any) -> bool:
        """Whether the current person may see ``obj`` (the one rule for every type)."""
        if obj is None:
            return False
        if self.is_public is not None and not self.is_public(obj):
            return False
        return _visibility_rule(self, obj)

    def get_many(self, ids: Iterable[int]) -> dict[int, Any]:
        return {i: obj for i, obj in self.get_many_any(ids).items() if self.shown(obj)}

    def load(self, item_id: int) -> Any:
        obj = self.load_any(item_id)
        return obj if self.shown(obj) else None


def _only_visible(content_type: ContentType, obj: Any) -> bool:
    return getattr(obj, "moderation_state", "visible") == "visible"


_visibility_rule: Callable[[ContentType, Any], bool] = _only_visible
_TYPES: dict[str, ContentType] = {}


def set_visibility_rule(rule: Callable[[ContentType, Any], bool]) -> None:
    """Installed by the moderation domain: ``rule(content_type, obj)`` for the current
    person."""
    global _visibility_rule
    _visibility_rule = rule


def register(content_type: ContentType) -> ContentType:
    """Register (or replace, e.g. for a second app in the same process) a type."""
    _TYPES[content_type.name] = content_type
    return content_type


def update(name: str, **changes: Any) -> ContentType:
    """Add capabilities to a registered type (or register a bare one)."""
    current = _TYPES.get(name) or ContentType(name)
    return register(replace(current, **changes))


def unregister(name: str) -> None:
    _TYPES.pop(name, None)


def get(name: str) -> ContentType | None:
    return _TYPES.get(name)


def all_types() -> list[ContentType]:
    """The registered types, in registration order."""
    return list(_TYPES.values())


def commentable(name: str) -> ContentType | None:
    content_type = _TYPES.get(name)
    return content_type if content_type is not None and content_type.can_comment else None


def moderated(name: str) -> ContentType | None:
    content_type = _TYPES.get(name)
    return content_type if content_type is not None and content_type.moderated else None


def moderated_types() -> list[ContentType]:
    return [t for t in _TYPES.values() if t.moderated]


def respondable(name: str) -> ContentType | None:
    content_type = _TYPES.get(name)
    return content_type if content_type is not None and content_type.respondable else None


def indicator_inputs() -> list[IndicatorInput]:
    return [t.indicator for t in _TYPES.values() if t.indicator is not None]


def indicator_input(kind: str) -> IndicatorInput | None:
    for found in indicator_inputs():
        if found.kind == kind:
            return found
    return None


def contribution_sections() -> list[Contributions]:
    found = [t.contributions for t in _TYPES.values() if t.contributions is not None]
    return sorted(found, key=lambda s: (s.order, s.key))


def tracked_types() -> list[ContentType]:
    return [t for t in _TYPES.values() if t.tracked is not None]


def personal_data() -> list[PersonalData]:
    found = [t.personal_data for t in _TYPES.values() if t.personal_data is not None]
    return sorted(found, key=lambda p: p.key)


class Named:
    """A mapping-like view of the types registered under a prefix (``pop`` unregisters): the
    older registries' ``_TARGETS`` / ``_SECTIONS`` for code that registers its own types."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def __contains__(self, name: str) -> bool:
        return self.prefix + name in _TYPES

    def pop(self, name: str, default: Any = None) -> Any:
        return _TYPES.pop(self.prefix + name, default)
