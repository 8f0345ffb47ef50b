"""Open311 GeoReport v2 over Quartier's inputs: the services (the proposal categories and the
councils' needs, read-only), the requests (public proposals and needs), creating a request (a
proposal through the proposals service) and the tokens of requests that wait for approval.

Every refusal is an :class:`Open311Error` with the HTTP status the specification names (400,
403, 404) and a translated description; the routes render it in the requested format.
Services flush, never commit.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, literal, select, union_all

from ..accounts.models import Office
from ..core.audit import record
from ..core.i18n import current_language, localized
from ..core.numbers import ID_MAX, ID_MIN, NumberError, parse_int
from ..core.places import ADDRESS_MAX, place_at_point, place_in_district
from ..core.time import as_utc, utcnow
from ..core.urls import external_url
from ..districts import services as district_services
from ..districts.models import Council, District
from ..districts.services import OutsideCity
from ..extensions import db
from ..needs.models import Need
from ..proposals import integration as proposal_integration
from ..proposals import services as proposals
from ..proposals.models import TITLE_MAX, Category, Proposal
from ..responses.services import responses_for_many
from ..workflow.models import WorkflowStatus, WorkItem
from . import keys
from .models import RequestToken

BERLIN = ZoneInfo("Europe/Berlin")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The last change of the discovery document (a new version of this endpoint changes it).
CHANGESET = datetime(2026, 12, 1, tzinfo=UTC)

NEED_SERVICE = "council-need"
NEED_PREFIX = "need-"
DESCRIPTION_MAX = 4000
NAME_MAX = 100
MEDIA_URL_MAX = 500
MAX_DAYS = 90
MAX_RESULTS = 1000
MAX_IDS = 1000
PAGE_MAX = 100_000

TITLE_ATTRIBUTE = "title"
PRECISION_ATTRIBUTE = "place_precision"
PRECISE, IN_DISTRICT = "exact", "district"

_HTML = re.compile(r"<\s*[A-Za-z!/?]|&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
_ATTRIBUTE = re.compile(r"attribute\[([^\]]*)\](\[\])?")


class Open311Error(Exception):
    """A refused request: the HTTP status and the description for the ``errors`` document."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def w3c(value: datetime | None) -> str | None:
    """A W3C datetime with the Europe/Berlin offset, e.g. ``2026-12-01T17:30:00+01:00``."""
    if value is None:
        return None
    return as_utc(value).astimezone(BERLIN).isoformat(timespec="seconds")


def _blank_as_absent(args, name: str) -> str | None:
    """The parameter's value, stripped; an empty value counts as absent (spec)."""
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def check_jurisdiction(args) -> None:
    """``jurisdiction_id`` absent or empty: fine; ours: fine; anything else: 404."""
    given = _blank_as_absent(args, "jurisdiction_id")
    if given is not None and given != current_app.config["OPEN311_JURISDICTION_ID"]:
        raise Open311Error(404, _("The jurisdiction “%(id)s” is not served here.", id=given[:100]))


# --- discovery and services --------------------------------------------------------------------


