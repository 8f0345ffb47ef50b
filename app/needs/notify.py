"""Follower notifications about needs."""

from __future__ import annotations

from ..notifications import services as notifications
from .models import Need


def follow_own(user, need: Need) -> None:
    notifications.follow(user, "need", need.id)


def notify_new(need: Need, actor) -> None:
    """Tell the followers of the need's district about it."""
    notifications.notify_followers(
        "district", need.district_id, kind="new_need", actor=actor, about=("need", need.id)
    )


def notify_status(need: Need, actor) -> None:
    notifications.notify_followers("need", need.id, kind="status_changed", actor=actor)
