"""Browser tests: Playwright drives Debian's Chromium against a live server.

Set ``CHROMIUM_PATH`` to use another binary. Without a browser these tests skip locally;
with ``REQUIRE_BROWSER=1`` (CI) a skip is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import session
from flask_login import login_user
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.accounts import services as accounts
from app.accounts.routes import SESSION_KEYS_KEPT
from app.extensions import db, limiter
from tests.conftest import make_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]
SERIOUS = {"serious", "critical"}
# rules that fail at any impact
ALWAYS = {"landmark-unique"}

# expect() waits as long as the page's own default (the machine may be busy).
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    # The server of the running test (for ``log_in``, which is handed a page only).
    current: LiveServer | None = None

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        # What a new app starts with; given back before every test (see ``fresh``).
        self.config = dict(app.config)
        self.extensions = dict(app.extensions)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)

    def fresh(self, tmp_path) -> None:
        """The state of a newly made app: its settings, and its extensions' data without what
        the last test left (the per-app caches of districts, shapes and summaries, the mail
        outbox). The page cache object stays, but it is off in the testing configuration; a
        test that switches it on for the server does so through ``live_server_overrides``
        and gets a server of its own."""
        self.app.config.clear()
        self.app.config.update(self.config)
        self.app.config["TILE_CACHE_DIR"] = str(tmp_path / "tiles")
        self.app.extensions.clear()
        self.app.extensions.update(self.extensions)


@pytest.fixture
def live_server_overrides() -> dict:
    return {}


@pytest.fixture(scope="session")
def live_servers(database_url, tmp_path_factory) -> Iterator[dict]:
    """The session's live servers, one per combination of ``live_server_overrides``: making
    the app and starting the server once instead of for every test."""
    servers: dict[tuple, LiveServer] = {}
    yield servers
    for server in servers.values():
        server.__exit__(None, None, None)
        with server.app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(
    app, database_url, live_servers, tmp_path, live_server_overrides
) -> Iterator[LiveServer]:
    """The real app (CSRF on) on a free port, sharing the test's database; started once per
    session and given a new app's state before each test."""
    key = tuple(sorted((k, repr(v)) for k, v in live_server_overrides.items()))
    if key not in live_servers:
        # Making an app initialises the one rate limiter of all apps: keep the test's state.
        saved = dict(limiter.__dict__)
        server_app = make_app(
            database_url, tmp_path, WTF_CSRF_ENABLED=True, **live_server_overrides
        )
        limiter.__dict__.update(saved)
        live_servers[key] = LiveServer(server_app).__enter__()
    server = live_servers[key]
    server.fresh(tmp_path)
    LiveServer.current = server
    yield server
    LiveServer.current = None
    with server.app.app_context():
        db.engine.dispose()  # close the server's connections before the tables are emptied


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def login_in_browser(page, email: str, password: str) -> None:
    page.goto("/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def log_in(page, email: str) -> None:
    """Log ``page``'s browser context in as ``email`` without the login form, for tests that
    are not about logging in (the form's own tests use :func:`login_in_browser`): the session
    cookie the login route would set, made by the live server's own app — the account's
    session token in Flask-Login's keys, the identifier of this browser (its address and
    User-Agent), the language kept as the route keeps it. It costs no page load (the form:
    the login page, the POST and the start page it leads to)."""
    server = LiveServer.current
    assert server is not None, "log_in needs the live_server fixture"
    app = server.app
    name = app.config["SESSION_COOKIE_NAME"]
    serializer = app.session_interface.get_signing_serializer(app)
    old = next((c["value"] for c in page.context.cookies(server.url) if c["name"] == name), None)
    before = serializer.loads(old) if old else {}
    user_agent = page.evaluate("navigator.userAgent")
    with app.test_request_context(
        "/", headers={"User-Agent": user_agent}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ):
        user = accounts.find_by_email(email)
        assert user is not None and user.is_active, f"no active account {email}"
        session.update({key: before[key] for key in SESSION_KEYS_KEPT if key in before})
        assert login_user(user)
        value = serializer.dumps(dict(session))
    page.context.add_cookies(
        [{"name": name, "value": value, "url": server.url, "httpOnly": True, "sameSite": "Lax"}]
    )


# Every fetch() of a page counted while it is under way (``window.quartierFetches``).
FETCHES_IN_FLIGHT = """(() => {
  const fetch = window.fetch;
  window.quartierFetches = 0;
  window.fetch = function () {
    window.quartierFetches += 1;
    return fetch.apply(this, arguments).finally(() => { window.quartierFetches -= 1; });
  };
})()"""


def track_fetches(page_or_context) -> None:
    """Count the fetches of every page loaded from now on (before the page's own scripts)."""
    page_or_context.add_init_script(FETCHES_IN_FLIGHT)


def wait_for_fetches(page) -> None:
    """Until no fetch of the page is under way (see :func:`track_fetches`): the condition a
    fixed wait or "networkidle" (500 ms without any request) stood for."""
    page.wait_for_function("() => window.quartierFetches === 0")


def assert_no_serious_axe_violations(page) -> None:
    """axe-core on the current page: no serious or critical violation, and no landmark that
    shares its role and name with another (``landmark-unique``, moderate: issue 17)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        v
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS or v.get("id") in ALWAYS
    ]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in serious
    ]
    assert not serious, "axe found:\n" + "\n".join(details)
