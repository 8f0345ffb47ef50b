"""Demo indicators: the catalogue, the SYNTHETIC series (not real statistics) and a default
social index definition."""

from __future__ import annotations

from ..indicators.demo import load_demo_data


def load_demo_indicators() -> int:
    return load_demo_data()
