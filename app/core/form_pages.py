"""Form pages written once for the domains that have the same one (thin routes: the domain
gives the model, the form, the one service call and the texts; these load, validate, commit,
flash and redirect or render the form again):

* ``edit_label_page``: a data label (a workflow status, a barrier type): an admin changes its
  public names, order and whether it is offered; its key stays.
* ``text_form_page``: a text about an item (a comment, an official response), added or edited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from ..extensions import db


def edit_label_page(
    model: type,
    label_id: int,
    form_class: type,
    update: Callable[..., Any],
    *,
    template: str,
    name: str,
    saved: str,
    back: Callable[[], str],
    errors: tuple[type[Exception], ...] = (),
):
    """Load (404), fill ``form_class`` from the label, and on a valid POST call
    ``update(current_user, label, **fields)`` with every visible field of the form by its
    name, commit, flash ``saved`` and redirect to ``back()``. An exception of ``errors``
    (with a ``field`` attribute naming the form field, or ``None`` for the first) rolls back
    and is shown at that field. The page gets the form and the label as ``name``; a failed
    form answers 400."""
    label = db.session.get(model, label_id)
    if label is None:
        abort(404)
    form = form_class(obj=label)
    if form.validate_on_submit():
        fields = [f for f in form if f.widget.input_type != "hidden"]
        try:
            update(current_user, label, **{f.name: f.data for f in fields})
        except errors as exc:
            db.session.rollback()
            form[getattr(exc, "field", None) or fields[0].name].errors.append(str(exc))
        else:
            db.session.commit()
            flash(saved, "success")
            return redirect(back())
    code = 400 if form.errors else 200
    return render_template(template, form=form, **{name: label}), code


def text_form_page(
    form,
    target: Any,
    obj: Any,
    save: Callable[[], Any],
    *,
    errors: type[Exception] | tuple[type[Exception], ...],
    saved: str,
    template: str,
    anchor: str,
    **page: Any,
):
    """Add or edit a text about ``obj`` (of the content type ``target``). On a valid POST
    ``save()`` (the one service call) returns the saved text; an exception of ``errors`` is
    shown at the form field it names (``exc.field``, else ``body``); otherwise commit, flash
    ``saved`` and go back to the item's page at ``#<anchor>-<id>``. Else ``template`` with the
    form, the item's title, the way back, this URL as the action and ``page``; 400 with
    errors."""
    if form.validate_on_submit():
        try:
            text = save()
        except errors as exc:
            form[getattr(exc, "field", None) or "body"].errors.append(str(exc))
        else:
            db.session.commit()
            flash(saved, "success")
            return redirect(f"{target.url(obj)}#{anchor}-{text.id}")
    return render_template(
        template,
        form=form,
        title=target.title(obj),
        back=target.url(obj),
        action=request.path,
        **page,
    ), 400 if form.errors else 200
