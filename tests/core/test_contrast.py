"""WCAG 2.1 AA contrast of the colours our stylesheets define (static/css/*.css).

The stylesheet is parsed (comments, nested @media blocks; declarations of the same selector
merged in cascade order), the custom properties of ``:root`` resolved, and then:

- every text token (a custom property used as ``color``) against every ground token (one used
  as a background): 4.5:1;
- every selector that sets both a text colour and a background: 4.5:1, or 3:1 for large text
  (at least 1.5rem, or 1.17rem and bold);
- a selector that paints a background also names its text colour: otherwise its text inherits
  whatever its context says (the header's white made the unread badge invisible: 1.08:1);
- a selector that sets only a text colour is checked against the background of its context:
  the selector it descends from (``.site-header a`` → ``.site-header``), or the page;
- controls (buttons, inputs) show their boundary (border, else background) at 3:1 against the
  page (WCAG 1.4.11).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSS_DIR = ROOT / "static" / "css"

TEXT = 4.5
LARGE_TEXT = 3.0
UI = 3.0

# Components that sit on another component's background without the selector saying so.
CONTEXTS = {".language-switch": ".site-header", ".has-menu-button": ".site-header"}
# Controls whose boundary must be visible against the page.
CONTROL = re.compile(r"(^|[\s,>+~])(button|input|select|textarea|\.button)\b")

NAMED = {
    "white": (255, 255, 255),
    "black": (0, 0, 0),
    "transparent": None,
    "none": None,
}


@dataclass
class Rule:
    selector: str
    media: str
    declarations: dict[str, str] = field(default_factory=dict)


def _strip_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def _blocks(css: str, media: str = "") -> list[Rule]:
    """The rules of ``css`` (``@media`` blocks recursively, other at-rules skipped)."""
    rules: list[Rule] = []
    i = 0
    while i < len(css):
        start = css.find("{", i)
        if start < 0:
            break
        prelude = css[i:start].strip()
        depth, j = 1, start + 1
        while depth and j < len(css):
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        body = css[start + 1 : j - 1]
        if prelude.startswith("@media"):
            rules.extend(_blocks(body, prelude))
        elif not prelude.startswith("@"):
            declarations = {}
            for part in body.split(";"):
                if ":" in part:
                    name, value = part.split(":", 1)
                    declarations[name.strip().lower()] = value.strip()
            for selector in prelude.split(","):
                rules.append(Rule(" ".join(selector.split()), media, dict(declarations)))
        i = j
    return rules


def load_rules() -> list[Rule]:
    """Every selector's merged declarations (later ones win), per media block."""
    merged: dict[tuple[str, str], Rule] = {}
    for path in sorted(CSS_DIR.glob("*.css")):
        for rule in _blocks(_strip_comments(path.read_text(encoding="utf-8"))):
            key = (rule.media, rule.selector)
            if key in merged:
                merged[key].declarations.update(rule.declarations)
            else:
                merged[key] = rule
    return list(merged.values())


def tokens(rules: list[Rule]) -> dict[str, str]:
    found = {}
    for rule in rules:
        if rule.selector == ":root":
            found.update({k: v for k, v in rule.declarations.items() if k.startswith("--")})
    return found


def resolve(value: str, props: dict[str, str]) -> str:
    for _ in range(5):
        value = re.sub(
            r"var\((--[\w-]+)(?:,\s*([^)]*))?\)",
            lambda m: props.get(m.group(1), m.group(2) or ""),
            value,
        )
    return value


def parse_colour(value: str) -> tuple[float, float, float, float] | None:
    """(r, g, b, alpha) of the first colour in ``value``; ``None`` for none/transparent or
    no colour (inherit, currentColor, an image)."""
    value = value.strip().lower().replace("!important", "").strip()
    match = re.search(r"#([0-9a-f]{3,8})\b", value)
    if match:
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        r, g, b = (int(digits[k : k + 2], 16) for k in (0, 2, 4))
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return (r, g, b, alpha)
    match = re.search(r"rgba?\(([^)]*)\)", value)
    if match:
        parts = [p for p in re.split(r"[\s,/]+", match.group(1)) if p]
        r, g, b = (float(p) for p in parts[:3])
        alpha = (
            float(parts[3].rstrip("%")) / (100 if parts[3].endswith("%") else 1)
            if len(parts) > 3
            else 1.0
        )
        return (r, g, b, alpha)
    for word in re.findall(r"[a-z]+", value):
        if word in NAMED:
            rgb = NAMED[word]
            return None if rgb is None else (*rgb, 1.0)
    return None


