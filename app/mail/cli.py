"""``flask mail send-due``, ``flask mail worker``, ``flask mail digests``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import digests, worker


@click.group("mail", help="E-mail notifications: outbox delivery and digests.")
def mail_cli() -> None:
    pass


@mail_cli.command("send-due")
@with_appcontext
def send_due_command() -> None:
    """One pass over the due outbox rows (for cron)."""
    counts = worker.send_due()
    click.echo(f"sent {counts['sent']}, retry later {counts['retry']}, failed {counts['failed']}")


@mail_cli.command("digests")
@with_appcontext
def digests_command() -> None:
    """Write the due daily, weekly and staff digests into the outbox (cron; the worker does
    it too)."""
    written = digests.send_digests()
    staff = digests.send_staff_digests()
    db.session.commit()
    click.echo(f"{written} digests queued, {staff} staff digests queued")


@mail_cli.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--no-digests", is_flag=True, help="Leave the digests to cron.")
@with_appcontext
def worker_command(interval: float, no_digests: bool) -> None:
    """Deliver continuously until SIGTERM/SIGINT (the running pass is finished first)."""
    click.echo("mail worker started")
    worker.run_worker(interval, digests=not no_digests)
    click.echo("mail worker stopped")
