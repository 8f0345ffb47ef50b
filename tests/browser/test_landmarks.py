"""No landmark without a unique role and name (axe ``landmark-unique``, a moderate rule the
serious/critical filter would let pass): two ``<nav>`` or two regions of the same name leave a
screen-reader user unable to tell them apart.

The demo site is crawled from the start page as an anonymous visitor (in German and English),
a district mayor, a planner and an admin (same-site links, GET only, a few pages per URL
shape); axe runs only this rule on each page, so the crawl stays quick. Every other browser
test checks it too (``assert_no_serious_axe_violations``)."""

from __future__ import annotations

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from app.demo.loader import DEMO_PASSWORD, load_demo
from app.extensions import db

from .conftest import login_in_browser
from .test_narrow_screens import LINKS, SKIP, shape

PER_SHAPE = 1
MAX_PAGES = 90  # per role
ONLY_LANDMARKS = {"runOnly": {"type": "rule", "values": ["landmark-unique"]}}
ROLES = {
    "anonymous": None,
    "anonymous-en": None,
    "mayor": "ortsteilbuergermeister@demo.example.org",
    "planner": "planerin@demo.example.org",
    "admin": "admin@demo.example.org",
}
MUST_REACH = {"/", "/ortsteile/#", "/vorschlaege/#", "/bedarfe/#", "/barrieren/#"}


def landmark_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=ONLY_LANDMARKS)
    return [
        f"{n['target']}: {n.get('failureSummary', '').strip()}"
        for v in results.response["violations"]
        for n in v["nodes"]
    ]


def crawl(page, base: str) -> tuple[dict[str, list[str]], int]:
    """path → its landmark-unique problems (pages with some only), and the pages checked."""
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue = deque(["/"])
    found: dict[str, list[str]] = {}
    checked: list[str] = []
    while queue and len(checked) < MAX_PAGES:
        path = queue.popleft()
        try:
            response = page.goto(path)
        except PlaywrightError as exc:  # a file download, not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if (
            response is None
            or response.status >= 400
            or "text/html" not in response.headers.get("content-type", "")
        ):
            continue
        checked.append(path)
        problems = landmark_problems(page)
        if problems:
            found[path] = problems
        for href in page.evaluate(LINKS):
            url = urlsplit(urljoin(base + path, href))
            if url.netloc and url.netloc != urlsplit(base).netloc:
                continue
            if url.query or SKIP.search(url.path):
                continue
            key = shape(url.path)
            if url.path in seen or shapes.get(key, 0) >= PER_SHAPE:
                continue
            seen.add(url.path)
            shapes[key] = shapes.get(key, 0) + 1
            queue.append(url.path)
    return found, checked


@pytest.fixture
def demo_site(app, districts, categories):
    load_demo()
    db.session.commit()


@pytest.mark.parametrize("role", list(ROLES))
def test_no_landmark_shares_its_role_and_name(browser, live_server, demo_site, role):
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if ROLES[role]:
            login_in_browser(page, ROLES[role], DEMO_PASSWORD)
        if role.endswith("-en"):
            page.goto("/")
            page.get_by_role("button", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        found, checked = crawl(page, live_server.url)
    finally:
        context.close()
    shapes = {shape(p) for p in checked}
    assert shapes >= MUST_REACH, sorted(MUST_REACH - shapes)
    report = "\n".join(f"{p}: {problems[:3]}" for p, problems in sorted(found.items()))
    assert not found, f"{role}: {len(found)} of {len(checked)} pages:\n{report}"
