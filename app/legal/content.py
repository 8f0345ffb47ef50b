"""The texts of the legal and Leichte-Sprache pages: Markdown files a city edits without code.

A page ``<slug>`` in language ``<lang>`` is read from ``LEGAL_CONTENT_DIR/<lang>/<slug>.md``
(by default ``instance/legal/…``) when that file exists, otherwise from the defaults shipped in
``app/legal/content/<lang>/<slug>.md``. The Leichte-Sprache pages live under the "language"
``leichte-sprache`` (German only).

Rendering is safe by construction: markdown-it-py in CommonMark mode with raw HTML switched
off (``<script>`` and every other tag come out as text) and its link check (no
``javascript:``, ``vbscript:``, ``file:`` or non-image ``data:`` links). A city writes plain
Markdown; a line break is a line break (addresses, and Leichte Sprache's one statement per
line). A link to one of Quartier's own pages is written ``[text](url:endpoint)`` (e.g.
``url:proposals.new``), so it follows the installation's ``BASE_URL`` path and never breaks
when a URL changes. The first ``# heading`` is the page title.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.routing import BuildError

SHIPPED = Path(__file__).resolve().parent / "content"
EASY = "leichte-sprache"  # the folder of the Leichte-Sprache pages (German only)
ENDPOINT_PREFIX = "url:"


@dataclass(frozen=True)
class Page:
    slug: str
    lang: str
    title: str
    html: Markup
    source: str  # "instance" or "shipped"


class _Renderer:
    def __init__(self) -> None:
        self.md = MarkdownIt(
            "commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True}
        )

    def render(self, text: str) -> Markup:
        tokens = self.md.parse(text)
        for token in tokens:
            for child in token.children or ():
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if href.startswith(ENDPOINT_PREFIX):
                        child.attrSet("href", _endpoint_url(href[len(ENDPOINT_PREFIX) :]))
        # raw HTML is off: everything in the output comes from markdown-it's own escaping
        return Markup(self.md.renderer.render(tokens, self.md.options, {}))  # noqa: S704


def _endpoint_url(spec: str) -> str:
    """``endpoint`` or ``endpoint#anchor``; an unknown endpoint links to the start page (and
    is logged) rather than breaking the page."""
    endpoint, _, anchor = spec.partition("#")
    try:
        return url_for(endpoint, _anchor=anchor or None)
    except BuildError:
        current_app.logger.warning("legal page links to unknown endpoint %r", endpoint)
        return url_for("core.index")


_renderer = _Renderer()


def _candidates(slug: str, langs: tuple[str, ...]) -> list[tuple[Path, str, str]]:
    """The city's files first (in each language), then Quartier's: a city that wrote only
    the German text shows it to English readers too, rather than Quartier's template."""
    own = Path(current_app.config["LEGAL_CONTENT_DIR"])
    return [(own / lang / f"{slug}.md", lang, "instance") for lang in langs] + [
        (SHIPPED / lang / f"{slug}.md", lang, "shipped") for lang in langs
    ]


def load(slug: str, lang: str, fallback: str | None = None) -> Page | None:
    """The page in ``lang`` (else in ``fallback``), or ``None`` if neither the city nor
    Quartier has a text for it. ``Page.lang`` says which language was found."""
    langs = (lang,) if fallback in (None, lang) else (lang, fallback)
    for path, found_lang, source in _candidates(slug, langs):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            return Page(slug, found_lang, _title(text, slug), _renderer.render(text), source)
    return None


def _title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback
