"""The Content-Security-Policy allows no inline styles: page templates carry none (a
``style`` attribute would be ignored by the browser and hide what it was meant to show).
Mail templates are exempt: mail clients need inline styles and no CSP applies there."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)


def _is_mail(path: Path) -> bool:
    rel = path.relative_to(TEMPLATES)
    return rel.parts[0] == "mail" or "_mail" in path.stem


def test_page_templates_have_no_style_attributes():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not _is_mail(path) and STYLE_ATTRIBUTE.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_sees_a_style_attribute():
    assert STYLE_ATTRIBUTE.search('<span class="x" style="color: red">')
    assert not STYLE_ATTRIBUTE.search('<rect fill="#fff"/>')
