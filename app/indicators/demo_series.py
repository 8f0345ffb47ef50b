"""SYNTHETIC demo indicator series for Erfurt's 53 districts (Ortsteile), 2012-2024.

**These numbers are made up. They are not statistics of the city of Erfurt or of anyone else.**
They exist so that the app, its maps and the social index can be shown and tested without real
data. Only the district numbers and names are real (Landeshauptstadt Erfurt, Hauptsatzung § 2).

The structure is plausible on purpose: the large prefabricated housing estates (Plattenbau) in
the north (05 Berliner Platz, 06 Rieth, 10 Roter Berg, 23 Moskauer Platz, 25 Johannesplatz) and
south-east (14 Wiesenhügel, 15 Herrenberg, and 13 Melchendorf somewhat) have the highest transfer
rates and the lowest transitions to grammar school; the villages on the edge the lowest transfer
rates; the inner city lies in between with more foreign nationals. Trends are gentle (falling
unemployment until 2019, a rise in foreign nationals from 2015 and 2022, estates drifting apart
from the rest). Each (district, indicator) series gets small deterministic noise from
``random.Random`` seeded with a CRC-32 of the district number and indicator code (never Python's
salted ``hash()``), so :func:`generate` returns the same values in every process. Small districts
get more noise, as real small-number statistics do. 51 Schaderode stays under 300 inhabitants
throughout and 49 Rohda (Haarberg) drops under 300 in the course of the series, so the social
index's minimum-population rule is visible.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from app.indicators.social_index import changes

__all__ = [
    "DISTRICTS",
    "INDICATORS",
    "INDICATOR_CODES",
    "SEED",
    "YEARS",
    "Indicator",
    "generate",
    "index_rows",
]

#: Base seed of the synthetic series; change it and every value changes.
SEED = 20240601

#: Years covered by the series.
YEARS: tuple[int, ...] = tuple(range(2012, 2025))


@dataclass(frozen=True, slots=True)
class Indicator:
    """Metadata of a demo indicator.

    ``direction`` is +1 when a higher value means more disadvantage, -1 when it means less, and
    0 for context indicators that describe an area but do not belong in a social index.
    """

    code: str
    name_de: str
    name_en: str
    unit: str
    topic: str
    direction: int
    description: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "inhabitants",
        "Einwohner",
        "Inhabitants",
        "persons",
        "population",
        0,
        "Residents with main residence in the district on 31 December (synthetic).",
    ),
    Indicator(
        "sgb2_rate",
        "SGB-II-Quote",
        "SGB II rate",
        "%",
        "social",
        1,
        "Share of residents under 65 receiving basic income support under SGB II (synthetic).",
    ),
    Indicator(
        "children_sgb2",
        "Kinder in SGB-II-Bedarfsgemeinschaften",
        "Children in SGB II households",
        "%",
        "social",
        1,
        "Share of children under 15 living in households receiving SGB II (synthetic).",
    ),
    Indicator(
        "unemployment",
        "Arbeitslosenanteil",
        "Unemployment",
        "%",
        "labour",
        1,
        "Registered unemployed as a share of residents aged 15 to 64 (synthetic).",
    ),
    Indicator(
        "single_parent",
        "Alleinerziehende",
        "Single parents",
        "%",
        "families",
        1,
        "Single-parent households as a share of households with children (synthetic).",
    ),
    Indicator(
        "foreign_nationals",
        "Ausländeranteil",
        "Foreign nationals",
        "%",
        "population",
        0,
        "Residents without German citizenship as a share of all residents (synthetic). "
        "Context indicator, not a measure of disadvantage.",
    ),
    Indicator(
        "over65",
        "Anteil 65 Jahre und älter",
        "Aged 65 and over",
        "%",
        "population",
        0,
        "Residents aged 65 and over as a share of all residents (synthetic). Context indicator.",
    ),
    Indicator(
        "grammar_school",
        "Übergänge aufs Gymnasium",
        "Transitions to grammar school",
        "%",
        "education",
        -1,
        "Share of pupils leaving primary school who move on to a Gymnasium (synthetic). "
        "A higher value means less disadvantage.",
    ),
)

INDICATOR_CODES: tuple[str, ...] = tuple(indicator.code for indicator in INDICATORS)

# number, name, kind, inhabitants in 2012, deprivation level 0..1, share aged 65+ in 2012
# (None = default of the kind). Kinds: inner city, prefab estate, urban edge, outer districts
# 17-22, villages. Populations and levels are invented, only numbers and names are real.
_DISTRICT_TABLE: tuple[tuple[str, str, str, int, float, float | None], ...] = (
    ("01", "Altstadt", "inner", 17000, 0.30, 19.0),
    ("02", "Löbervorstadt", "inner", 11500, 0.15, 20.0),
    ("03", "Brühlervorstadt", "inner", 12500, 0.20, None),
    ("04", "Andreasvorstadt", "inner", 13000, 0.42, None),
    ("05", "Berliner Platz", "estate", 7200, 0.88, 33.0),
    ("06", "Rieth", "estate", 6200, 0.80, 35.0),
    ("07", "Johannesvorstadt", "inner", 7500, 0.45, None),
    ("08", "Krämpfervorstadt", "inner", 14500, 0.38, None),
    ("09", "Hohenwinden", "urban", 700, 0.22, None),
    ("10", "Roter Berg", "estate", 7400, 0.84, 32.0),
    ("11", "Daberstedt", "inner", 12000, 0.35, 22.0),
    ("12", "Dittelstedt", "urban", 1100, 0.12, None),
    ("13", "Melchendorf", "urban", 10200, 0.50, 27.0),
    ("14", "Wiesenhügel", "estate", 6600, 0.82, 30.0),
    ("15", "Herrenberg", "estate", 8300, 0.95, 26.0),
    ("16", "Hochheim", "urban", 3400, 0.14, None),
    ("17", "Bischleben-Stedten", "outer", 2100, 0.10, None),
    ("18", "Möbisburg-Rhoda", "outer", 1500, 0.07, None),
    ("19", "Schmira", "outer", 1200, 0.09, None),
    ("20", "Bindersleben", "outer", 2000, 0.10, None),
    ("21", "Marbach", "outer", 4700, 0.13, None),
    ("22", "Gispersleben", "outer", 3700, 0.18, None),
    ("23", "Moskauer Platz", "estate", 9500, 0.97, 24.0),
    ("24", "Ilversgehofen", "inner", 9000, 0.52, None),
    ("25", "Johannesplatz", "estate", 6300, 0.86, 36.0),
    ("26", "Mittelhausen", "village", 1000, 0.08, None),
    ("27", "Stotternheim", "village", 3300, 0.10, None),
    ("28", "Schwerborn", "village", 700, 0.06, None),
    ("29", "Kerspleben", "village", 1800, 0.09, None),
    ("30", "Vieselbach", "village", 2600, 0.11, None),
    ("31", "Linderbach", "village", 900, 0.06, None),
    ("32", "Büßleben", "village", 1300, 0.07, None),
    ("33", "Niedernissa", "village", 2000, 0.06, None),
    ("34", "Windischholzhausen", "village", 1900, 0.05, None),
    ("35", "Egstedt", "village", 600, 0.04, None),
    ("36", "Waltersleben", "village", 500, 0.05, None),
    ("37", "Molsdorf", "village", 700, 0.08, None),
    ("38", "Ermstedt", "village", 500, 0.07, None),
    ("39", "Frienstedt", "village", 1000, 0.06, None),
    ("40", "Alach", "village", 1000, 0.05, None),
    ("41", "Tiefthal", "village", 900, 0.07, None),
    ("42", "Kühnhausen", "village", 800, 0.08, None),
    ("43", "Hochstedt", "village", 600, 0.05, None),
    ("44", "Töttelstädt", "village", 450, 0.06, None),
    ("45", "Sulzer Siedlung", "urban", 600, 0.30, None),
    ("46", "Urbich", "village", 1300, 0.06, None),
    ("47", "Gottstedt", "village", 420, 0.07, None),
    ("48", "Azmannsdorf", "village", 800, 0.08, None),
    ("49", "Rohda (Haarberg)", "village", 330, 0.06, None),
    ("50", "Salomonsborn", "village", 650, 0.05, None),
    ("51", "Schaderode", "village", 240, 0.05, None),
    ("52", "Töttleben", "village", 380, 0.07, None),
    ("53", "Wallichen", "village", 400, 0.06, None),
)

#: The 53 districts as (number, name).
DISTRICTS: tuple[tuple[str, str], ...] = tuple((row[0], row[1]) for row in _DISTRICT_TABLE)

# Default share aged 65+ in 2012 by kind, and share of foreign nationals in 2012 by kind.
_OVER65_BY_KIND = {"inner": 18.0, "estate": 30.0, "urban": 24.0, "outer": 23.0, "village": 24.0}
_FOREIGN_BY_KIND = {"inner": 4.5, "estate": 3.5, "urban": 2.5, "outer": 1.5, "village": 1.0}

# Year-on-year population change by kind (2013..2024); inner city grows, estates take in
# refugees in 2015/16 and 2022, villages shrink slowly.
_POPULATION_CHANGE = {
    "inner": (0.007,) * 12,
    "estate": (
        -0.008,
        -0.005,
        0.015,
        0.015,
        0.0,
        -0.003,
        -0.003,
        -0.005,
        -0.003,
        0.018,
        0.003,
        -0.002,
    ),
    "urban": (0.004,) * 12,
    "outer": (0.004,) * 12,
    "village": (-0.002,) * 12,
}
# Rohda (Haarberg) shrinks faster and drops under 300 inhabitants during the series.
_POPULATION_CHANGE_OVERRIDE = {"49": (-0.012,) * 12}

# Citywide factors relative to 2012, one per year 2012..2024.
_UNEMPLOYMENT_TREND = (1.00, 0.97, 0.94, 0.90, 0.86, 0.82, 0.77, 0.74, 0.80, 0.78, 0.74, 0.75, 0.77)
_SGB2_TREND = (1.00, 0.99, 0.97, 0.96, 0.95, 0.92, 0.88, 0.85, 0.86, 0.84, 0.88, 0.91, 0.90)
_FOREIGN_TREND = (1.00, 1.12, 1.30, 1.60, 2.10, 2.30, 2.45, 2.60, 2.70, 2.80, 3.30, 3.50, 3.60)

# Yearly drift by kind (fraction per year since 2012).
_SEGREGATION_DRIFT = {
    "estate": 0.010,
    "inner": 0.0,
    "urban": 0.0,
    "outer": -0.005,
    "village": -0.005,
}
_AGEING_DRIFT = {"estate": 0.004, "inner": -0.006, "urban": 0.005, "outer": 0.010, "village": 0.012}
# How strongly each kind follows the citywide rise in foreign nationals (refugee housing is
# mostly in the estates).
_FOREIGN_GROWTH_WEIGHT = {"estate": 1.5, "inner": 1.0, "urban": 0.8, "outer": 0.6, "village": 0.5}
_GRAMMAR_DRIFT = {
    "estate": -0.008,
    "inner": 0.003,
    "urban": 0.003,
    "outer": 0.003,
    "village": 0.003,
}

# Relative noise for a district of 3,000 inhabitants; scales with 1/sqrt(population), capped.
_NOISE = {
    "inhabitants": 0.003,
    "sgb2_rate": 0.03,
    "children_sgb2": 0.04,
    "unemployment": 0.04,
    "single_parent": 0.04,
    "foreign_nationals": 0.04,
    "over65": 0.02,
    "grammar_school": 0.05,
}
_NOISE_CAP = 0.15


def _rng(number: str, code: str) -> random.Random:
    """Random generator with a fixed seed derived from district number and indicator code."""
    return random.Random(SEED * 1_000_003 + zlib.crc32(f"{number}:{code}".encode()))


def _noise_scale(code: str, population: float) -> float:
    return min(_NOISE[code] * (3000.0 / max(population, 1.0)) ** 0.5, _NOISE_CAP)


def _population(number: str, kind: str, base: int) -> list[float]:
    rng = _rng(number, "inhabitants")
    steps = _POPULATION_CHANGE_OVERRIDE.get(number, _POPULATION_CHANGE[kind])
    level = float(base)
    series = []
    for t in range(len(YEARS)):
        if t:
            level *= 1.0 + steps[t - 1]
        series.append(level * (1.0 + rng.gauss(0.0, _noise_scale("inhabitants", level))))
    return series


def _expected(code: str, kind: str, level: float, over65: float | None, t: int) -> float:
    """Noise-free value of a percentage indicator in year index ``t`` (0 = 2012)."""
    if code == "sgb2_rate":
        return (2.5 + 30.0 * level) * _SGB2_TREND[t] * (1.0 + _SEGREGATION_DRIFT[kind] * t)
    if code == "children_sgb2":
        return (3.5 + 52.0 * level) * _SGB2_TREND[t] * (1.0 + _SEGREGATION_DRIFT[kind] * t)
    if code == "unemployment":
        return (2.5 + 15.0 * level) * _UNEMPLOYMENT_TREND[t]
    if code == "single_parent":
        return (14.0 + 34.0 * level) * (1.0 - 0.006 * t)
    if code == "foreign_nationals":
        growth = _FOREIGN_TREND[t] - 1.0
        return _FOREIGN_BY_KIND[kind] * (1.0 + _FOREIGN_GROWTH_WEIGHT[kind] * growth)
    if code == "over65":
        return (over65 or _OVER65_BY_KIND[kind]) * (1.0 + _AGEING_DRIFT[kind] * t)
    if code == "grammar_school":
        return (66.0 - 48.0 * level) * (1.0 + _GRAMMAR_DRIFT[kind] * t)
    raise KeyError(code)


@cache
def _generate() -> tuple[tuple[str, str, int, float], ...]:
    values: list[tuple[str, str, int, float]] = []
    for number, _name, kind, base, level, over65 in _DISTRICT_TABLE:
        population = _population(number, kind, base)
        for code in INDICATOR_CODES:
            if code == "inhabitants":
                values.extend(
                    (number, code, year, round(population[t])) for t, year in enumerate(YEARS)
                )
                continue
            rng = _rng(number, code)
            offset = rng.uniform(0.85, 1.15)  # persistent local peculiarity of the district
            for t, year in enumerate(YEARS):
                noise = rng.gauss(0.0, _noise_scale(code, population[t]))
                value = _expected(code, kind, level, over65, t) * offset * (1.0 + noise)
                values.append((number, code, year, round(min(max(value, 0.0), 100.0), 1)))
    return tuple(values)


def generate() -> list[tuple[str, str, int, float]]:
    """Return the SYNTHETIC demo series as ``(district_number, code, year, value)`` tuples.

    53 districts ("01".."53") x 13 years (2012-2024) x 8 indicator codes (:data:`INDICATORS`),
    ordered by district, code and year. Percentages are rounded to 1 decimal, ``inhabitants`` is
    an ``int``. Deterministic: every call (in any process) returns the same values.
    Not real statistics.
    """
    return list(_generate())


def index_rows(
    year: int,
    *,
    change_years: int = 2,
    codes: Sequence[str] = INDICATOR_CODES,
    change_prefix: str = "d_",
) -> list[dict[str, object]]:
    """Return one row per district for ``year`` of the SYNTHETIC series, ready for the index.

    Each row holds ``id`` (district number), the level of each code in ``codes`` and, for each
    code except ``inhabitants``, its change over ``change_years`` years under the key
    ``change_prefix + code`` (``None`` when the earlier year is not in the series).
    """
    if year not in YEARS:
        raise ValueError(f"year {year} not in the demo series {YEARS[0]}-{YEARS[-1]}")
    series: dict[tuple[str, str], dict[int, float]] = {}
    for number, code, series_year, value in _generate():
        series.setdefault((number, code), {})[series_year] = value
    rows: list[dict[str, object]] = []
    for number, _name in DISTRICTS:
        row: dict[str, object] = {"id": number}
        for code in codes:
            row[code] = series[number, code][year]
            if code != "inhabitants":
                row[change_prefix + code] = changes(series[number, code], change_years, year)
        rows.append(row)
    return rows
