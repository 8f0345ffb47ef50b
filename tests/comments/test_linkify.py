"""Plain text with clickable links: nothing else becomes HTML."""

from __future__ import annotations

import pytest

from app.core.text import linkify


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>"),
        ("javascript:alert(1)", "javascript:alert(1)", "<a"),
        ('"https://x.de/"onmouseover="alert(1)"', '<a href="https://x.de/" rel', 'onmouseover="'),
        ("<a href='https://evil.example'>x</a>", "&lt;a href=", "<a href='"),
        (
            "Siehe https://erfurt.de/a?b=1&c=2.",
            '<a href="https://erfurt.de/a?b=1&amp;c=2" rel="nofollow noopener">',
            "2.</a>",
        ),
    ],
)
def test_linkify_escapes_everything_but_links(text, expected, absent):
    html = str(linkify(text))
    assert expected in html
    assert absent not in html


def test_paragraphs_and_line_breaks():
    assert str(linkify("a\nb\n\nc")) == "<p>a<br>b</p><p>c</p>"
