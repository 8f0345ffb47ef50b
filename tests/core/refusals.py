"""Which roles a view refuses before any of its code runs, for the route sweeps
(``test_fuzz_params``, ``test_no_500``): such a request need not be repeated with every
hostile value for that role, since the answer (login redirect or 403) cannot depend on them."""

from __future__ import annotations

import inspect

from app.core import permissions

# What a refusal by ``requires`` answers: the login page for strangers, 403 for the others.
REFUSED = (302, 401, 403)


def requires_predicate(view):
    """The role predicate of ``view``'s :func:`app.core.permissions.requires` wrapper, if that
    wrapper is the outermost function (it then answers before anything of the view runs);
    ``None`` when another decorator (a rate limit) runs first or there is none."""
    code = getattr(view, "__code__", None)
    if code is None or code.co_filename != permissions.__file__ or code.co_name != "wrapped":
        return None
    return inspect.getclosurevars(view).nonlocals["predicate"]


def refuses(app, endpoint: str, viewer) -> bool:
    """Whether the view of ``endpoint`` refuses ``viewer`` (a user, or an anonymous user)
    before running: its outermost decorator is ``requires`` with a predicate ``viewer``
    fails."""
    predicate = requires_predicate(app.view_functions[endpoint])
    return predicate is not None and not predicate(viewer)
