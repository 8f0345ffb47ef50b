"""``flask workflow …``"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import services


@click.group("workflow", help="The back office's workflow: work items and their counts.")
def workflow_cli() -> None:
    pass


@workflow_cli.command("rebuild-counts")
@with_appcontext
def rebuild_counts_command() -> None:
    """Count the back-office figures' kept counts afresh from the work items (after a bulk
    load that bypassed the triggers, or as a repair)."""
    services.rebuild_counts()
    db.session.commit()
    click.echo("work item counts rebuilt")
