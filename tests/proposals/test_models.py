from sqlalchemy import select

from app.extensions import db
from app.proposals import services
from app.proposals.models import CATEGORIES, Category


def test_load_categories_is_idempotent(empty_database, app):
    assert services.load_categories() == len(CATEGORIES) == 11
    assert services.load_categories() == 0
    assert len(db.session.scalars(select(Category)).all()) == 11


def test_category_colours_contrast_on_white(categories):
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for category in categories.values():
        assert 1.05 / (luminance(category.colour) + 0.05) >= 4.5, category.slug
