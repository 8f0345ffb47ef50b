"""No two landmarks of one page share a name by construction (axe ``landmark-unique``): a
section named by its heading must not hold a table scroll region named by the same text – by
the same id or by a caption that repeats the heading. The browser tests run axe on the pages
(tests/browser/test_crawl.py); this catches the pattern in every template at once."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SECTION = re.compile(r'<(?:section|aside|nav|form)[^>]*aria-labelledby="([^"]+)"')
HEADING = re.compile(r'<h\d[^>]*id="([^"]+)"[^>]*>(.*?)</h\d>', re.S)
SCROLL = re.compile(r'table_scroll\(\s*"([^"]+)"')
CAPTION = re.compile(r'<caption[^>]*id="([^"]+)"[^>]*>(.*?)</caption>', re.S)


def duplicates(source: str) -> list[str]:
    sections = set(SECTION.findall(source))
    scrolls = set(SCROLL.findall(source))
    found = sorted(sections & scrolls)
    names: dict[str, list[str]] = {}
    for element_id, text in HEADING.findall(source):
        if element_id in sections:
            names.setdefault(text.strip(), []).append(element_id)
    for element_id, text in CAPTION.findall(source):
        if element_id in scrolls:
            names.setdefault(text.strip(), []).append(element_id)
    found += [f"{text}: {ids}" for text, ids in names.items() if len(ids) > 1]
    return found


def test_the_check_finds_both_patterns():
    same_id = '<section aria-labelledby="t"><h2 id="t">X</h2>{% call table_scroll("t") %}'
    same_text = (
        '<section aria-labelledby="t"><h2 id="t">{{ _("X") }}</h2>{% call table_scroll("c") %}'
        '<table><caption id="c">{{ _("X") }}</caption>'
    )
    assert duplicates(same_id) and duplicates(same_text)
    assert not duplicates(same_text.replace('<caption id="c">{{ _("X") }}', '<caption id="c">Y'))


def test_no_template_names_two_landmarks_alike():
    problems = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := duplicates(path.read_text(encoding="utf-8")))
    }
    assert not problems, problems
