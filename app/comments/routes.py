"""Comment routes. The thread itself is rendered inside the target's page
(``templates/comments/_thread.html``)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.form_pages import text_form_page
from ..core.permissions import authorize, requires
from ..core.text import linkify
from ..extensions import db
from . import services
from .forms import CommentForm, ReportForm
from .models import Comment
from .permissions import can_comment, can_delete_comment, can_edit_comment, can_report_comment
from .targets import resolve

bp = Blueprint("comments", __name__, url_prefix="/kommentare")

# A comment added or edited: the form about the item, then back to it at the text.
_comment_form = partial(
    text_form_page, errors=services.CommentError, template="comments/form.html", anchor="comment"
)


def _target_or_404(target_type: str, target_id: int):
    resolved = resolve(target_type, target_id)
    if resolved is None:
        abort(404)
    return resolved


def _comment_or_404(comment_id: int) -> tuple[Comment, object, object]:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    target, obj = _target_or_404(comment.target_type, comment.target_id)
    return comment, target, obj


@bp.app_template_global()
def comment_thread(target_type: str, target_id: int) -> dict:
    """What ``_thread.html`` needs: the comments, and the form if the viewer may comment."""
    resolved = resolve(target_type, target_id)
    allowed = bool(
        resolved
        and can_comment(current_user)
        and resolved[0].can_comment(current_user, resolved[1])
    )
    comments = services.thread(target_type, target_id)
    return {
        "comments": comments,
        # The heading counts what the public can read, as the list pages do: the thread also
        # shows placeholders for deleted and hidden comments, which are not counted.
        "count": sum(
            1
            for top, replies in comments
            for c in (top, *replies)
            if c.deleted_at is None and c.is_visible
        ),
        "form": CommentForm(formdata=None) if allowed else None,
        "target_type": target_type,
        "target_id": target_id,
    }


@bp.post("/<target_type>/<id:target_id>")
@requires(can_comment)
def add(target_type: str, target_id: int):
    target, obj = _target_or_404(target_type, target_id)
    authorize(target.can_comment(current_user, obj))
    form = CommentForm()

    def save() -> Comment:
        return services.add_comment(
            current_user, target_type, target_id, form.body.data, form.parent_id.data
        )

    return _comment_form(form, target, obj, save, saved=_("Your comment has been published."))


@bp.route("/<id:comment_id>/bearbeiten", methods=["GET", "POST"])
@requires(can_comment)
def edit(comment_id: int):
    comment, target, obj = _comment_or_404(comment_id)
    authorize(can_edit_comment(current_user, comment))
    form = CommentForm(obj=comment) if request.method == "GET" else CommentForm()

    def save() -> Comment:
        services.edit_comment(current_user, comment, form.body.data)
        return comment

    saved = _("Your comment has been changed.")
    return _comment_form(form, target, obj, save, saved=saved, editing=True)


@bp.post("/<id:comment_id>/loeschen")
@requires(can_comment)
def delete(comment_id: int):
    comment, target, obj = _comment_or_404(comment_id)
    authorize(can_delete_comment(current_user, comment))
    services.delete_comment(current_user, comment)
    db.session.commit()
    flash(_("Your comment has been deleted."), "success")
    return redirect(f"{target.url(obj)}#comment-{comment.id}")


@bp.route("/<id:comment_id>/melden", methods=["GET", "POST"])
@requires(can_comment)
def report(comment_id: int):
    comment, target, obj = _comment_or_404(comment_id)
    authorize(can_report_comment(current_user, comment))
    if not comment.is_visible:  # hidden or waiting: nothing to report for the public
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            created = services.report_comment(
                current_user, comment, form.reason.data, form.text.data
            )
        except services.CommentError as exc:
            form.reason.errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _("Thank you. The moderators will look at the comment.")
                if created
                else _("You have already reported this comment."),
                "success",
            )
            return redirect(f"{target.url(obj)}#comment-{comment.id}")
    return render_template(
        "comments/report.html",
        form=form,
        comment=comment,
        title=target.title(obj),
        back=target.url(obj),
    ), 400 if form.errors else 200


@bp.app_template_filter("linkify_text")
def linkify_text(text):
    """Plain text with clickable http(s) links (everything else escaped)."""
    return linkify(text)
