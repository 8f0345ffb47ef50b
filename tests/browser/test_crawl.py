"""One crawl of the demo site per role, with two checks on every page it reaches.

Every page fits a 360 px phone screen (WCAG 1.4.10 reflow), measured against the device
width: Chromium's mobile emulation widens the layout viewport (``innerWidth``) to fit a page
that is too wide, so the page's ``scrollWidth`` is compared with ``screen.width``.

No landmark without a unique role and name (axe ``landmark-unique``, a moderate rule the
serious/critical filter would let pass): two ``<nav>`` or two regions of the same name leave a
screen-reader user unable to tell them apart. axe runs only this rule, on the first page of each
URL shape without a query string (the pages of one shape share their template), so the crawl
stays quick; and it runs at a desktop width (the viewport is widened for it and narrowed again):
on a phone the header's menu is closed, and axe does not see the landmarks inside a hidden
element. Every other browser test checks it too (``assert_no_serious_axe_violations``).

The pages are found by crawling the demo site from the start page as an anonymous visitor (in
German and English), a citizen, a district mayor, a planner and an admin (same-site links, GET
only; of many pages of one shape, e.g. ``/vorschlaege/<id>``, a few are visited; pages with a
query string after the others). Both checks share the crawl: each page is loaded once, and the
demo site is restored from the session's snapshot (``demo_site``) instead of loaded per role."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from .conftest import log_in

SCREEN = 360
PHONE = {"width": SCREEN, "height": 740}
DESKTOP = {"width": 1280, "height": 720}  # Playwright's default viewport: the landmark check
PER_SHAPE = 2  # pages visited per URL shape (digits replaced)
MAX_PAGES = 130  # per role: the crawl stays bounded on a busy machine
SKIP = re.compile(
    r"^/(static|tiles|api|mail/abbestellen)/"
    r"|\.(csv|json|jsonld|geojson|xlsx|png|jpg|txt|xml|rdf|ttl|zip|pdf)$"
    r"|/export|/foto$|/abmelden|/herunterladen|/daten-export"
)
ROLES = {
    "anonymous": None,
    "anonymous-en": None,
    "citizen": "buergerin@demo.example.org",
    "mayor": "ortsteilbuergermeister@demo.example.org",
    "planner": "planerin@demo.example.org",
    "admin": "admin@demo.example.org",
}
# The crawl really goes through the site, including the pages issue 17 found too wide.
MUST_REACH = {
    "/",
    "/barrieren/#",
    "/bedarfe/#",
    "/vorschlaege/#",
    "/indikatoren/",
    "/indikatoren/methode",
    "/ortsteile/#",
    "/ortsteile/#/zahlen",
}
ONLY_LANDMARKS = {"runOnly": {"type": "rule", "values": ["landmark-unique"]}}
AXE = Axe()

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

LINKS = "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"


def shape(path: str) -> str:
    return re.sub(r"\d+", "#", path)


@dataclass
class Checked:
    """One page's findings: its width on the phone, what passes the screen, and its
    landmark-unique problems."""

    width: int
    wide: list[str] = field(default_factory=list)
    landmarks: list[str] = field(default_factory=list)


def landmark_problems(page) -> list[str]:
    """axe's ``landmark-unique`` on the current page, at a desktop width (then the phone's
    again): where two landmarks share their role and name."""
    page.set_viewport_size(DESKTOP)
    try:
        assert page.evaluate("window.innerWidth") == DESKTOP["width"]
        results = AXE.run(page, options=ONLY_LANDMARKS)
    finally:
        page.set_viewport_size(PHONE)
    return [
        f"{n['target']}: {n.get('failureSummary', '').strip()}"
        for v in results.response["violations"]
        for n in v["nodes"]
    ]


def check(page, landmarks: bool) -> Checked:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.evaluate("screen.width") == SCREEN
    found = Checked(width, page.evaluate(WIDE, SCREEN) if width > SCREEN else [])
    if landmarks:
        found.landmarks = landmark_problems(page)
    return found


def crawl(page, base: str, start: str = "/") -> dict[str, Checked]:
    """path → its findings, for every page reached."""
    seen_paths: set[str] = {start}  # the start page too: every page links it again
    shapes: dict[str, int] = {shape(start): 1}
    reached: set[str] = set()  # where the pages checked ended (after redirects)
    queue, filtered = deque([start]), deque()  # pages first, then their filtered variants
    checked: dict[str, Checked] = {}
    landmarks_checked: set[str] = set()  # the shapes whose landmarks axe has seen
    while (queue or filtered) and len(checked) < MAX_PAGES:
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
        here = urlsplit(page.url)
        here = here.path + (f"?{here.query}" if here.query else "")
        if here in reached:  # redirected to a page checked already
            continue
        reached.add(here)
        seen_paths.add(here)
        first = "?" not in path and shape(path) not in landmarks_checked
        checked[path] = check(page, landmarks=first)
        if first:
            landmarks_checked.add(shape(path))
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
    return checked


def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        viewport=PHONE,
        screen=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def problems_of(role: str, checked: dict[str, Checked]) -> list[str]:
    """The two findings of the crawl, each with its report."""
    failures = []
    too_wide = {p: c for p, c in checked.items() if c.width > SCREEN}
    if too_wide:
        report = "\n".join(f"{p}: {c.width}px {c.wide}" for p, c in sorted(too_wide.items()))
        failures.append(f"{role}: {len(too_wide)} of {len(checked)} pages too wide:\n{report}")
    shared = {p: c.landmarks for p, c in checked.items() if c.landmarks}
    if shared:
        report = "\n".join(f"{p}: {problems[:3]}" for p, problems in sorted(shared.items()))
        failures.append(
            f"{role}: landmarks share their role and name on {len(shared)} of {len(checked)} "
            f"pages:\n{report}"
        )
    return failures


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_names_its_landmarks(browser, live_server, demo_site, role):
    context, page = phone(browser, live_server)
    try:
        if ROLES[role]:
            log_in(page, ROLES[role])
        if role.endswith("-en"):
            page.goto("/")
            page.get_by_role("button", name="Menü").click()  # the phone's closed menu
            page.get_by_role("button", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        checked = crawl(page, live_server.url)
    finally:
        context.close()
    shapes = {shape(urlsplit(p).path) for p in checked}
    assert shapes >= MUST_REACH, sorted(MUST_REACH - shapes)
    failures = problems_of(role, checked)
    assert not failures, "\n".join(failures)


# The crawl's checks on a tiny site of its own (served in place of the live server's pages
# under /probe/): a page too wide for the phone, two navigation landmarks of one name inside a
# menu that a phone hides, and a page with neither.
PROBE = {
    "/probe/": '<a href="/probe/wide">wide</a> <a href="/probe/twice">twice</a>',
    "/probe/wide": '<div style="width: 600px">Zu breit</div>',
    "/probe/twice": (
        "<style>@media (max-width: 600px) { .menu { display: none; } }</style>"
        '<div class="menu"><nav aria-label="Menü"><a href="/probe/">1</a></nav>'
        '<nav aria-label="Menü"><a href="/probe/">2</a></nav></div>'
    ),
}


def test_the_crawl_finds_wide_pages_and_landmarks_of_one_name(browser, live_server):
    context, page = phone(browser, live_server)

    def serve(route):
        body = PROBE[urlsplit(route.request.url).path]
        route.fulfill(
            content_type="text/html; charset=utf-8",
            body='<!doctype html><html lang="de"><head><title>Probe</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f"<body><main>{body}</main></body></html>",
        )

    try:
        page.route(f"{live_server.url}/probe/**", serve)
        checked = crawl(page, live_server.url, start="/probe/")
    finally:
        context.close()
    assert set(checked) == set(PROBE)
    assert not problems_of("probe", {"/probe/": checked["/probe/"]})
    assert checked["/probe/wide"].width > SCREEN and checked["/probe/wide"].wide
    assert not checked["/probe/wide"].landmarks
    assert checked["/probe/twice"].width <= SCREEN
    assert checked["/probe/twice"].landmarks
    failures = problems_of("probe", checked)
    assert len(failures) == 2 and "/probe/wide: " in failures[0], failures
    assert "/probe/twice" in failures[1], failures