def discovery() -> dict:
    endpoint = external_url("open311.discovery", ext="xml").rsplit("/", 1)[0]
    production = current_app.config.get("ENV_NAME") == "production"
    return {
        "changeset": w3c(CHANGESET),
        "contact": current_app.config.get("OPEN311_CONTACT") or current_app.config["BASE_URL"],
        "key_service": _(
            "API keys for creating requests are issued by the administrators of Quartier."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint,
                "changeset": w3c(CHANGESET),
                "type": "production" if production else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _categories() -> list[Category]:
    return proposals.categories()


def premoderated_anywhere() -> bool:
    """Whether any council publishes new proposals only after approval."""
    return bool(
        db.session.scalar(select(Council.id).where(Council.premoderation.is_(True)).limit(1))
    )


def service_type() -> str:
    """``batch`` while a council pre-moderates (a request there gets a token first), else
    ``realtime`` (the answer carries the service_request_id)."""
    return "batch" if premoderated_anywhere() else "realtime"


def _category_service(category: Category, kind: str) -> dict:
    name = localized(category, "name")
    return {
        "service_code": category.slug,
        "service_name": name,
        "description": _(
            "Proposals in the category “%(name)s”: improvements residents suggest at a place "
            "in Erfurt.",
            name=name,
        ),
        "metadata": True,
        "type": kind,
        "keywords": f"{category.name_de}, {category.name_en}",
        "group": _("Proposals"),
    }


def _need_service() -> dict:
    return {
        "service_code": NEED_SERVICE,
        "service_name": _("Council need"),
        "description": _(
            "Needs that the district councils post for their districts. Read only: requests "
            "of this service cannot be created through the API."
        ),
        "metadata": False,
        "type": "realtime",
        "keywords": "Bedarf, need",
        "group": _("Council needs"),
    }


def service_list() -> list[dict]:
    kind = service_type()
    return [_category_service(c, kind) for c in _categories()] + [_need_service()]


def _category(code: str) -> Category | None:
    return next((c for c in _categories() if c.slug == code), None)


def _unknown_service(code: str) -> Open311Error:
    return Open311Error(404, _("The service code “%(code)s” does not exist.", code=code[:100]))


def attributes() -> list[dict]:
    """The attributes of every proposal category (the service definition)."""
    return [
        {
            "variable": True,
            "code": TITLE_ATTRIBUTE,
            "datatype": "string",
            "required": False,
            "datatype_description": _("At most %(max)d characters.", max=TITLE_MAX),
            "order": 1,
            "description": _(
                "A short title for the proposal. Without it the beginning of the description "
                "is used."
            ),
        },
        {
            "variable": True,
            "code": PRECISION_ATTRIBUTE,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": None,
            "order": 2,
            "description": _("Is the point the exact place? Without an answer: exact."),
            "values": [
                {"key": PRECISE, "name": _("Exactly at this point")},
                {"key": IN_DISTRICT, "name": _("Somewhere in the district of this point")},
            ],
        },
    ]


def service_definition(code: str) -> dict:
    if code == NEED_SERVICE:
        return {"service_code": NEED_SERVICE, "attributes": []}
    if _category(code) is None:
        raise _unknown_service(code)
    return {"service_code": code, "attributes": attributes()}


# --- reading requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilter:
    proposal_ids: tuple[int, ...] | None = None  # service_request_id given: only these
    need_ids: tuple[int, ...] | None = None
    category_ids: tuple[int, ...] | None = None  # None: every category
    include_proposals: bool = True
    include_needs: bool = True
    status: str | None = None  # "open", "closed" or None (both)
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = MAX_RESULTS


def _parse_datetime(name: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise Open311Error(
            400,
            _(
                "“%(name)s” must be a date and time in W3C format, e.g. 2026-01-31T00:00:00+01:00.",
                name=name,
            ),
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BERLIN)
    return value.astimezone(UTC)


def _number(args, name: str, low: int, high: int, default: int) -> int:
    try:
        return parse_int(
            _blank_as_absent(args, name), low=low, high=high, default=default, name=name
        )
    except NumberError as exc:
        raise Open311Error(400, exc.message) from None


def parse_request_ids(raw: str) -> tuple[list[int], list[int]]:
    """``service_request_id``: a comma list of ids (proposals ``12``, needs ``need-7``); ids
    of no request are left out (they match nothing)."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if len(parts) > MAX_IDS:
        raise Open311Error(
            400, _("At most %(max)d values of “service_request_id” at once.", max=MAX_IDS)
        )
    proposal_ids, need_ids = [], []
    for part in parts:
        target, number = (
            (need_ids, part[len(NEED_PREFIX) :])
            if part.startswith(NEED_PREFIX)
            else (
                proposal_ids,
                part,
            )
        )
        try:
            value = parse_int(number, low=ID_MIN, high=ID_MAX)
        except NumberError:
            continue
        if value is not None:
            target.append(value)
    return proposal_ids, need_ids


def parse_filter(args) -> RequestFilter:
    """The GET requests parameters; the service_request_id list overrides the others."""
    page = _number(args, "page", 1, PAGE_MAX, 1)
    page_size = _number(args, "page_size", 1, MAX_RESULTS, MAX_RESULTS)
    ids = _blank_as_absent(args, "service_request_id")
    if ids is not None:
        proposal_ids, need_ids = parse_request_ids(ids)
        return RequestFilter(
            proposal_ids=tuple(proposal_ids),
            need_ids=tuple(need_ids),
            page=page,
            page_size=page_size,
        )
    category_ids, include_proposals, include_needs = None, True, True
    codes = _blank_as_absent(args, "service_code")
    if codes is not None:
        wanted = [code.strip() for code in codes.split(",") if code.strip()]
        by_slug = {c.slug: c for c in _categories()}
        for code in wanted:
            if code != NEED_SERVICE and code not in by_slug:
                raise _unknown_service(code)
        category_ids = tuple(by_slug[code].id for code in wanted if code in by_slug)
        include_proposals = bool(category_ids)
        include_needs = NEED_SERVICE in wanted
    status = None
    raw_status = _blank_as_absent(args, "status")
    if raw_status is not None:
        statuses = {s.strip().lower() for s in raw_status.split(",") if s.strip()}
        if not statuses <= {"open", "closed"}:
            raise Open311Error(400, _("The status must be “open” or “closed”."))
        status = statuses.pop() if len(statuses) == 1 else None
    start_raw, end_raw = _blank_as_absent(args, "start_date"), _blank_as_absent(args, "end_date")
    start = _parse_datetime("start_date", start_raw) if start_raw else None
    end = _parse_datetime("end_date", end_raw) if end_raw else None
    span = timedelta(days=MAX_DAYS)
    if start is None and end is None:
        end = utcnow()
        start = end - span
    elif start is None:
        start = end - span
    elif end is None:
        end = start + span
    if start > end:
        raise Open311Error(400, _("“start_date” must lie before “end_date”."))
    if end - start > span:
        raise Open311Error(
            400,
            _("“start_date” and “end_date” may lie at most %(days)d days apart.", days=MAX_DAYS),
        )
    return RequestFilter(
        category_ids=category_ids,
        include_proposals=include_proposals,
        include_needs=include_needs,
        status=status,
        start=start,
        end=end,
        page=page,
        page_size=page_size,
    )


def _closed_ids(target_type: str):
    return (
        select(WorkItem.target_id)
        .join(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
        .where(WorkItem.target_type == target_type, WorkflowStatus.closed.is_(True))
    )


def _conditions(model, target_type: str, public, ids, flt: RequestFilter) -> list:
    conditions = [public]
    if ids is not None:
        return [*conditions, model.id.in_(ids)]
    if flt.category_ids is not None and model is Proposal:
        conditions.append(Proposal.category_id.in_(flt.category_ids))
    if flt.status == "closed":
        conditions.append(model.id.in_(_closed_ids(target_type)))
    elif flt.status == "open":
        conditions.append(~model.id.in_(_closed_ids(target_type)))
    conditions += [model.created_at >= flt.start, model.created_at <= flt.end]
    return conditions


def _newest(model, kind: str, conditions: list, enough: int):
    """One kind's newest ``enough`` rows as (kind, id, created_at): each branch of the union
    is ordered and cut on its own (so it can use the created_at index)."""
    branch = (
        select(
            literal(kind).label("kind"),
            model.id.label("id"),
            model.created_at.label("created_at"),
        )
        .where(*conditions)
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(enough)
        .subquery()
    )
    return select(branch.c.kind, branch.c.id, branch.c.created_at)


def _page_keys(flt: RequestFilter) -> list[tuple[str, int]]:
    """The (kind, id) of the page's requests, newest first: one UNION ALL query."""
    by_ids = flt.proposal_ids is not None
    enough = flt.page * flt.page_size
    parts = []
    if flt.include_proposals and (not by_ids or flt.proposal_ids):
        conditions = _conditions(Proposal, "proposal", Proposal.public(), flt.proposal_ids, flt)
        parts.append(_newest(Proposal, "p", conditions, enough))
    if flt.include_needs and (not by_ids or flt.need_ids):
        conditions = _conditions(Need, "need", Need.visible(), flt.need_ids, flt)
        parts.append(_newest(Need, "n", conditions, enough))
    if not parts:
        return []
    union = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    rows = db.session.execute(
        select(union.c.kind, union.c.id)
        .order_by(union.c.created_at.desc(), union.c.kind, union.c.id.desc())
        .offset((flt.page - 1) * flt.page_size)
        .limit(flt.page_size)
    ).all()
    return [(kind, row_id) for kind, row_id in rows]


def _rows(model, target_type: str, ids: list[int], extra: tuple, joined) -> dict[int, Any]:
    """The columns the requests show, in one query of plain rows (no ORM objects): the
    item's, its district's, its work item's status and office; the authors never."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            model.id,
            model.title,
            model.description,
            model.lat,
            model.lon,
            model.address,
            model.created_at,
            model.updated_at,
            District.number.label("district_number"),
            District.name.label("district_name"),
            WorkflowStatus.closed.label("closed"),
            WorkItem.updated_at.label("item_updated_at"),
            Office.name_de.label("office_de"),
            Office.name_en.label("office_en"),
            *extra,
        )
        .join(District, District.id == model.district_id)
        .join(*joined)
        .outerjoin(
            WorkItem, and_(WorkItem.target_type == target_type, WorkItem.target_id == model.id)
        )
        .outerjoin(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
        .outerjoin(Office, Office.id == WorkItem.office_id)
        .where(model.id.in_(ids))
    ).all()
    return {row.id: row for row in rows}


def _updated(row, answers) -> datetime:
    times = [as_utc(row.updated_at), as_utc(row.created_at), as_utc(row.item_updated_at)]
    for answer in answers[:1]:
        times.append(as_utc(answer.edited_at or answer.created_at))
    return max(t for t in times if t is not None)


def _text(title: str, description: str) -> str:
    description = (description or "").strip()
    return f"{title}\n\n{description}" if description else title


def _address(row) -> str:
    where = f"{row.district_number} {row.district_name}"
    return f"{row.address} ({where})" if row.address else where


def _request(row, answers, english: bool, **fields) -> dict:
    office = row.office_en if english else row.office_de
    return {
        "service_request_id": fields["service_request_id"],
        "status": "closed" if row.closed else "open",
        "status_notes": answers[0].body if answers else None,
        "service_name": fields["service_name"],
        "service_code": fields["service_code"],
        "description": _text(row.title, row.description),
        "agency_responsible": office or row.office_de or fields.get("agency"),
        "service_notice": None,
        "requested_datetime": w3c(row.created_at),
        "updated_datetime": w3c(_updated(row, answers)),
        "expected_datetime": None,
        "address": _address(row),
        "address_id": None,
        "zipcode": None,
        "lat": row.lat,
        "long": row.lon,
        "media_url": fields.get("media_url"),
    }


def _proposal_request(row, answers, english: bool) -> dict:
    return _request(
        row,
        answers,
        english,
        service_request_id=str(row.id),
        service_name=(row.category_en if english else row.category_de) or row.category_de,
        service_code=row.category_slug,
        media_url=(external_url("proposals.photo", proposal_id=row.id) if row.photo else None),
    )


def _need_request(row, answers, english: bool, need_name: str) -> dict:
    return _request(
        row,
        answers,
        english,
        service_request_id=f"{NEED_PREFIX}{row.id}",
        service_name=need_name,
        service_code=NEED_SERVICE,
        agency=_("District council %(name)s", name=row.council_name),
    )


def find_requests(flt: RequestFilter) -> list[dict]:
    """The page of public requests: four queries whatever its length (the page's keys, the
    proposals, the needs — each with its district, status and office —, the answers)."""
    page = _page_keys(flt)
    proposal_rows = _rows(
        Proposal,
        "proposal",
        [i for k, i in page if k == "p"],
        (
            Proposal.photo,
            Category.slug.label("category_slug"),
            Category.name_de.label("category_de"),
            Category.name_en.label("category_en"),
        ),
        (Category, Category.id == Proposal.category_id),
    )
    need_rows = _rows(
        Need,
        "need",
        [i for k, i in page if k == "n"],
        (Council.name.label("council_name"),),
        (Council, Council.id == Need.council_id),
    )
    answers = responses_for_many(
        [("proposal" if kind == "p" else "need", row_id) for kind, row_id in page]
    )
    english = current_language() == "en"
    need_name = _("Council need")
    found = []
    for kind, row_id in page:
        if kind == "p" and row_id in proposal_rows:
            found.append(
                _proposal_request(
                    proposal_rows[row_id], answers.get(("proposal", row_id), []), english
                )
            )
        elif kind == "n" and row_id in need_rows:
            found.append(
                _need_request(
                    need_rows[row_id], answers.get(("need", row_id), []), english, need_name
                )
            )
    return found


def get_request(request_id: str) -> dict:
    proposal_ids, need_ids = parse_request_ids(request_id)
    found = find_requests(RequestFilter(proposal_ids=tuple(proposal_ids), need_ids=tuple(need_ids)))
    if len(proposal_ids) + len(need_ids) != 1 or not found:
        raise Open311Error(
            404, _("The service request “%(id)s” does not exist.", id=request_id[:100])
        )
    return found[0]


def resolve_token(token: str) -> dict:
    """The token and, once the proposal is public, its service_request_id."""
    row = db.session.scalar(select(RequestToken).where(RequestToken.token == token))
    if row is None:
        raise Open311Error(404, _("The token “%(token)s” does not exist.", token=token[:100]))
    public = db.session.scalar(
        select(Proposal.id).where(Proposal.id == row.proposal_id, Proposal.public())
    )
    result: dict[str, Any] = {"token": row.token}
    if public is not None:
        result = {"service_request_id": str(public), "token": row.token}
    return result


# --- creating a request --------------------------------------------------------------------


def _coordinate(form, name: str, low: float, high: float) -> float:
    raw = _blank_as_absent(form, name)
    if raw is None:
        raise Open311Error(
            400,
            _(
                "The parameters “lat” and “long” are required (this server does not look up "
                "addresses)."
            ),
        )
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (low <= value <= high):  # also refuses nan and inf
        raise Open311Error(
            400, _("“%(name)s” must be a number in decimal degrees, e.g. 50.9787.", name=name)
        )
    return value


def _plain(form, name: str, limit: int) -> str:
    value = _blank_as_absent(form, name) or ""
    if len(value) > limit:
        raise Open311Error(
            400, _("“%(name)s” may have at most %(max)d characters.", name=name, max=limit)
        )
    if _HTML.search(value):
        raise Open311Error(400, _("“%(name)s” must be plain text, without HTML.", name=name))
    return value


def _attributes(form) -> dict[str, str]:
    """The ``attribute[code]`` values, checked against the service definition."""
    definition = {a["code"]: a for a in attributes()}
    given: dict[str, str] = {}
    for name in form:
        match = _ATTRIBUTE.fullmatch(name)
        if match is None:
            continue
        code = match.group(1)
        if code not in definition:
            raise Open311Error(
                400,
                _(
                    "The attribute “%(code)s” is not part of the service definition.",
                    code=code[:100],
                ),
            )
        values = [v.strip() for v in form.getlist(name) if v.strip()]
        if len(values) > 1:
            raise Open311Error(400, _("The attribute “%(code)s” takes one value.", code=code))
        if values:
            given[code] = values[0]
    for code, attribute in definition.items():
        if attribute["required"] and code not in given:
            raise Open311Error(400, _("The attribute “%(code)s” is required.", code=code))
        if code in given and attribute.get("values"):
            allowed = [v["key"] for v in attribute["values"]]
            if given[code] not in allowed:
                raise Open311Error(
                    400,
                    _(
                        "The attribute “%(code)s” must be one of: %(keys)s.",
                        code=code,
                        keys=", ".join(allowed),
                    ),
                )
    if TITLE_ATTRIBUTE in given:
        title = given[TITLE_ATTRIBUTE]
        if len(title) > TITLE_MAX:
            raise Open311Error(
                400,
                _(
                    "The attribute “%(code)s” may have at most %(max)d characters.",
                    code=TITLE_ATTRIBUTE,
                    max=TITLE_MAX,
                ),
            )
        if _HTML.search(title):
            raise Open311Error(
                400, _("“%(name)s” must be plain text, without HTML.", name=TITLE_ATTRIBUTE)
            )
    return given


def _title_from(description: str) -> str:
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    if len(first) <= TITLE_MAX:
        return first
    cut = first[: TITLE_MAX - 1].rsplit(" ", 1)[0] or first[: TITLE_MAX - 1]
    return cut.rstrip(" ,.;:") + "…"


def _check_person(form) -> bool:
    """The optional details of the person: checked, never stored. True if any was given."""
    email = _blank_as_absent(form, "email")
    if email is not None:
        if len(email) > 254:
            raise Open311Error(400, _("The e-mail address is not valid."))
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            raise Open311Error(400, _("The e-mail address is not valid.")) from None
    given = email is not None
    for name in ("first_name", "last_name", "phone"):
        if _plain(form, name, NAME_MAX):
            given = True
    return given


def _media_url(form) -> str:
    url = _blank_as_absent(form, "media_url")
    if url is None:
        return ""
    if len(url) > MEDIA_URL_MAX or not re.fullmatch(r"https?://[^\s<>\"']+", url, re.IGNORECASE):
        raise Open311Error(
            400,
            _(
                "“media_url” must be an http or https address of at most %(max)d characters.",
                max=MEDIA_URL_MAX,
            ),
        )
    return url


@dataclass(frozen=True)
class Created:
    proposal: Proposal
    token: str | None
    notice: str


def create_request(form) -> Created:
    """A request becomes a proposal by no author, "via" the key's client, through the
    proposals service: it enters the moderation like any other (pre-moderation → a token).

    The e-mail address, names and telephone number a client may send are checked and then
    dropped: no account is made and nothing personal is stored. A ``media_url`` is appended
    to the description as a link (never fetched, never embedded)."""
    key = keys.active_key(_blank_as_absent(form, "api_key"))
    if key is None:
        if _blank_as_absent(form, "api_key") is None:
            raise Open311Error(403, _("An API key is required (the parameter “api_key”)."))
        raise Open311Error(403, _("The API key is not valid or has been revoked."))
    code = _blank_as_absent(form, "service_code")
    if code is None:
        raise Open311Error(400, _("The parameter “service_code” is required."))
    if code == NEED_SERVICE:
        raise Open311Error(
            400,
            _(
                "The service “%(code)s” can only be read: the councils post their needs "
                "themselves.",
                code=code,
            ),
        )
    category = _category(code)
    if category is None:
        raise _unknown_service(code)
    lat = _coordinate(form, "lat", -90, 90)
    lon = _coordinate(form, "long", -180, 180)
    try:
        district = district_services.district_at(lat, lon)
    except OutsideCity:
        raise Open311Error(
            400,
            _("The place %(lat)s, %(long)s lies outside Erfurt's districts.", lat=lat, long=lon),
        ) from None
    given = _attributes(form)
    description = _plain(form, "description", DESCRIPTION_MAX)
    address = _plain(form, "address_string", ADDRESS_MAX)
    personal = _check_person(form)
    media_url = _media_url(form)
    title = given.get(TITLE_ATTRIBUTE) or _title_from(description)
    if not title:
        raise Open311Error(
            400,
            _("Please describe the request: “description” or the attribute “title” is required."),
        )
    if media_url:
        description = f"{description}\n\n{media_url}".strip()
    if given.get(PRECISION_ATTRIBUTE) == IN_DISTRICT:
        place = place_in_district(district, address)
    else:
        place = place_at_point(district, lat, lon, address)
    proposal = proposals.create_proposal(
        None,
        title=title,
        description=description,
        category=category,
        place=place,
        submitted_via=key.name,
    )
    key.last_used_at = utcnow()
    record(
        None,
        "open311.request_created",
        "proposal",
        proposal.id,
        after={"api_key_id": key.id, "client": key.name},
        district_id=proposal.district_id,
    )
    token = None
    if proposal.is_pending_approval:
        token = secrets.token_urlsafe(24)
        db.session.add(RequestToken(token=token, proposal_id=proposal.id, api_key_id=key.id))
        notice = _(
            "Thank you. The request will be published after the district council's approval; "
            "the token then gives its service_request_id."
        )
    else:
        proposal_integration.notify_new(proposal, None)
        notice = _("Thank you. The request has been published.")
    if personal:
        notice += " " + _(
            "The e-mail address, names and telephone number were not stored: follow the "
            "request through its id."
        )
    db.session.flush()
    return Created(proposal=proposal, token=token, notice=notice)


def created_document(created: Created) -> list[dict]:
    if created.token is not None:
        return [{"token": created.token, "service_notice": created.notice, "account_id": None}]
    return [
        {
            "service_request_id": str(created.proposal.id),
            "service_notice": created.notice,
            "account_id": None,
        }
    ]
