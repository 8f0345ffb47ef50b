"""Shared helpers for CSV exports that people open in spreadsheets."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas in user text: a leading = + - @ (or tab, CR) gets a ``'``."""
    return "'" + value if value[:1] in FORMULA_STARTS else value
