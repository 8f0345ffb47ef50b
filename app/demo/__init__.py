"""Demo content for development: people in each role. Never loaded in production."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import cli

    app.cli.add_command(cli.demo_cli)
