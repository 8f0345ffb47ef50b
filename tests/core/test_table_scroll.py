"""Every table sits in the one scroll region (``macros/tables.html``): on a phone a wide table
scrolls inside it instead of widening the page. The region is written once, in the macro."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] != "mail":  # e-mails are not pages
            yield path


def test_every_table_is_in_a_scroll_region():
    bare = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b", text):
            before = text[: match.start()]
            if before.rfind("{% call table_scroll(") <= before.rfind("{% endcall %}"):
                bare.append(f"{path.relative_to(TEMPLATES)}:{before.count(chr(10)) + 1}")
    assert not bare, f"wrap these tables in {{% call table_scroll(…) %}}: {bare}"


def test_the_region_is_written_once():
    copies = [
        str(path.relative_to(TEMPLATES))
        for path in _templates()
        if 'class="table-scroll"' in path.read_text(encoding="utf-8")
    ]
    assert copies == ["macros/tables.html"]


def test_the_region_is_named_and_focusable(app):
    with app.test_request_context():
        module = app.jinja_env.get_template("macros/tables.html").module
        html = str(module.table_scroll("cap", caller=lambda: Markup("<table></table>")))
        labelled = str(module.table_scroll(label="Tabelle", caller=lambda: ""))
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert 'aria-labelledby="cap"' in html and "<table></table>" in html
    assert 'aria-label="Tabelle"' in labelled
