"""Every page fits a 360 px phone screen (WCAG 1.4.10 reflow), measured against the device
width: Chromium's mobile emulation widens the layout viewport (``innerWidth``) to fit a page
that is too wide, so the page's ``scrollWidth`` is compared with ``screen.width``.

The pages are found by crawling the demo site from the start page as an anonymous visitor, a
citizen, a district mayor and a planner (same-site links, GET only; of many pages of one
shape, e.g. ``/vorschlaege/<id>``, a few are visited)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from app.demo.loader import DEMO_PASSWORD, load_demo
from app.extensions import db

from .conftest import login_in_browser

SCREEN = 360
PER_SHAPE = 2  # pages visited per URL shape (digits replaced)
MAX_PAGES = 130  # per role: the crawl stays bounded on a busy machine
SKIP = re.compile(
    r"^/(static|tiles|api|mail/abbestellen)/"
    r"|\.(csv|json|jsonld|geojson|xlsx|png|jpg|txt|xml|rdf|ttl|zip|pdf)$"
    r"|/export|/foto$|/abmelden|/herunterladen|/daten-export"
)
ROLES = {
    "anonymous": None,
    "citizen": "buergerin@demo.example.org",
    "mayor": "ortsteilbuergermeister@demo.example.org",
    "planner": "planerin@demo.example.org",
}

# What reaches beyond the screen: the outermost elements whose right edge passes it.
WIDE = """(screen) => {
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > screen + 1 && getComputedStyle(e).position !== 'fixed';
  });
  const outer = wide.filter(e => !wide.includes(e.parentElement));
  return outer.slice(0, 6).map(e => {
    const inHeader = !!e.closest('header, .site-header');
    const classes = typeof e.className === 'string' && e.className
      ? '.' + e.className.split(' ').join('.') : '';
    return `${inHeader ? '[header] ' : ''}${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`
      + `${classes} → ${Math.round(e.getBoundingClientRect().right)}px`;
  });
}"""

MUST_REACH = {
    "/",
    "/barrieren/#",
    "/bedarfe/#",
    "/vorschlaege/#",
    "/indikatoren/",
    "/indikatoren/methode",
    "/ortsteile/#/zahlen",
}

LINKS = "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"


def shape(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def crawl(page, base: str) -> dict[str, tuple[int, list[str]]]:
    """path → (scrollWidth, the wide elements) for every page reached."""
    seen_paths: set[str] = set()
    shapes: dict[str, int] = {}
    queue, filtered = deque(["/"]), deque()  # pages first, then their filtered variants
    measured: dict[str, tuple[int, list[str]]] = {}
    while (queue or filtered) and len(measured) < MAX_PAGES:
        path = (queue or filtered).popleft()
        try:
            response = page.goto(path)
        except PlaywrightError as exc:  # a file download, not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        screen = page.evaluate("screen.width")
        assert screen == SCREEN
        measured[path] = (width, page.evaluate(WIDE, SCREEN) if width > SCREEN else [])
        for href in page.evaluate(LINKS):
            url = urlsplit(urljoin(base + path, href))
            if url.netloc and url.netloc != urlsplit(base).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            key = shape(url.path) + ("?" if url.query else "")
            if target in seen_paths or SKIP.search(url.path):
                continue
            if shapes.get(key, 0) >= PER_SHAPE:
                continue
            seen_paths.add(target)
            shapes[key] = shapes.get(key, 0) + 1
            (filtered if url.query else queue).append(target)
    return measured


@pytest.fixture
def demo_site(app, districts, categories):
    load_demo()
    db.session.commit()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_360px_phone(browser, live_server, demo_site, role):
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        viewport={"width": SCREEN, "height": 740},
        screen={"width": SCREEN, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if ROLES[role]:
            login_in_browser(page, ROLES[role], DEMO_PASSWORD)
        measured = crawl(page, live_server.url)
    finally:
        context.close()
    # the crawl really went through the site, including the pages issue 17 found too wide
    shapes = {shape(urlsplit(p).path) for p in measured}
    assert shapes >= MUST_REACH, sorted(MUST_REACH - shapes)
    too_wide = {p: m for p, m in measured.items() if m[0] > SCREEN}
    report = "\n".join(f"{p}: {w}px {wide}" for p, (w, wide) in sorted(too_wide.items()))
    assert not too_wide, f"{role}: {len(too_wide)} of {len(measured)} pages too wide:\n{report}"
