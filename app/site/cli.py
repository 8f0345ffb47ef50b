"""``flask setup``: the base data every installation needs, from each domain."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..accounts.services import load_offices
from ..core import clusters
from ..districts.services import load_districts
from ..extensions import db
from ..measures.services import load_statuses as load_measure_statuses
from ..proposals.services import load_categories
from ..workflow.services import load_statuses


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Load the base data every installation needs: districts, councils, offices,
    proposal categories, workflow statuses, measure statuses."""
    report = load_districts()
    created = load_offices()
    categories = load_categories()
    statuses = load_statuses()
    measure_statuses = load_measure_statuses()
    db.session.commit()
    click.echo(
        f"districts: {report.districts_created} created, {report.districts_updated} updated; "
        f"councils: {report.councils_created} created; offices: {created} created; "
        f"proposal categories: {categories} created; workflow statuses: {statuses} created; "
        f"measure statuses: {measure_statuses} created"
    )


@click.command("map-cells")
@with_appcontext
def map_cells_command() -> None:
    """Recount the map's cells (``map_cells``) of every placed kind: after loading items in
    bulk without the application, or after changing ``MAP_CENTER``."""
    written = clusters.rebuild()
    db.session.commit()
    click.echo(f"map cells: {written} written")
