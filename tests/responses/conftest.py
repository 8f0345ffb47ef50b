"""Fixtures for official responses: categories, proposals in known councils' districts."""

from __future__ import annotations

from functools import partial

import pytest


@pytest.fixture
def make_proposal(proposal_factory):
    """A proposal in district ``number`` (23 = Moskauer Platz, a council of its own)."""
    return partial(proposal_factory, title="Mehr Bänke am Moskauer Platz")
