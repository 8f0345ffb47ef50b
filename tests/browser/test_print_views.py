"""The print views for a council meeting in Chromium: printed to PDF on A4 (pages > 0, A4
size), with print media emulated nothing is clipped (no element's content wider than its box,
no table wider than the page), the site's header and buttons are left out, every item's
address is printed as text; axe on the screen view, and the district page's glance at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.needs import services as needs
from app.proposals import services as proposals

from .conftest import assert_no_serious_axe_violations, log_in

MOSKAUER_PLATZ = "23"
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabstellraumschlüssel"

CLIPPED = """() => [...document.querySelectorAll('.print-view *')]
  .filter(e => !e.closest('.visually-hidden')
               && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
               && getComputedStyle(e).overflowX !== 'visible')
  .map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '>' + e.clientWidth)"""
WIDER_THAN_PAGE = """() => {
  const page = document.querySelector('.print-view').getBoundingClientRect().right + 1;
  return [...document.querySelectorAll('.print-view table, .print-view li, .print-view p')]
    .filter(e => e.getBoundingClientRect().right > page)
    .map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right));
}"""


@pytest.fixture
def scene(districts, categories, create_user):
    district = districts[MOSKAUER_PLATZ]
    mayor = create_user("mayor", council=MOSKAUER_PLATZ, name="Erika Muster")
    author = create_user()
    for n in range(12):
        proposals.create_proposal(
            author,
            title=f"Vorschlag {n}: {LONG_WORD}",
            description="Zum Ausruhen.",
            category=proposals.categories()[0],
            place=proposals.place_from_district(district),
        )
    for n in range(6):
        needs.create_need(
            mayor,
            district.council,
            title=f"Bedarf {n}: Treffpunkt für Jugendliche {LONG_WORD}",
            description="Ein Raum am Abend fehlt.",
            category=categories["children-youth"],
            priority="high",
            place=needs.place_from_district(district.council, district),
            linked_proposal_ids=(),
        )
    db.session.commit()
    return {"mayor": mayor}


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/ortsteile/23/druckansicht", "Offene Bedarfe und Vorschläge: Moskauer Platz"),
        (
            "/ortsteilrat/moskauer-platz/druckansicht",
            "Öffentliche Beiträge: Ortsteilrat Moskauer Platz",
        ),
    ],
)
def test_print_view_prints_on_a4_without_clipping(page, scene, path, heading):
    log_in(page, scene["mayor"].email)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_serious_axe_violations(page)
    items = page.locator(".print-item")
    assert items.count() == 18
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".print-view .no-print").first).to_be_hidden()
    expect(page.locator(".print-header")).to_contain_text("Ortsteilrat Moskauer Platz")
    expect(page.locator(".print-header")).to_contain_text("Stand:")
    for i in range(items.count()):
        expect(items.nth(i).locator(".print-url-text")).to_have_text(
            re.compile(r"^http://localhost/(vorschlaege|bedarfe)/\d+$")
        )
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate(WIDER_THAN_PAGE) == []
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.print-item')).breakInside")
        == "avoid"
    )
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=False)
    assert pdf.startswith(b"%PDF")
    pages = _pdf_pages(pdf)
    assert pages >= 2, pages  # 18 items do not fit on one A4 page
    media_box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert media_box and abs(float(media_box.group(1)) - 595) < 2  # A4: 595 × 842 pt
    assert abs(float(media_box.group(2)) - 842) < 2


def test_the_district_glance_fits_a_phone_and_passes_axe(browser, live_server, scene):
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        viewport={"width": 360, "height": 740},
        screen={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        page.goto("/ortsteile/23")
        expect(page.get_by_role("heading", name="Auf einen Blick")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_no_serious_axe_violations(page)
        page.keyboard.press("Tab")  # the glance's links are reached by keyboard
        for _ in range(60):
            focused = page.evaluate("document.activeElement.closest('.glance') !== null")
            if focused:
                break
            page.keyboard.press("Tab")
        assert focused
    finally:
        context.close()