def over(top, bottom):
    """``top`` composited over the opaque ``bottom``."""
    r, g, b, a = top
    return (
        r * a + bottom[0] * (1 - a),
        g * a + bottom[1] * (1 - a),
        b * a + bottom[2] * (1 - a),
        1.0,
    )


def luminance(colour) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rem(value: str) -> float | None:
    match = re.match(r"([\d.]+)(rem|em|px|pt)\b", value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    return {"rem": number, "em": number, "px": number / 16, "pt": number * 4 / 3 / 16}[unit]


def is_large(declarations: dict[str, str]) -> bool:
    size = _rem(declarations.get("font-size", "")) or 0
    bold = declarations.get("font-weight", "") in ("bold", "bolder", "600", "700", "800", "900")
    return size >= 1.5 or (bold and size >= 1.17)


class Sheet:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.props = tokens(rules)
        self.by_selector = {(r.media, r.selector): r for r in rules}
        body = self.by_selector.get(("", "body"))
        page = self.background(body) if body is not None else None
        self.page = page if page is not None else (255, 255, 255, 1.0)

    def bases(self, rule: Rule) -> list[Rule]:
        """Rules that apply wherever ``rule`` does: with one simple selector fewer (``.button``
        for ``.button.danger``, ``.skip-link`` for ``.skip-link:focus``) or without the
        ancestors (``.badge`` for ``.site-header .badge``)."""
        head, _, last = rule.selector.rpartition(" ")
        simple = re.findall(r"[.#]?[\w-]+|\[[^\]]*\]|:{1,2}[\w-]+(?:\([^)]*\))?", last)
        found = []
        if head and (rule.media, last) in self.by_selector:
            found.append(self.by_selector[(rule.media, last)])
        for k in range(len(simple)):
            if len(simple) < 2:
                break
            rest = "".join(simple[:k] + simple[k + 1 :])
            base = self.by_selector.get((rule.media, f"{head} {rest}".strip()))
            if base is not None:
                found.append(base)
        return found

    def colour(self, rule: Rule) -> tuple | None:
        value = rule.declarations.get("color")
        if value:
            return parse_colour(resolve(value, self.props))
        for base in self.bases(rule):
            found = self.colour(base)
            if found is not None:
                return found
        return None

    def background(self, rule: Rule) -> tuple | None:
        for name in ("background-color", "background"):
            value = rule.declarations.get(name)
            if value:
                return parse_colour(resolve(value, self.props))
        for base in self.bases(rule):
            found = self.background(base)
            if found is not None:
                return found
        return None

    def paints_background(self, rule: Rule) -> bool:
        found = self.background(rule)
        return found is not None and found[3] > 0

    def context_background(self, rule: Rule) -> tuple:
        """The background behind ``rule``'s elements: the nearest selector it descends from
        that paints one (``CONTEXTS`` for the known hidden ones), else the page."""
        parts = rule.selector.split(" ")
        while len(parts) > 1:
            parts = parts[:-1]
            ancestor = " ".join(parts)
            for candidate in (ancestor, CONTEXTS.get(ancestor)):
                for media in dict.fromkeys((rule.media, "")):  # the media query's, then all
                    found = self.by_selector.get((media, candidate)) if candidate else None
                    if found is not None and self.paints_background(found):
                        return over(self.background(found), self.page)
        return self.page


def _checkable(rule: Rule) -> bool:
    # print styles are black on white by construction; pseudo-classes share their base's ground
    return "print" not in rule.media


@pytest.fixture(scope="module")
def sheet() -> Sheet:
    return Sheet(load_rules())


def test_the_parser_sees_the_stylesheet(sheet):
    assert "--ink" in sheet.props and "--paper" in sheet.props
    assert sheet.by_selector[("", ".site-header")].declarations["background"]
    assert any(r.media.startswith("@media") for r in sheet.rules)


def test_the_stylesheets_braces_balance():
    """A lost closing brace swallows every later rule into a media query without a sound."""
    for path in sorted(CSS_DIR.glob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        depth = 0
        for char in text:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, path.name
        assert depth == 0, path.name


def test_the_arithmetic():
    black, white = (0, 0, 0, 1.0), (255, 255, 255, 1.0)
    assert contrast(black, white) == pytest.approx(21.0)
    assert contrast(white, parse_colour("#f3f6f9")) == pytest.approx(1.08, abs=0.01)
    assert contrast(parse_colour("#767676"), white) == pytest.approx(4.54, abs=0.01)
    assert parse_colour("rgba(255, 255, 255, .9)")[3] == pytest.approx(0.9)
    assert parse_colour("transparent") is None and parse_colour("inherit") is None


def test_text_tokens_on_ground_tokens(sheet):
    used_as_text, used_as_ground = set(), set()
    for rule in sheet.rules:
        for name, value in rule.declarations.items():
            for token in re.findall(r"var\((--[\w-]+)", value):
                if name == "color":
                    used_as_text.add(token)
                elif name in ("background", "background-color"):
                    used_as_ground.add(token)
    assert used_as_text and used_as_ground
    failing = []
    text_colours = {resolve(f"var({token})", sheet.props) for token in used_as_text}
    for text in sorted(used_as_text):
        for ground in sorted(used_as_ground):
            # "--color-on-X" is the text colour for the ground "--color-X" only
            if text.startswith("--color-on-") and ground != "--color-" + text[len("--color-on-") :]:
                continue
            fg = parse_colour(resolve(f"var({text})", sheet.props))
            bg = parse_colour(resolve(f"var({ground})", sheet.props))
            if fg is None or bg is None or text == ground:
                continue
            ratio = contrast(over(fg, sheet.page), over(bg, sheet.page))
            # a ground that is itself a text colour (the accent, also under another token's
            # name) carries white text
            dark_text_ground = resolve(f"var({ground})", sheet.props) in text_colours
            if ratio < TEXT and not dark_text_ground:
                failing.append(f"{text} on {ground}: {ratio:.2f}")
    assert not failing, failing


def test_selectors_with_colour_and_background(sheet):
    failing = []
    for rule in filter(_checkable, sheet.rules):
        fg, bg = sheet.colour(rule), sheet.background(rule)
        if fg is None or bg is None:
            continue
        ground = over(bg, sheet.context_background(rule))
        ratio = contrast(over(fg, ground), ground)
        needed = LARGE_TEXT if is_large(rule.declarations) else TEXT
        if ratio < needed:
            failing.append(f"{rule.media} {rule.selector}: {ratio:.2f} < {needed}")
    assert not failing, failing


def test_a_background_comes_with_its_text_colour(sheet):
    missing = [
        f"{rule.media} {rule.selector}"
        for rule in filter(_checkable, sheet.rules)
        if sheet.paints_background(rule)
        and sheet.colour(rule) is None
        and rule.declarations.get("color", "").strip() not in ("inherit", "currentColor")
        and not rule.selector.startswith((":root", "html", "body"))
        and not re.search(r":(hover|focus|focus-visible|active)\b", rule.selector)
        and "leaflet" not in rule.selector  # the map library's own controls
        and rule.declarations.get("content", "").strip() not in ('""', "''")  # no text at all
    ]
    # the ones whose text is explicitly none: markers and swatches carry no text of their own
    missing = [m for m in missing if not m.strip().endswith(("-wrap", ".swatch"))]
    assert not missing, f"set `color` where the background is set: {missing}"


def test_text_colours_against_their_context(sheet):
    failing = []
    for rule in filter(_checkable, sheet.rules):
        fg = sheet.colour(rule)
        if fg is None or sheet.background(rule) is not None:
            continue
        ground = sheet.context_background(rule)
        ratio = contrast(over(fg, ground), ground)
        needed = LARGE_TEXT if is_large(rule.declarations) else TEXT
        if ratio < needed:
            failing.append(f"{rule.media} {rule.selector}: {ratio:.2f} < {needed}")
    assert not failing, failing


def test_data_colours_carry_white_text():
    """Category and status colours are grounds for white text (map markers, status chips)."""
    from app.proposals.models import CATEGORIES
    from app.workflow.models import SEEDED_STATUSES

    white = (255, 255, 255, 1.0)
    failing = [
        f"{row[0]} {colour}: {contrast(parse_colour(colour), white):.2f}"
        for row, colour in [(c, c[4]) for c in CATEGORIES] + [(s, s[3]) for s in SEEDED_STATUSES]
        if contrast(parse_colour(colour), white) < TEXT
    ]
    assert not failing, failing


def test_controls_show_their_boundary(sheet):
    failing = []
    for rule in filter(_checkable, sheet.rules):
        if not CONTROL.search(rule.selector) or ":" in rule.selector:
            continue
        border = rule.declarations.get("border") or rule.declarations.get("border-color")
        edge = parse_colour(resolve(border, sheet.props)) if border else None
        if edge is None:
            edge = sheet.background(rule)
        if edge is None or edge[3] == 0:
            continue  # a text-like control (link button): its text is checked above
        ground = sheet.context_background(rule)
        ratio = contrast(over(edge, ground), ground)
        if ratio < UI:
            failing.append(f"{rule.selector}: {ratio:.2f} < {UI}")
    assert not failing, failing
