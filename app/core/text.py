"""Plain text with clickable links: escape everything, then link http(s) URLs."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Runs on the escaped text: stop at whitespace, quotes and angle brackets (escaped as entities).
_URL = re.compile(r"https?://(?:(?!&#34;|&#39;|&lt;|&gt;|&quot;)\S)+")
_TRAILING = ".,;:!?)]"


def linkify(text: str | None) -> Markup:
    escaped = str(escape(text or ""))

    def link(match: re.Match) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in _TRAILING:
            url, tail = url[:-1], url[-1] + tail
        return f'<a href="{url}" rel="nofollow noopener">{url}</a>{tail}'

    linked = _URL.sub(link, escaped)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n\s*\n", linked.strip())]
    return Markup("".join(f"<p>{p}</p>" for p in paragraphs if p))  # noqa: S704 - escaped above
