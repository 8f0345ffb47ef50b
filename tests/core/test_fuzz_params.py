"""Property-based robustness: no route answers 5xx, whatever a client puts in the path, the
query string or the form — on SQLite and on PostgreSQL (where "integer out of range" lives).

The routes come from the URL map and the parameter names from the code itself (every
``request.args.get("…")``, every list filter, every form field), so a new route or parameter is
fuzzed without touching this file. Values are the ones that broke routes before — ids at and
beyond 2³¹ and 2⁶³, non-ASCII digits, blanks, NUL, very long strings, NaN/Infinity — mixed
with what hypothesis makes up, and parameters may repeat. Each example is one fresh client,
logged in as the role under test, sending one GET and/or POST.

Examples are bounded so that a run stays well under a minute per database; a failure prints
the request and hypothesis' seed to reproduce it (``--hypothesis-seed``).
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest
from flask import request, request_started
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from wtforms.fields.core import UnboundField

from app.accounts.models import User
from app.extensions import db
from tests.conftest import PASSWORD
from tests.core.refusals import REFUSED, refuses

ROLES = ["anonymous", "citizen", "mayor", "planner", "admin"]
APP_DIR = Path(__file__).resolve().parents[2] / "app"
# Bounded for the suite; FUZZ_EXAMPLES=5000 for a deeper run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SKIP_ENDPOINTS = {"static", "leaflet.static"}
# POSTs that end the session or the account of the role under test: fuzzed as anonymous only.
SESSION_ENDERS = re.compile(r"/(abmelden|loeschen)(/|$)|logout")

HOSTILE = [
    "0",
    "1",
    "-1",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "1" * 400,
    "²",
    "١٢",
    "１２",
    "0x10",
    "1e3",
    "1.5",
    "+1",
    "NaN",
    "Infinity",
    "-inf",
    "",
    " ",
    "\t",
    "\x00",
    "1\x00",
    "x" * 5000,
    "%",
    "'",
    "1,2,3,4",
    "1,2,3,nan",
    "9,99,999,9999",
    "-200,-100,200,100",
    "2026-02-30",
    "99999-01-01",
    "\u202e",
    "\ud7ff",
    "<script>",
]
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
)
path_values = st.one_of(
    st.sampled_from([v for v in HOSTILE if v.strip() and "\x00" not in v]),
    st.integers(min_value=0, max_value=2**66).map(str),
    st.text(min_size=1, max_size=20).filter(lambda v: v.strip("./") != ""),
)


def _form_field_names() -> set[str]:
    """Every field name of every form class in the app (the modules are imported by now)."""
    names: set[str] = set()
    seen: set[type] = set()
    todo = list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
        for name in dir(cls):
            if isinstance(getattr(cls, name, None), UnboundField):
                names.add(name)
    return names


# Names read from request.args directly or through the number helpers (arg_int, int_arg).
ARG_RE = re.compile(r"""(?:args\.get(?:list)?|arg_int|int_arg)\(\s*["']([A-Za-z_][\w-]*)["']""")


def _query_names() -> set[str]:
    """Query parameter names read anywhere in the app's code, plus the list filters'."""
    names: set[str] = set()
    for path in APP_DIR.rglob("*.py"):
        names.update(ARG_RE.findall(path.read_text(encoding="utf-8")))
    return names | _listing_names() | {"page"}  # page_arg's default name


class Names(tuple):
    """The parameter names; short in hypothesis' failure report."""

    def __repr__(self) -> str:
        return f"<{len(self)} parameter names>"


@pytest.fixture(scope="module")
def parameter_names(app_pool) -> Names:
    return Names(sorted(_query_names() | _form_field_names() | {"csrf_token", "id", "format"}))


@pytest.fixture
def app_overrides() -> dict:
    # The tile proxy's upstream: a closed local port, so that fuzzed tiles never go online.
    return {"TILE_UPSTREAM_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png"}


@pytest.fixture
def real_values(
    people, proposal_factory, barrier_report_factory, districts, categories
) -> dict[str, str]:
    """Real path values per argument name, so that the sweep also reaches the views behind the
    404s (made once per test, shared by its examples). Unknown names get "1"."""
    from app.comments import services as comments
    from app.extensions import db
    from app.needs import services as needs

    proposal = proposal_factory(people["author"])
    comment = comments.add_comment(people["citizen"], "proposal", proposal.id, "Gute Idee.")
    council = districts["23"].council
    need = needs.create_need(
        people["mayor"],
        council,
        title="Treffpunkt",
        description="Ein Raum am Abend fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_district(council, districts["23"]),
        linked_proposal_ids=(),
    )
    report = barrier_report_factory(people["citizen"], offer_text="Musikschule", commit=False)
    db.session.commit()
    return {
        "proposal_id": str(proposal.id),
        "target_type": "proposal",
        "target_id": str(proposal.id),
        "comment_id": str(comment.id),
        "need_id": str(need.id),
        "report_id": str(report.id),
        "user_id": str(people["citizen"].id),
        "number": "23",
        "slug": council.slug,
        "council": council.slug,
        "office": "social-planning",
        "code": "social-index",
        "lang": "en",
    }


@pytest.fixture
def logged_in(app):
    """``logged_in(user)``: the session cookie of a fresh login of ``user``, made once and
    handed to each example's fresh client, so an example starts as if it had logged in itself
    (the same cookie a login gives) without a login request and a password check each. If an
    example ended the person's sessions (a new session token: the old cookie no longer logs
    in), the next example logs in again."""
    cookies: dict[int, tuple[str, str]] = {}

    def token(user) -> str:
        person = db.session.get(User, user.id, populate_existing=True)
        assert person.is_active  # as the login each example did: an inactive one fails
        return person.session_token

    def cookie(user) -> str:
        if user.id not in cookies or cookies[user.id][0] != token(user):
            client = app.test_client()
            response = client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
            assert client.get("/konto").status_code == 200  # the cookie logs in
            value = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
            cookies[user.id] = (token(user), value)
        return cookies[user.id][1]

    return cookie


def _routes(app):
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        methods = sorted(m for m in rule.methods & {"GET", "POST"})
        if methods:
            rules.append((rule, methods))
    return sorted(rules, key=lambda r: r[0].rule)


def _path(rule, drawn: dict[str, str]) -> str:
    """The rule's path with each ``<converter:name>`` replaced by the drawn text, quoted."""

    def replace(match: re.Match) -> str:
        return quote(drawn[match.group("name")], safe="")

    return re.sub(r"<(?:[^:<>]+:)?(?P<name>[^<>]+)>", replace, rule.rule)


@pytest.mark.parametrize("role", ROLES)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # No shrinking: a failing example is one request, readable as drawn, and shrinking one
    # that fails through many routes would take minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_5xx_for_any_parameter(app, people, real_values, parameter_names, role, logged_in, data):
    routes = _routes(app)
    user = people[role] if role != "anonymous" else None
    real = sorted(set(real_values.values()))
    rule, methods = data.draw(st.sampled_from(routes), label="route")
    drawn_path = {
        name: data.draw(path_values | st.sampled_from(real), label=name)
        for name in sorted(rule.arguments)
    }
    path = _path(rule, drawn_path)
    names = data.draw(st.lists(st.sampled_from(parameter_names), max_size=6), label="parameters")
    pairs = [(name, data.draw(values, label=name)) for name in names]

    client = app.test_client()
    if user is not None:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], logged_in(user))

    failures = []
    if "GET" in methods:
        url = f"{path}?{urlencode(pairs)}" if pairs else path
        status = client.get(url).status_code
        if status >= 500:
            failures.append(f"GET {url} → {status}")
    if "POST" in methods and not (user is not None and SESSION_ENDERS.search(rule.rule)):
        status = client.post(path, data=MultiDict(pairs)).status_code
        if status >= 500:
            failures.append(f"POST {path} {pairs!r} → {status}")
    assert not failures, f"as {role}: " + "; ".join(failures)


