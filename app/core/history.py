"""History rows that nobody changes or deletes (a measure's history, the workflow's status
changes): the ORM refuses both, whatever code tries."""

from __future__ import annotations

from sqlalchemy import event


class HistoryIsImmutable(RuntimeError):
    """A history row was to be changed or deleted."""


def immutable(model: type, name: str) -> None:
    """Refuse every ORM update and delete of ``model``'s rows with :class:`HistoryIsImmutable`
    (``name`` says what the rows are, for the message)."""

    def refuse_update(mapper, connection, target) -> None:
        raise HistoryIsImmutable(f"{name} cannot be changed")

    def refuse_delete(mapper, connection, target) -> None:
        raise HistoryIsImmutable(f"{name} cannot be deleted")

    event.listen(model, "before_update", refuse_update)
    event.listen(model, "before_delete", refuse_delete)
