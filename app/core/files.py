"""Files that belong to a database transaction: written during a request (or CLI command),
they stay only if that request commits.

After writing a file, call :func:`track`. The file is removed again when the session rolls
back, or when the app context (one per request) ends without a commit after the file was
written – a refused form, an exception, a failed flush. A commit of the session's outermost
transaction makes every file tracked so far permanent; a SAVEPOINT's release does not.
:func:`keep` makes a file permanent without a commit (a file kept on purpose between two
requests; whatever is never used is cleaned up by a periodic job).

This module knows no domain; :func:`init_app` switches it on (idempotent).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "_quartier_pending_files"


def _pending() -> list[Path] | None:
    return g.get(_KEY) if has_app_context() else None


def track(path: str | Path) -> None:
    """Remove ``path`` at the end of the app context unless the session commits first."""
    if not has_app_context():
        return
    pending = g.get(_KEY)
    if pending is None:
        pending = []
        setattr(g, _KEY, pending)
    pending.append(Path(path))


def keep(path: str | Path) -> None:
    """``path`` stays even without a commit."""
    pending = _pending()
    if pending:
        pending[:] = [p for p in pending if p != Path(path)]


def discard_pending(_exc: BaseException | None = None) -> None:
    """Remove the files written since the last commit (teardown and rollback)."""
    pending = _pending()
    while pending:
        pending.pop().unlink(missing_ok=True)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the outer one may still fail
        return
    pending = _pending()
    if pending:
        pending.clear()


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the outermost transaction, not a SAVEPOINT
        discard_pending()


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    if discard_pending not in app.teardown_appcontext_funcs:
        app.teardown_appcontext(discard_pending)