PATH_SWEEP = ["2147483648", "9223372036854775808", "²", "0", "-1", "x" * 300]
# What broke routes before: PostgreSQL's integer range, SQLite's, str.isdigit's "²", blanks,
# NUL (PostgreSQL text refuses it), NaN for floats, strings longer than any column.
PARAMETER_SWEEP = ["2147483648", "9223372036854775808", "²", " ", "\x00", "NaN", "x" * 5000]


class _Recording(ImmutableMultiDict):
    """Query and form data that note which names a view reads (``"*"``: it iterated them)."""

    seen: set[str] = set()

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        self.seen.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self.seen.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)

    def _iterated(self):
        # The NUL check of every request (app.core.security) reads all values; that says
        # nothing about the names the view reads.
        if sys._getframe(2).f_globals.get("__name__") != "app.core.security":
            self.seen.add("*")

    def items(self, multi=False):
        self._iterated()
        return super().items(multi)

    def keys(self):
        self._iterated()
        return super().keys()

    def lists(self):
        self._iterated()
        return super().lists()

    def to_dict(self, flat=True):
        self._iterated()
        return super().to_dict(flat)

    def __iter__(self):
        self._iterated()
        return super().__iter__()


def _listing_names() -> set[str]:
    from app.core.listing import Filters

    names: set[str] = set()
    todo = [Filters]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        names.update(cls.parameters())
    return names


