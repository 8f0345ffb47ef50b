"""Proposals: categories, creating, editing, withdrawing, supports. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import CATEGORIES, Category


def load_categories() -> int:
    """Create the standard categories that do not exist yet (idempotent)."""
    existing = set(db.session.scalars(select(Category.slug)))
    created = 0
    for slug, name_de, name_en, icon, colour, sort in CATEGORIES:
        if slug not in existing:
            db.session.add(
                Category(
                    slug=slug, name_de=name_de, name_en=name_en, icon=icon, colour=colour, sort=sort
                )
            )
            created += 1
    db.session.flush()
    return created


def categories(*, include_inactive: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.sort, Category.id)
    if not include_inactive:
        query = query.where(Category.active.is_(True))
    return list(db.session.scalars(query))
