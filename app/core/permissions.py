"""The permission mechanism: roles, the basic predicates, ``requires``/``public``/``authorize``.

Each domain keeps its own named predicates in its ``permissions`` module
(``app.needs.permissions.can_edit_need`` …), built from the helpers here. Routes, templates
and the API all ask those predicates; none of them checks roles itself. Every view is wrapped
in :func:`requires` (or :func:`public`) so that a test can prove no route goes unchecked;
object-level checks call :func:`authorize` with a predicate once the object is loaded.
Templates reach every predicate as ``perm.<name>``: each domain's ``init_app`` registers its
module with :func:`register_predicates` (core imports no domain).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_login import current_user

from ..extensions import login_manager

if TYPE_CHECKING:  # pragma: no cover
    pass

ADMIN = "admin"
PLANNER = "planner"
MAYOR = "mayor"
COUNCIL_MEMBER = "council_member"
COUNCIL_ROLES = (MAYOR, COUNCIL_MEMBER)


def active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_role(user: Any, role: str) -> bool:
    return active(user) and user.has_role(role)


def in_council(user: Any, district: Any, roles: tuple[str, ...]) -> bool:
    if district is None or district.council_id is None or not active(user):
        return False
    return district.council_id in user.council_ids(roles)


# --- predicates without an object -------------------------------------------------------


def is_anyone(user: Any) -> bool:
    """Public pages and APIs: everyone, logged in or not."""
    return True


def is_signed_in(user: Any) -> bool:
    return active(user)


def is_admin(user: Any) -> bool:
    return has_role(user, ADMIN)


def is_planner(user: Any) -> bool:
    return has_role(user, PLANNER)


def has_council_role(user: Any, roles: tuple[str, ...]) -> bool:
    """Whether ``user`` is mayor or member (``roles``) of any council."""
    return bool(active(user) and user.council_ids(roles))


_active = active  # the older private names
_has = has_role


# --- wiring -----------------------------------------------------------------------------

Predicate = Callable[[Any], bool]


def requires(predicate: Predicate, *, login: bool = True) -> Callable:
    """Decorate a view: refuse (401 → login, or 403) unless ``predicate(current_user)``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                if login and not current_user.is_authenticated:
                    return login_manager.unauthorized()
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = predicate.__name__  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """A view anyone may see (still a named predicate, so the route check test sees it)."""
    return requires(is_anyone)(view)


def authorize(allowed: bool) -> None:
    """Object-level check inside a view, after loading the object: 403 unless allowed."""
    if not allowed:
        abort(403)


# --- templates ----------------------------------------------------------------------------


class PredicateNamespace:
    """``perm`` in templates: this module's predicates and those each domain registers with
    :func:`register_predicates` from its ``init_app`` (core never imports a domain)."""

    def __init__(self) -> None:
        self._predicates: dict[str, Callable] = {}

    def register(self, module: Any) -> None:
        for name in dir(module):
            if name.startswith(("can_", "is_")) and callable(getattr(module, name)):
                self._predicates[name] = getattr(module, name)

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self._predicates.get(name) or globals().get(name)
        if found is None or not callable(found):
            raise AttributeError(name)
        return found


perm = PredicateNamespace()


def register_predicates(module: Any) -> None:
    """A domain's ``permissions`` module, for templates (``perm.can_edit_need``)."""
    perm.register(module)


def init_app(app: Any) -> None:
    app.jinja_env.globals["perm"] = perm
