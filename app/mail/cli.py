"""``flask mail send-due``, ``worker``, ``digests``, and the mailto unsubscribe: ``inbound``
(an SMTP/LMTP server) and ``unsubscribe-mbox FILE``."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from . import digests, inbound, worker


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


@mail_cli.command("inbound")
@click.option("--host", default=None, help="Default: MAIL_INBOUND_HOST.")
@click.option("--port", type=int, default=None, help="Default: MAIL_INBOUND_PORT.")
@click.option("--lmtp/--smtp", default=None, help="Default: MAIL_INBOUND_LMTP.")
@with_appcontext
def inbound_command(host: str | None, port: int | None, lmtp: bool | None) -> None:
    """Receive mail to the unsubscribe address (RFC 8058 mailto) until SIGTERM/SIGINT."""
    app = current_app._get_current_object()
    config = app.config
    controller = inbound.inbound_controller(
        app,
        host or config["MAIL_INBOUND_HOST"],
        port or config["MAIL_INBOUND_PORT"],
        lmtp=config["MAIL_INBOUND_LMTP"] if lmtp is None else lmtp,
    )
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    controller.start()
    click.echo(
        f"accepting mail for {inbound.unsubscribe_address(config)} "
        f"on {controller.hostname}:{controller.port}"
    )
    try:
        stop.wait()
    finally:
        controller.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    click.echo("inbound mail stopped")


@mail_cli.command("unsubscribe-mbox")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def unsubscribe_mbox_command(path: str) -> None:
    """Process the unsubscribe mails in an mbox FILE (fetched from the unsubscribe address)."""
    outcome = inbound.process_mbox(path)
    click.echo(f"{outcome.unsubscribed} unsubscribed, {outcome.ignored} ignored")
