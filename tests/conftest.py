"""Shared fixtures: a fresh database per test, factories, query counting.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
With ``REQUIRE_POSTGRES=1`` or ``REQUIRE_BROWSER=1`` (CI) a skipped test is a failure.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from app import create_app
from app.accounts import services as accounts
from app.accounts.models import Office, User
from app.districts.models import Council, District
from app.extensions import db
from config import database_url as normalize_database_url

TEST_DATABASE_URL = normalize_database_url(os.environ.get("TEST_DATABASE_URL") or None)
NO_SKIPS = os.environ.get("REQUIRE_POSTGRES") == "1" or os.environ.get("REQUIRE_BROWSER") == "1"
PASSWORD = "correct horse battery"


def pytest_report_header(config) -> str:
    return f"database: {TEST_DATABASE_URL or 'SQLite (temporary file)'}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but CI requires every test to run: {report.longrepr}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """SQLite: a temporary file. PostgreSQL: a scratch database created on the server of
    ``TEST_DATABASE_URL`` for this run (so parallel runs cannot disturb each other), dropped
    at the end."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    name = f"quartier_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="session")
def _schema(database_url: str) -> Iterator[None]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


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
    }
    settings.update(overrides)
    app = create_app("testing", **settings)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings, e.g. switch CSRF back on."""
    return {}


@pytest.fixture
def app(database_url, _schema, tmp_path, app_overrides) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path, **app_overrides)
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- data ---------------------------------------------------------------------------------


@pytest.fixture
def districts(app) -> dict[str, District]:
    """Erfurt's 53 districts and the shipped councils, by number."""
    from app.accounts.services import load_offices
    from app.districts.services import load_districts

    load_districts()
    load_offices()
    db.session.commit()
    return {d.number: d for d in db.session.scalars(db.select(District))}


def council_of(number: str) -> Council:
    district = db.session.scalar(db.select(District).where(District.number == number))
    assert district is not None and district.council is not None, number
    return district.council


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
                accounts.load_offices()
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


# --- query counting -------------------------------------------------------------------------


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...; counter.count``"""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, *args):
            counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting
