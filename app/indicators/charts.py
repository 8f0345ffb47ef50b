"""Server-rendered SVG line charts (no JavaScript). Every chart has a title and a description
for assistive technology; the page shows the same numbers in a table."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
DISTRICT_COLOUR = "#08437e"
AVERAGE_COLOUR = "#4d4d4d"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[tuple[int, float]],
    average: Sequence[tuple[int, float]],
    *,
    series_label: str,
    average_label: str,
    format_value=str,
) -> Markup:
    """An SVG chart of a district series (solid, with points) and the city average (dashed)."""
    years = sorted({y for y, _ in series} | {y for y, _ in average})
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    head = (
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    if not years:
        return Markup(head + "</svg>")  # noqa: S704 - every part escaped above
    top_value = _nice_max(max(v for _, v in [*series, *average]))
    low_year, high_year = years[0], years[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if high_year == low_year:
            return LEFT + plot_w / 2
        return LEFT + (year - low_year) * plot_w / (high_year - low_year)

    def y(value: float) -> float:
        return TOP + plot_h - max(value, 0) * plot_h / top_value

    parts = [head, '<g class="chart-axes" aria-hidden="true">']
    for step in range(5):
        value = top_value * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#d0d7de" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{escape(format_value(value))}</text>"
        )
    every = 1 if len(years) <= 7 else 2
    for year in range(low_year, high_year + 1, every):
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{year}</text>'
        )
    parts.append("</g>")

    def line(points: Sequence[tuple[int, float]], colour: str, dashed: bool) -> None:
        if not points:
            return
        coordinates = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in points)
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5"{dash} aria-hidden="true"/>'
        )
        if not dashed:
            for a, b in points:
                parts.append(
                    f'<circle cx="{x(a):.1f}" cy="{y(b):.1f}" r="3" fill="{colour}" '
                    'aria-hidden="true"/>'
                )

    line(average, AVERAGE_COLOUR, True)
    line(series, DISTRICT_COLOUR, False)
    legend_y = HEIGHT - 14
    parts.append(
        '<g class="chart-legend" aria-hidden="true">'
        f'<line x1="{LEFT}" x2="{LEFT + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{DISTRICT_COLOUR}" stroke-width="2.5"/>'
        f'<text x="{LEFT + 30}" y="{legend_y}">{escape(series_label)}</text>'
        f'<line x1="{LEFT + 250}" x2="{LEFT + 274}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{AVERAGE_COLOUR}" stroke-width="2.5" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 280}" y="{legend_y}">{escape(average_label)}</text></g>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every part escaped above