# The role whose sweep sends the path values that no rule's converters accept: such a request
# ends in the routing (404, 405 or a redirect) before any view, whatever the role.
ROUTING_ROLE = "anonymous"


def _routed_endpoint(adapter, url: str, method: str) -> str | None:
    """The endpoint whose view ``url`` reaches, or ``None`` if the routing answers itself."""
    try:
        endpoint, _args = adapter.match(unquote(url.split("?", 1)[0]), method=method)
    except (HTTPException, RequestRedirect):
        return None
    return endpoint


@contextmanager
def _recording_endpoints(app, seen: list):
    """Note the endpoint each request was routed to (``None``: the routing answered)."""

    def started(sender, **extra) -> None:
        seen.append(request.url_rule.endpoint if request.url_rule is not None else None)

    request_started.connect(started, app)
    try:
        yield
    finally:
        request_started.disconnect(started, app)


@pytest.mark.parametrize("role", ROLES)
def test_every_parameter_of_every_route(
    app, people, real_values, parameter_names, role, monkeypatch
):
    """The sweep behind the random examples: every route with hostile path values, and every
    parameter that the route reads (found by a first request that records the names it asks
    for) with each of the values that broke routes before, one at a time — so no route and no
    parameter goes unvisited however the random examples fall.

    Requests that cannot reach a view for this role are not repeated per role: a hostile path
    value that no rule accepts ends in the routing for everyone (swept as ``ROUTING_ROLE``),
    and a view whose ``requires`` predicate refuses the role answers 401/403 before reading
    any path value (the first request with real values shows the refusal; the names that
    request reads, before the view, are still swept). Both shortcuts are checked against what
    the app really did on the requests this sweep sends."""
    monkeypatch.setattr(app.request_class, "parameter_storage_class", _Recording)
    listing = _listing_names()
    user = people[role] if role != "anonymous" else None
    client = app.test_client()
    if user is not None:
        response = client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    adapter = app.url_map.bind("localhost")
    viewer = people[role]

    def reaches(endpoint: str) -> bool:
        return not refuses(app, endpoint, viewer)

    failures = []
    routed: list[str | None] = []

    def check(method: str, url: str, data=None, note: str = "", expect: object = ...) -> int:
        _Recording.seen = set()
        routed.clear()
        response = client.open(url, method=method, data=data)
        if response.status_code >= 500:
            failures.append(f"{method} {url[:200]} {note}→ {response.status_code}")
        if expect is not ... and routed != [expect]:
            failures.append(f"{method} {url[:200]} was routed to {routed}, expected {expect}")
        return response.status_code

    with _recording_endpoints(app, routed):
        for rule, methods in _routes(app):
            arguments = sorted(rule.arguments)
            for value in PATH_SWEEP if arguments else ():
                url = _path(rule, dict.fromkeys(arguments, value))
                endpoint = _routed_endpoint(adapter, url, "GET")
                if (role == ROUTING_ROLE) if endpoint is None else reaches(endpoint):
                    check("GET", url, expect=endpoint)
            path = _path(rule, {name: real_values.get(name, "1") for name in arguments})
            for method in methods:
                if method == "POST" and user is not None and SESSION_ENDERS.search(rule.rule):
                    continue
                endpoint = _routed_endpoint(adapter, path, method)
                status = check(method, path, expect=endpoint)
                if endpoint is not None and not reaches(endpoint) and status not in REFUSED:
                    failures.append(f"{method} {path}: refused for {role}, but {status}")
                read = set(_Recording.seen)
                if "*" in read:
                    read = (read - {"*"}) | listing
                for name in sorted(read):
                    for value in PARAMETER_SWEEP:
                        if method == "GET":
                            check("GET", f"{path}?{urlencode({name: value})}")
                        else:
                            check(
                                "POST", path, MultiDict([(name, value)]), f"{name}={value[:20]!r} "
                            )
    assert not failures, f"as {role}:\n" + "\n".join(failures)
