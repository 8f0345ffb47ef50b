"""Shared fixtures: one app and the reference data per session, each test in a transaction
that is rolled back at teardown, factories, query counting.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
With ``REQUIRE_POSTGRES=1`` or ``REQUIRE_BROWSER=1`` (CI) a skipped test is a failure.

Isolation: a session-wide scratch database holds the schema and the reference data (Erfurt's
districts and councils, offices, proposal categories, offer types), committed once. Each test
begins a transaction on one connection (kept by the worker from test to test); every
``db.session`` of the test — the test's own and one per request of :class:`IsolatedClient` —
joins that transaction through a SAVEPOINT (SQLAlchemy's
``join_transaction_mode="create_savepoint"``), so a request's ``commit()`` is real for
everything that follows in the test, a forgotten commit still loses the request's writes, and
the rollback at teardown leaves the reference data as it was.

Tests whose writes must be seen by other connections — the browser tests' live server in
another thread, parallel PostgreSQL sessions — are marked ``committing``: they commit for real
and the tables are emptied (on PostgreSQL without triggers) and seeded again after them.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_login import AnonymousUserMixin
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, event, exists, func, literal, select, text, union_all
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.accounts import services as accounts
from app.accounts.models import Office, User
from app.barriers import services as barrier_services
from app.barriers.services import load_barrier_types, load_offer_types
from app.core import search
from app.core.time import utcnow
from app.demo.loader import load_demo
from app.districts.models import Council, District
from app.districts.services import load_districts, reset_caches
from app.extensions import db, limiter
from app.indicators.demo import load_demo_data
from app.measures.services import load_statuses as load_measure_statuses
from app.proposals import services as proposal_services
from app.proposals.services import load_categories
from app.workflow.models import WorkItemCount, WorkItemDays
from app.workflow.services import load_statuses
from config import database_url as normalize_database_url

TEST_DATABASE_URL = normalize_database_url(os.environ.get("TEST_DATABASE_URL") or None)
NO_SKIPS = os.environ.get("REQUIRE_POSTGRES") == "1" or os.environ.get("REQUIRE_BROWSER") == "1"
PASSWORD = "correct horse battery"
# Werkzeug's scheme (scrypt) at the smallest cost OpenSSL accepts with r=8: a tenth of the
# testing config's "scrypt:1024:8:1" per hash and per login, the same code path (hashes still
# start with "scrypt:" and are checked by werkzeug). Tests make thousands of accounts and logins.
FAST_PASSWORD_HASH = "scrypt:128:8:1"  # noqa: S105

# Settings read when the app is created (extensions' init_app): a test that overrides one gets
# an app of its own (cached per combination). All other overrides are applied to the shared
# app for the duration of the test and restored afterwards; the rate limiter (one object for
# all apps) is switched and emptied per test.
INIT_TIME_PREFIXES = ("SQLALCHEMY_", "RATELIMIT_STORAGE", "RATELIMIT_KEY_PREFIX")

# Tables whose change makes the per-process district caches (locator, GeoJSON) stale.
DISTRICT_TABLES = re.compile(
    r"\b(INSERT INTO|UPDATE|DELETE FROM)\s+\"?(districts|councils)\b", re.IGNORECASE
)


def pytest_report_header(config) -> str:
    return f"database: {TEST_DATABASE_URL or 'SQLite (temporary file)'}"


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "committing: commits for real (other connections see the writes); tables are emptied "
        "and the reference data seeded again afterwards",
    )


# A test that asks for none of these never reaches the scratch database of the run: it reads
# files, calls pure functions or makes its own app on ``sqlite://``. It is marked
# ``db_independent`` and ``make test`` runs it on the SQLite pass only (the PostgreSQL pass would
# repeat exactly the same work). Every database fixture (``app``, ``client``, the factories)
# depends on ``test_database``; the migration tests use ``database_url``.
DATABASE_FIXTURES = frozenset({"test_database", "app_pool", "database_url"})

# The slowest tests (seconds each, see ``--durations``) go first, so that the pytest-xdist
# workers share them out at the start instead of one worker finishing them alone at the end.
SLOWEST_FIRST = (
    "tests/browser/test_crawl.py::test_every_page_fits_a_phone_and_names_its_landmarks",
    "tests/core/test_fuzz_params.py::test_every_parameter_of_every_route",
    "tests/browser/test_legal.py::test_new_pages_pass_axe_and_fit",
    "tests/core/test_no_500.py::",
    "tests/browser/test_measures.py::",
    "tests/browser/test_map_aggregation.py::",
    "tests/core/test_fuzz_params.py::",
    "tests/browser/test_backoffice.py::test_axe_",
    "tests/core/test_migrations.py::",
)


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if not DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db_independent)

    def rank(item) -> int:
        nodeid = item.nodeid
        for position, prefix in enumerate(SLOWEST_FIRST):
            if nodeid.startswith(prefix):
                return position
        return len(SLOWEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but CI requires every test to run: {report.longrepr}"


# --- the database -------------------------------------------------------------------------


def _sqlite_dir() -> str:
    """Scratch SQLite files live in memory-backed storage where there is one (no fsync)."""
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    return tempfile.mkdtemp(prefix="quartier-test-", dir=base)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """SQLite: a temporary file (in /dev/shm when possible). PostgreSQL: a scratch database
    created on the server of ``TEST_DATABASE_URL`` for this run and worker (parallel runs and
    xdist workers cannot disturb each other), non-durable, dropped at the end."""
    if not TEST_DATABASE_URL:
        folder = _sqlite_dir()
        yield f"sqlite:///{folder}/test.sqlite"
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"quartier_test_{worker}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A scratch database need not survive a crash: commits return without waiting for
        # the write-ahead log to reach the disk.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    server.dispose()
    yield TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"
    _drop_in_background(name)


def _drop_in_background(name: str) -> None:
    """DROP DATABASE waits for a checkpoint (seconds on a busy server): let a detached
    process do it instead of the end of the run."""
    script = (
        "import sys; from sqlalchemy import create_engine, text\n"
        "engine = create_engine(sys.argv[1], isolation_level='AUTOCOMMIT')\n"
        "with engine.connect() as conn:\n"
        "    conn.execute(text(f'DROP DATABASE IF EXISTS \"{sys.argv[2]}\" WITH (FORCE)'))\n"
    )
    subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", script, TEST_DATABASE_URL, name],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class _SQLiteMode:
    """Whether SQLAlchemy drives SQLite's transactions (per-test transactions with SAVEPOINTs),
    or pysqlite's own implicit ones (committing tests: reads take no lock, so the live server's
    connections are not blocked by an idle reader)."""

    savepoints = True


def _prepare_engine(engine: Engine) -> None:
    """SQLite: let SQLAlchemy emit BEGIN so that SAVEPOINTs work (pysqlite's own transaction
    handling breaks them; the recipe from SQLAlchemy's documentation), and skip fsync."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_quartier_prepared", False):
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    @event.listens_for(engine, "begin")
    def _begin(connection):
        dbapi_connection = connection.connection.dbapi_connection
        if _SQLiteMode.savepoints:
            dbapi_connection.isolation_level = None
            connection.exec_driver_sql("BEGIN")
        else:
            dbapi_connection.isolation_level = ""  # pysqlite's implicit transactions

    engine._quartier_prepared = True  # type: ignore[attr-defined]


def seed_reference_data() -> None:
    """What every test may assume exists: Erfurt's districts and councils, the offices, the
    proposal categories, the offer types, the barrier types and the workflow statuses (all
    loaders are idempotent)."""
    load_districts()
    accounts.load_offices()
    load_categories()
    load_offer_types()
    load_barrier_types()
    load_statuses()
    load_measure_statuses()


# Tables the database's triggers keep (counts of the work items): a snapshot leaves them out
# (inserting the work items counts them again), and they are emptied after the work items
# (whose deletion counts them down).
KEPT_BY_TRIGGERS = frozenset({WorkItemCount.__tablename__, WorkItemDays.__tablename__})


def children_first(names: set[str] | None = None) -> list:
    """The metadata's tables (or those named) in the order to empty them."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if names is None or t.name in names]
    return [t for t in tables if t.name not in KEPT_BY_TRIGGERS] + [
        t for t in tables if t.name in KEPT_BY_TRIGGERS
    ]


def empty_all_tables() -> None:
    empty_tables(children_first())


def empty_tables(tables: list, kept: frozenset[str] = frozenset()) -> None:
    """Empty ``tables`` (children first, see :func:`children_first`) with row DELETEs; the
    tables named in ``kept`` are the only others that may hold rows. PostgreSQL: with
    ``session_replication_role = replica`` for the transaction (the tests connect as the
    superuser), so that no trigger fires: no foreign key is checked row by row (three to four
    times faster on the demo site's rows) and the counts' triggers do not count down rows
    emptied anyway. Only when no kept table has a foreign key to one of ``tables`` (a
    foreign key's ON DELETE would not fire either); otherwise, or without the right to switch,
    with the triggers."""
    replica = (
        bool(tables)
        and db.session.get_bind().dialect.name == "postgresql"
        and not points_at(kept, tables)
        and _switch_replication_role("replica")
    )
    for table in tables:
        db.session.execute(table.delete())
    if replica:
        _switch_replication_role("DEFAULT")
    search.empty_index()  # SQLite: the FTS tables are not in the metadata


def points_at(names: Iterable[str], tables: list) -> bool:
    """Whether a table named in ``names`` has a foreign key to one of ``tables``."""
    targets = {table.name for table in tables}
    names = set(names)
    return any(
        key.column.table.name in targets
        for table in db.metadata.sorted_tables
        if table.name in names
        for key in table.foreign_keys
    )


class _ReplicationRole:
    allowed: bool | None = None  # found out by the first switch of the process


def _switch_replication_role(role: str) -> bool:
    """``SET LOCAL session_replication_role``; False if the connection may not (a savepoint
    around the first try only)."""
    statement = text(f"SET LOCAL session_replication_role = {role}")
    if _ReplicationRole.allowed is None:
        savepoint = db.session.begin_nested()
        try:
            db.session.execute(statement)
        except DBAPIError:
            savepoint.rollback()
            _ReplicationRole.allowed = False
        else:
            savepoint.commit()
            _ReplicationRole.allowed = True
        return _ReplicationRole.allowed
    if _ReplicationRole.allowed:
        db.session.execute(statement)
    return _ReplicationRole.allowed


def take_rows() -> dict[str, list[dict]]:
    """Every row of every table of the metadata, by table name (empty tables left out)."""
    rows = {}
    for table in db.metadata.sorted_tables:
        found = [dict(row) for row in db.session.execute(table.select()).mappings()]
        if found:
            rows[table.name] = found
    return rows


def insert_rows(rows: dict[str, list[dict]]) -> None:
    """Bulk inserts of ``take_rows()``'s rows, parents first."""
    for table in db.metadata.sorted_tables:
        if rows.get(table.name):
            db.session.execute(table.insert(), rows[table.name])


def move_sequences_past(rows: dict[str, list[dict]]) -> None:
    """PostgreSQL: move each restored table's id sequence past its largest id (rows inserted
    with their ids leave the sequence where it was, and the next insert would collide with a
    restored row); never back. SQLite takes the next id from the table itself. One statement
    for all tables (the sequences' names are looked up once per process)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    tables = [
        table
        for table in db.metadata.sorted_tables
        if rows.get(table.name)
        and len(table.primary_key.columns) == 1
        and _is_integer(list(table.primary_key.columns)[0])
    ]
    quote = db.session.get_bind().dialect.identifier_preparer
    moves, sequences = [], {}
    for table, sequence in zip(tables, _sequences(tables), strict=True):
        if sequence is None:
            continue
        key = list(table.primary_key.columns)[0]
        name = f"seq_{len(moves)}"
        sequences[name] = sequence
        # the next id is a restored row's: last_value (+ 1 once called) <= the largest id
        largest = f"SELECT max({quote.quote(key.name)}) FROM {quote.format_table(table)}"  # noqa: S608
        moves.append(
            f"SELECT setval(:{name}, m.largest) FROM {sequence} AS s, ({largest}) AS m(largest) "  # noqa: S608 - catalogue names
            "WHERE s.last_value + CASE WHEN s.is_called THEN 1 ELSE 0 END <= m.largest"
        )
    if moves:
        db.session.execute(text(" UNION ALL ".join(moves)), sequences)


_SEQUENCES: dict[str, str | None] = {}


def _sequences(tables: list) -> list[str | None]:
    """Each table's id sequence (``pg_get_serial_sequence``), asked for in one query."""
    missing = [table for table in tables if table.name not in _SEQUENCES]
    if missing:
        probes = [
            select(
                literal(table.name),
                func.pg_get_serial_sequence(
                    f'"{table.name}"', list(table.primary_key.columns)[0].name
                ),
            )
            for table in missing
        ]
        _SEQUENCES.update(dict(db.session.execute(union_all(*probes)).all()))
    return [_SEQUENCES[table.name] for table in tables]


def _is_integer(column) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def _key(table, row: dict) -> tuple:
    return tuple(row[column.name] for column in table.primary_key.columns)


class ReferenceData:
    """The seeded rows, read once, so that committing tests restore them with a few bulk
    inserts instead of loading (and simplifying) the district boundaries again."""

    rows: dict[str, list[dict]] = {}

    @classmethod
    def take(cls) -> None:
        cls.rows = take_rows()

    @classmethod
    def restore(cls) -> None:
        insert_rows(cls.rows)


class Snapshot:
    """The rows a loader of demo content adds, taken the first time a test of the session (of
    the xdist worker) asks for them and given back by bulk inserts after that: loading the
    demo site takes seconds of work per test. The loader must only add rows (checked) and not
    depend on what the test made before (the fixtures ask for it first).
    ``tests/core/test_demo_snapshot.py`` checks that the restored state is a fresh load's."""

    def __init__(self, load: Callable[[], object]) -> None:
        self.load = load
        self.rows: dict[str, list[dict]] | None = None  # what the loader added, per table

    def give(self) -> None:
        if self.rows is None:
            self.take()
        else:
            self.restore()

    def take(self) -> None:
        before = take_rows()
        self.load()
        db.session.commit()
        self.rows = {}
        tables = {table.name: table for table in db.metadata.sorted_tables}
        for name, found in take_rows().items():
            if name in KEPT_BY_TRIGGERS:
                continue  # counted again when the work items are inserted
            table = tables[name]
            kept = {_key(table, row): row for row in before.get(name, [])}
            added = [row for row in found if _key(table, row) not in kept]
            unchanged = [row for row in found if kept.get(_key(table, row)) == row]
            # restoring only the added rows relies on this
            assert len(unchanged) == len(kept), f"{self.load.__name__} changed rows of {name}"
            if added:
                self.rows[name] = added

    def restore(self) -> None:
        """Insert the added rows again, move the id sequences past them and rebuild the
        search index (SQLite's FTS tables are not in the metadata) as the loaders do."""
        assert self.rows is not None
        insert_rows(self.rows)
        move_sequences_past(self.rows)
        search.reindex()
        db.session.commit()


# The demo site (people in every role, barriers, proposals, needs, indicators, measures, the
# map's cell counts), and the indicator demo alone (catalogue, SYNTHETIC series, index).
DEMO_SITE = Snapshot(load_demo)
DEMO_INDICATORS = Snapshot(load_demo_data)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, so it gets its own database session
    (as in production) instead of sharing the test's; a forgotten commit shows."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


def make_app(database_url: str, tmp_path, **overrides) -> Flask:
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TILE_CACHE_DIR": str(tmp_path / "tiles"),
        "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
    }
    settings.update(overrides)
    app = create_app("testing", **settings)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _prepare_engine(db.engine)
    return app


class AppPool:
    """The session's apps: one for the default settings, one per combination of init-time
    overrides. Their engines are disposed of at the end of the session."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url = database_url
        self.folder = folder
        self.apps: dict[tuple, Flask] = {}
        self.limiter_states: dict[Flask, dict] = {}

    def get(self, init_overrides: dict) -> Flask:
        key = tuple(sorted((k, repr(v)) for k, v in init_overrides.items()))
        if key not in self.apps:
            # The limiter makes its storage only when enabled at init; tests switch it per test.
            app = make_app(self.database_url, self.folder, RATELIMIT_ENABLED=True, **init_overrides)
            app.config["RATELIMIT_ENABLED"] = False
            self.apps[key] = app
            self.limiter_states[app] = dict(limiter.__dict__)
        app = self.apps[key]
        limiter.__dict__.update(self.limiter_states[app])  # storage and prefix of this app
        return app

    def dispose(self) -> None:
        KeptConnections.close_all()
        for app in self.apps.values():
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def app_pool(database_url, tmp_path_factory) -> Iterator[AppPool]:
    pool = AppPool(database_url, tmp_path_factory.mktemp("app"))
    base = pool.get({})
    with base.app_context():
        db.drop_all()
        db.create_all()
        seed_reference_data()
        db.session.commit()
        ReferenceData.take()
    yield pool
    pool.dispose()  # the scratch database (or file) is dropped with everything in it


class _BoundSession(FlaskSession):
    """``db.session`` bound to the test's connection (Flask-SQLAlchemy's session would pick
    the app's engine instead)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


class TestDatabase:
    """Where the test's statements go: its one connection (a transaction per test) or the
    engine's pool (committing tests)."""

    def __init__(self, target: Connection | Engine) -> None:
        self.target = target
        self.districts_changed = False
        event.listen(target, "before_cursor_execute", self._watch)

    def _watch(self, conn, cursor, statement, *args) -> None:
        if not self.districts_changed and DISTRICT_TABLES.search(statement):
            self.districts_changed = True

    def close(self) -> None:
        event.remove(self.target, "before_cursor_execute", self._watch)


class KeptConnections:
    """One connection per engine, kept by the worker for all its per-test transactions: a
    test begins a transaction on it and rolls it back, instead of taking a connection from the
    pool (a ping on PostgreSQL) and giving it back each time. Idle between tests (no
    transaction, so no lock a committing test could wait for); replaced when it broke or a test
    changed its execution options; closed before the engines are disposed of."""

    connections: dict[Engine, Connection] = {}

    @classmethod
    def get(cls, engine: Engine) -> Connection:
        connection = cls.connections.get(engine)
        if connection is not None and (
            connection.closed
            or connection.invalidated
            or connection.in_transaction()
            or connection.get_execution_options()
        ):
            cls.discard(engine)
            connection = None
        if connection is None:
            connection = cls.connections[engine] = engine.connect()
        return connection

    @classmethod
    def discard(cls, engine: Engine) -> None:
        connection = cls.connections.pop(engine, None)
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - a broken connection is dropped all the same
                connection.invalidate()

    @classmethod
    def close_all(cls) -> None:
        for engine in list(cls.connections):
            cls.discard(engine)


@contextmanager
def _transaction_per_test(app: Flask) -> Iterator[TestDatabase]:
    engine = db.engines[None]
    connection = KeptConnections.get(engine)
    outer = connection.begin()
    state = TestDatabase(connection)
    original = db.session
    db.session = db._make_scoped_session(
        {
            "class_": _BoundSession,
            "bind": connection,
            "join_transaction_mode": "create_savepoint",
        }
    )
    try:
        yield state
    finally:
        db.session.remove()
        db.session = original
        state.close()
        if outer.is_active:
            outer.rollback()
        if connection.in_transaction() or connection.invalidated:
            KeptConnections.discard(engine)  # not fit for the next test


class ReferenceWrites:
    """Whether any engine of the process (the test's, the live server's) sent a statement that
    writes to a table of the reference data: only then do the committing test's cleanup empty
    and seed those tables again (deleting the districts and councils checks every foreign key
    that points at them, row by row)."""

    def __init__(self) -> None:
        names = "|".join(re.escape(name) for name in sorted(ReferenceData.rows))
        self.pattern = re.compile(
            rf"\b(INSERT INTO|UPDATE|DELETE FROM|TRUNCATE)\s+(TABLE\s+)?\"?({names})\b",
            re.IGNORECASE,
        )
        self.seen = False
        event.listen(Engine, "before_cursor_execute", self._watch)

    def _watch(self, conn, cursor, statement, *args) -> None:
        if not self.seen and self.pattern.search(statement):
            self.seen = True

    def close(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._watch)


def tables_with_rows() -> set[str]:
    """The names of the metadata's tables that hold a row (one query)."""
    probes = [
        select(literal(table.name).label("name")).where(exists().select_from(table))
        for table in db.metadata.sorted_tables
    ]
    return set(db.session.scalars(union_all(*probes)))


def empty_after_committing(reference_written: bool) -> None:
    """Back to the reference data alone: the tables that hold rows emptied, children first;
    the reference tables emptied and seeded again only if something wrote to them."""
    if reference_written:
        empty_all_tables()
        ReferenceData.restore()
        return
    filled = tables_with_rows() - set(ReferenceData.rows)
    empty_tables(children_first(filled | KEPT_BY_TRIGGERS), kept=frozenset(ReferenceData.rows))


@contextmanager
def _committing(app: Flask) -> Iterator[TestDatabase]:
    state = TestDatabase(db.engine)
    writes = ReferenceWrites()
    _SQLiteMode.savepoints = False
    try:
        yield state
    finally:
        state.close()
        writes.close()
        db.session.rollback()
        empty_after_committing(writes.seen)
        db.session.commit()
        db.session.remove()
        _SQLiteMode.savepoints = True
        state.districts_changed = True


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings, e.g. switch CSRF back on."""
    return {}


def _is_committing(request) -> bool:
    return bool(
        request.node.get_closest_marker("committing") or request.node.get_closest_marker("browser")
    )


@pytest.fixture
def test_database(request, app_pool, app_overrides, tmp_path) -> Iterator[TestDatabase]:
    """The app for this test (app context pushed) and its database isolation."""
    init = {k: v for k, v in app_overrides.items() if k.startswith(INIT_TIME_PREFIXES)}
    app = app_pool.get(init)
    saved = dict(app.config)
    app.config.update({"TILE_CACHE_DIR": str(tmp_path / "tiles")})
    app.config.update({k: v for k, v in app_overrides.items() if k not in init})
    app.extensions.pop("quartier_outbox", None)
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    limiter.reset()
    isolation = _committing if _is_committing(request) else _transaction_per_test
    with app.app_context():
        with isolation(app) as state:
            request.node.quartier_app = app
            yield state
        if state.districts_changed:
            reset_caches()
    app.config.clear()
    app.config.update(saved)
    app.extensions.pop("quartier_outbox", None)
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


@pytest.fixture
def app(test_database, request) -> Flask:
    return request.node.quartier_app


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_site(app, districts) -> None:
    """``load_demo()``'s content (see :class:`Snapshot`): loaded by the first test of the
    session that asks for it, restored from its rows for the others; committed (a committing
    test's tables are emptied after it as usual)."""
    DEMO_SITE.give()


@pytest.fixture
def demo_indicators(app, districts) -> None:
    """The indicator demo (``app.indicators.demo.load_demo_data()``) in the same way."""
    DEMO_INDICATORS.give()


@pytest.fixture
def empty_database(app) -> None:
    """No rows at all, not even the reference data (inside the test's transaction, so the
    rollback restores them)."""
    empty_all_tables()
    db.session.commit()
    reset_caches()


# --- data ---------------------------------------------------------------------------------


@pytest.fixture
def districts(app) -> dict[str, District]:
    """Erfurt's 53 districts and the shipped councils, by number (seeded once per session)."""
    return {d.number: d for d in db.session.scalars(db.select(District))}


@pytest.fixture
def categories(app) -> dict:
    """The proposal categories by slug (seeded once per session)."""
    from app.proposals.services import categories as all_categories

    return {c.slug: c for c in all_categories()}


@pytest.fixture
def people(districts, create_user) -> dict:
    """One person per role for permission matrices: council roles in district 23's council
    ("Moskauer Platz"), the other mayor in 25's ("Johannesplatz")."""
    return {
        "anonymous": AnonymousUserMixin(),
        "unconfirmed": create_user(confirmed=False),
        "citizen": create_user(),
        "author": create_user(),
        "council_member": create_user("council_member", council="23"),
        "mayor": create_user("mayor", council="23"),
        "other_mayor": create_user("mayor", council="25"),
        "planner": create_user("planner", office="social-planning"),
        "admin": create_user("admin"),
    }


@pytest.fixture
def proposal_factory(districts, categories) -> Callable[..., Any]:
    """One way to make proposals through the service: at a map ``point`` (lat, lon) or in
    district ``number`` (its label point); optionally with ``supports`` from fresh people, a
    moderation ``state`` (set as given, whatever pre-moderation decided) and an age in
    ``days_ago``. Domain fixtures (``make_proposal``) fix their own defaults with it."""

    def factory(
        author=None,
        *,
        title: str = "Mehr Bänke",
        description: str = "Zum Ausruhen.",
        category: str = "other",
        point: tuple[float, float] | None = None,
        number: str = "23",
        address: str = "",
        supports: int = 0,
        state: str | None = None,
        days_ago: int | None = None,
        commit: bool = True,
        **kw,
    ):
        place = (
            proposal_services.place_from_point(*point)
            if point is not None
            else proposal_services.place_from_district(districts[number], address)
        )
        proposal = proposal_services.create_proposal(
            author,
            title=title,
            description=description,
            category=categories[category],
            place=place,
            **kw,
        )
        if state is not None:
            proposal.moderation_state = state
        if days_ago is not None:
            proposal.created_at = utcnow() - timedelta(days=days_ago)
        for _ in range(supports):
            n = next(_counter)
            supporter = accounts.register(
                f"supporter{n}@example.org", f"Unterstützer {n}", "x" * 12
            )
            proposal_services.support(supporter, proposal)  # counted on the work item
        if commit:
            db.session.commit()
        return proposal

    return factory


def council_of(number: str) -> Council:
    district = db.session.scalar(db.select(District).where(District.number == number))
    assert district is not None and district.council is not None, number
    return district.council


def barrier_details(
    codes=("transport",), affected="self", age="30_49", benefits="not_stated"
) -> dict:
    """The personal details of a barrier report (what the form asks)."""
    return {
        "barrier_types": list(codes),
        "affected": affected,
        "age_group": age,
        "participation_benefits": benefits,
    }


@pytest.fixture
def barrier_report_factory(districts) -> Callable[..., Any]:
    """Factory: a barrier report by ``author`` from district ``number``, for an ``offer`` or a
    free ``offer_text``; committed unless ``commit=False``."""

    def factory(
        author=None,
        *,
        offer=None,
        offer_text: str = "Kurs im Stadtteil",
        number: str = "23",
        text: str = "Der Bus fährt abends nicht.",
        visibility: str = "public",
        details: dict | None = None,
        commit: bool = True,
    ):
        report = barrier_services.create_report(
            author,
            offer=offer,
            offer_text="" if offer is not None else offer_text,
            district_from=districts[number],
            text=text,
            visibility=visibility,
            details=details or barrier_details(),
        )
        if commit:
            db.session.commit()
        return report

    return factory


_counter = itertools.count(1)


@pytest.fixture
def create_user(app) -> Callable[..., User]:
    """Factory: ``create_user(role=None, council="23", office="social-planning", ...)``.

    ``council`` is a district number whose council the role is bound to.
    """

    def factory(
        role: str | None = None,
        *,
        council: str | None = None,
        office: str | None = None,
        email: str | None = None,
        name: str | None = None,
        confirmed: bool = True,
        password: str = PASSWORD,
    ) -> User:
        n = next(_counter)
        user = accounts.register(email or f"person{n}@example.org", name or f"Person {n}", password)
        if confirmed:
            accounts.confirm_email(user)
        if role:
            council_id = council_of(council).id if council else None
            office_id = None
            if office or role == "planner":
                office_obj = db.session.scalar(
                    db.select(Office).where(Office.slug == (office or "social-planning"))
                )
                office_id = office_obj.id
            accounts.grant_role(None, user, role, council_id=council_id, office_id=office_id)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client) -> Callable[[User], None]:
    def do_login(user: User, password: str = PASSWORD) -> None:
        response = client.post(
            "/anmelden", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    return do_login


@pytest.fixture
def login_as(client, login):
    """Log out whoever is logged in, then log in ``user`` (``None``: stay anonymous)."""

    def switch(user) -> None:
        client.post("/abmelden")
        if user is not None:
            login(user)

    return switch


@pytest.fixture
def english(client):
    client.post("/sprache", data={"lang": "en"})


# --- query counting -------------------------------------------------------------------------


# The SAVEPOINTs of the per-test transaction are not the application's queries.
TRANSACTION_CONTROL = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|BEGIN)\b")


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(test_database):
    """``with count_queries() as counter: ...; counter.count`` — every statement the test's
    sessions send (the test's own and its requests')."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, *args):
            if not TRANSACTION_CONTROL.match(statement):
                counter.statements.append(statement)

        event.listen(test_database.target, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(test_database.target, "before_cursor_execute", before)

    return counting
