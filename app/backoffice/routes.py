"""The back office's pages: the inbox, the item view with its actions, the exports.
Thin routes: load (404) → permission (403) → form → one service call per step → commit."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..core import content_types, exports
from ..core.audit import record
from ..core.forms import ConfirmForm, options
from ..core.i18n import current_language, localized
from ..core.numbers import NumberError, parse_id
from ..core.permissions import authorize, requires
from ..extensions import db
from ..measures import listing as measure_listing
from ..measures import services as measures
from ..measures.permissions import can_edit_measure, can_manage_measures
from ..responses import services as responses
from ..responses.services import ResponseError, voices
from ..workflow import response_templates, triage
from ..workflow import services as workflow
from ..workflow.models import DUPLICATE
from ..workflow.permissions import can_assign, can_change_status
from . import answers, bulk, services
from .forms import (
    AssignForm,
    BulkForm,
    MeasureLinkForm,
    NoteForm,
    StatusChangeForm,
    TagForm,
    TagMergeForm,
    TagRenameForm,
)
from .permissions import (
    can_add_note,
    can_see_inbox,
    can_see_inbox_item,
    can_tag,
    can_use_inbox,
)

bp = Blueprint("backoffice", __name__, url_prefix="/verwaltung/eingang")


def _scope() -> set[int] | None:
    return services.council_district_ids(current_user, everything=can_use_inbox(current_user))


# --- the inbox -------------------------------------------------------------------------------


def _render_inbox(filters: services.InboxFilters, message: str | None):
    scope = _scope()
    page = services.inbox_page(filters, scope)
    return render_template(
        "backoffice/inbox.html",
        filters=filters,
        message=message,
        page=page,
        choices=services.filter_choices(scope),
        bulk_form=_bulk_form(formdata=None, filter=urlencode(filters.query_args(), doseq=True))
        if can_use_inbox(current_user)
        else None,
        bulk_cap=bulk.CAP,
        can_act=can_use_inbox(current_user),
        read_only=not can_use_inbox(current_user),
    ), (400 if message else 200)


@bp.get("/")
@requires(can_see_inbox)
def inbox():
    filters, message = services.for_page(request.args, current_user)
    return _render_inbox(filters, message)


@bp.get("/massnahmen")
@requires(can_see_inbox)
def measure_suggestions():
    """JSON for the measure search field's suggestions (``?q=`` number or title words)."""
    return jsonify(measures=services.measure_suggestions(request.args.get("q", "")[:200]))


def _columns() -> list[exports.Column]:
    base = request.host_url.rstrip("/")
    Column = exports.Column
    return [
        Column("id", _l("ID"), "text", lambda r: str(r.target_id)),
        Column("type", _l("Type"), "text", lambda r: r.target_type),
        Column("title", _l("Title")),
        Column("district_number", _l("District number")),
        Column("district_name", _l("District")),
        Column("category", _l("Category")),
        Column("status", _l("Status")),
        Column("status_type", _l("Status type")),
        Column("office", _l("Office")),
        Column("assignee", _l("Responsible person")),
        Column("created", _l("Created"), "datetime", lambda r: r.created_at),
        Column("first_response", _l("First response"), "datetime", lambda r: r.first_response_at),
        Column("closed", _l("Closed"), "datetime", lambda r: r.closed_at),
        Column("supports", _l("Supports"), "int", lambda r: r.supports),
        Column("comments", _l("Comments"), "int", lambda r: r.comments),
        Column("tags", _l("Tags"), "text", lambda r: ", ".join(r.tags)),
        Column("url", _l("URL"), "text", lambda r: base + r.public_url if r.public_url else ""),
        Column("lat", _l("Latitude"), "float"),
        Column("lon", _l("Longitude"), "float"),
    ]


def _point(row: services.InboxRow):
    return (row.lat, row.lon) if row.lat is not None and row.lon is not None else None


@bp.get("/export.<any(csv, xlsx, geojson):fmt>")
@requires(can_use_inbox)
def export(fmt: str):
    try:
        filters = services.parse_filters(request.args, current_user)
    except services.FilterError as exc:
        return _render_inbox(services.InboxFilters(), str(exc))
    filters.cursor = None
    filters.ids.pop("cursor", None)
    # an internal export (with the places of barrier reports): logged before it streams
    record(
        current_user,
        "backoffice.exported",
        "inbox",
        None,
        after={"format": fmt, "filters": filters.query_args()},
    )
    db.session.commit()
    columns = _columns()
    rows = services.export_rows(filters, None)
    filename = f"eingang.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_download(filename, columns, rows, title=_("Inbox"), no_store=True)
    if fmt == "geojson":
        return exports.geojson_download(filename, columns, rows, point=_point, no_store=True)
    return exports.csv_download(filename, columns, rows, no_store=True)


# --- the item view ---------------------------------------------------------------------------


def _load(type_name: str, target_id: int):
    content_type = content_types.get(type_name)
    if content_type is None or content_type.tracked is None:
        abort(404)
    item = workflow.item_for(type_name, target_id)
    obj = content_type.load_any(target_id) if item is not None else None
    if obj is None:
        abort(404)
    authorize(can_see_inbox_item(current_user, item, _scope()))
    return content_type, item, obj


def can_answer(type_name: str, obj) -> bool:
    """Whether the person can give this input a public answer (a planner for an office, the
    district's mayor). Without one, closing statuses (they need an answer) are not offered,
    except "duplicate", which needs the original instead."""
    respondable = content_types.respondable(type_name)
    return respondable is not None and bool(
        voices(current_user, respondable.respondable.district(obj))
    )


def _template_choices() -> list[tuple[str, str]]:
    return [("", _("No template"))] + [
        (str(t.id), f"{t.title} ({localized(t.office, 'name')})")
        for t in response_templates.templates_for(current_user)
    ]


def _status_form(item, obj=None, **kwargs) -> StatusChangeForm:
    form = StatusChangeForm(**kwargs)
    answering = obj is not None and can_answer(item.target_type, obj)
    form.status.choices = options(
        [
            (status.key, status.name(current_language()))
            for status in workflow.statuses()
            if answering or not status.closed or status.key == DUPLICATE
        ]
    )
    if not answering:
        del form.answer
        del form.template
        del form.draft
    else:
        form.template.choices = options(_template_choices())
    form.duplicate_type.choices = options(
        [(t.name, str(t.label or t.name)) for t in content_types.tracked_types()]
    )
    return form


def _assign_form(item, **kwargs) -> AssignForm:
    form = AssignForm(**kwargs)
    form.office.choices = options(
        [("", _("No office"))] + [(str(o.id), localized(o, "name")) for o in services.offices()]
    )
    form.assignee.choices = options(
        [("", _("Nobody"))] + [(str(p.id), p.public_name) for p in services.planners()]
    )
    return form


def _measure_form(item, **kwargs) -> MeasureLinkForm | None:
    """The form linking the input to a measure, with the measures the person may edit that
    it is not part of yet; ``None`` for those who cannot link."""
    if not (can_use_inbox(current_user) and can_manage_measures(current_user)):
        return None
    form = MeasureLinkForm(prefix="measure", **kwargs)
    form.measure.choices = options(
        [("", _("Choose a measure"))]
        + [
            (str(mid), title)
            for mid, title in measures.linkable_measures(
                current_user, item.target_type, item.target_id
            )
        ]
    )
    return form


def _render_item(
    content_type,
    item,
    obj,
    *,
    status_form=None,
    assign_form=None,
    tag_form=None,
    note_form=None,
    measure_form=None,
    code=200,
):
    can_act = can_use_inbox(current_user)
    may_tag = can_tag(current_user)
    may_note = can_add_note(current_user, item, _scope())
    if can_act:
        status_form = status_form or _status_form(
            item, obj, formdata=None, status=item.status.key if item.status else None
        )
        assign_form = assign_form or _assign_form(
            item,
            formdata=None,
            office=str(item.office_id or ""),
            assignee=str(item.assignee_id or ""),
        )
    nearby = services.similar_nearby(item, obj, _scope())
    if measure_form is None:
        measure_form = _measure_form(item, formdata=None)
    return render_template(
        "backoffice/item.html",
        content_type=content_type,
        item=item,
        obj=obj,
        title=content_type.title(obj) or _("(without title)"),
        public_url=content_type.url(obj),
        texts=services.input_texts(content_type, obj),
        facts=services.district_facts(item.district_id),
        timeline=services.internal_timeline(item),
        can_act=can_act,
        status_form=status_form if can_act else None,
        assign_form=assign_form if can_act else None,
        tags=triage.tags_of(item),
        all_tags=triage.tags() if may_tag else [],
        tag_form=(tag_form or TagForm(formdata=None)) if may_tag else None,
        notes=triage.notes_of(item),
        note_form=(note_form or NoteForm(formdata=None)) if may_note else None,
        original=triage.original_of(item),
        answers=responses.responses_for(item.target_type, item.target_id),
        badge=responses.badge,
        draft=responses.draft_for(item.target_type, item.target_id) if can_act else None,
        nearby=nearby,
        candidates=services.duplicate_candidates(nearby) if can_act else [],
        measures=measure_listing.for_input(item.target_type, item.target_id),
        measure_form=measure_form,
    ), code


@bp.get("/<type_name>/<id:target_id>")
@requires(can_see_inbox)
def item(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    return _render_item(content_type, work_item, obj)


class _FormProblem(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _original(form: StatusChangeForm) -> Any:
    """The work item named as the original of a duplicate (``None`` if none was named)."""
    try:
        original_id = parse_id(form.duplicate_id.data, name=str(form.duplicate_id.label.text))
    except NumberError as exc:
        raise _FormProblem(str(exc), "duplicate_id") from None
    if original_id is None:
        return None
    found = workflow.item_for(form.duplicate_type.data or "", original_id)
    if found is None:
        raise _FormProblem(_("There is no input of this type with this number."), "duplicate_id")
    return found


def _chosen_template(form: StatusChangeForm):
    if "template" not in form or form.template.data is None:
        return None
    template = response_templates.template_by_id(form.template.data)
    if template is None or template.office_id not in response_templates.office_ids(current_user):
        raise _FormProblem(_("Please choose one of your office's templates."), "template")
    return template


@bp.post("/<type_name>/<id:target_id>/status")
@requires(can_use_inbox)
def change_status(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_change_status(current_user, work_item))
    form = _status_form(work_item, obj)
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, status_form=form, code=400)
    answer = (form.answer.data or "").strip() if "answer" in form else ""
    try:
        template = _chosen_template(form)
        voice = answers.template_voice(template) if template is not None else None
        if template is not None and (request.form.get("use_template") or not answer):
            answer = answers.template_text(template, work_item, obj)
            if template.status is not None and (
                request.form.get("use_template") or form.status.data == work_item.status.key
            ):
                form.status.data = template.status.key
        if request.form.get("use_template"):
            if template is None:
                raise _FormProblem(_("Please choose a template."), "template")
            form.answer.data = answer  # shown for review; nothing is saved yet
            return _render_item(content_type, work_item, obj, status_form=form)
        duplicate_of = _original(form) if form.status.data == DUPLICATE else None
        if "draft" in form and form.draft.data:
            answers.save_draft(current_user, work_item, obj, form.status.data, answer, voice)
            db.session.commit()
            flash(_("The answer has been kept as a draft."), "success")
            return _back(type_name, target_id, "draft-title")
        decision = answers.decide(
            current_user,
            work_item,
            obj,
            form.status.data,
            answer,
            voice_key=voice,
            duplicate_of=duplicate_of,
        )
    except (workflow.WorkflowError, ResponseError, _FormProblem) as exc:
        db.session.rollback()
        field = getattr(exc, "field", None)
        if field == "duplicate_of":
            field = "duplicate_id"
        if field == "body":
            field = "answer"
        target = field if field in form and field in _FIELDS else "status"
        form[target].errors = [*form[target].errors, str(exc)]
        return _render_item(content_type, work_item, obj, status_form=form, code=400)
    db.session.commit()
    if decision.change is not None:
        flash(_("The status has been changed."), "success")
    elif decision.response_id is not None:
        flash(_("The public answer has been published."), "success")
    else:
        flash(_("Nothing has changed."), "info")
    return redirect(url_for("backoffice.item", type_name=type_name, target_id=target_id))


_FIELDS = ("status", "answer", "duplicate_id", "template")


@bp.post("/<type_name>/<id:target_id>/entwurf")
@requires(can_use_inbox)
def publish_draft(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_change_status(current_user, work_item))
    draft = responses.draft_for(type_name, target_id)
    if draft is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    discard = bool(request.form.get("discard"))
    try:
        if discard:
            responses.discard_draft(current_user, draft)
        else:
            answers.publish_draft(current_user, work_item, obj, draft)
    except (workflow.WorkflowError, ResponseError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(type_name, target_id, "draft-title")
    db.session.commit()
    flash(
        _("The draft has been discarded.")
        if discard
        else _("The drafted answer has been published."),
        "success",
    )
    return _back(type_name, target_id, "answers-title")


@bp.post("/<type_name>/<id:target_id>/zuweisen")
@requires(can_use_inbox)
def assign(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_assign(current_user, work_item))
    form = _assign_form(work_item)
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, assign_form=form, code=400)
    office = services.office_by_id(form.office.data)
    person = services.user_by_id(form.assignee.data)
    try:
        changed = workflow.assign(current_user, work_item, office, person)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        target = "assignee" if exc.field == "assignee" else "office"
        form[target].errors = [*form[target].errors, str(exc)]
        return _render_item(content_type, work_item, obj, assign_form=form, code=400)
    db.session.commit()
    flash(_("The assignment has been saved.") if changed else _("Nothing has changed."), "success")
    return redirect(url_for("backoffice.item", type_name=type_name, target_id=target_id))


@bp.post("/<type_name>/<id:target_id>/massnahme")
@requires(can_use_inbox)
def link_measure(type_name: str, target_id: int):
    """Take the input up into a measure (the measures' service: the link with its reason,
    the input's workflow status, the audit entry, the contributors told)."""
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_change_status(current_user, work_item) and can_manage_measures(current_user))
    form = _measure_form(work_item)
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, measure_form=form, code=400)
    measure = measures.get_measure(form.measure.data)
    if measure is None:
        abort(404)
    authorize(can_edit_measure(current_user, measure))
    try:
        measures.link_input(
            current_user,
            measure,
            content_type.name,
            obj.id,
            reason=form.reason.data,
            status_key=form.status.data,
            require_reason=True,
        )
    except measures.MeasureError as exc:
        db.session.rollback()
        field = exc.field if exc.field in ("reason", "status") else "measure"
        form[field].errors = [*form[field].errors, exc.message]
        return _render_item(content_type, work_item, obj, measure_form=form, code=400)
    db.session.commit()
    flash(_("The input is now part of the measure; its contributors have been told."), "success")
    return _back(type_name, target_id, "measures-title")


def _back(type_name: str, target_id: int, anchor: str | None = None):
    url = url_for("backoffice.item", type_name=type_name, target_id=target_id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


# --- tags, notes, "not a duplicate" ----------------------------------------------------------


@bp.get("/schlagwoerter/")
@requires(can_tag)
def tags():
    return render_template(
        "backoffice/tags.html",
        tags=triage.tags(include_hidden=True),
        counts=triage.tag_counts(),
        by_id={t.id: t for t in triage.tags(include_hidden=True)},
    )


def _merge_form(tag, **kwargs) -> TagMergeForm:
    form = TagMergeForm(prefix="merge", **kwargs)
    form.target.choices = options(
        [("", _("Please choose"))] + [(str(t.id), t.name) for t in triage.tags() if t.id != tag.id]
    )
    return form


def _tag_page(tag, rename_form=None, merge_form=None, code=200):
    return render_template(
        "backoffice/tag.html",
        tag=tag,
        count=triage.tag_counts().get(tag.id, 0),
        merged_into=triage.tag_by_id(tag.merged_into_id),
        rename_form=rename_form or TagRenameForm(prefix="rename", formdata=None, name=tag.name),
        merge_form=merge_form or _merge_form(tag, formdata=None),
        confirm=ConfirmForm(),
    ), code


def _tag_or_404(tag_id: int):
    tag = triage.tag_by_id(tag_id)
    if tag is None:
        abort(404)
    return tag


@bp.get("/schlagwoerter/<id:tag_id>")
@requires(can_tag)
def tag(tag_id: int):
    return _tag_page(_tag_or_404(tag_id))


@bp.post("/schlagwoerter/<id:tag_id>/umbenennen")
@requires(can_tag)
def rename_tag(tag_id: int):
    tag = _tag_or_404(tag_id)
    form = TagRenameForm(prefix="rename")
    if not form.validate_on_submit():
        return _tag_page(tag, rename_form=form, code=400)
    try:
        changed = triage.rename_tag(current_user, tag, form.name.data)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(exc)]
        return _tag_page(_tag_or_404(tag_id), rename_form=form, code=400)
    db.session.commit()
    flash(_("The tag has been renamed.") if changed else _("Nothing has changed."), "success")
    return redirect(url_for("backoffice.tags"))


@bp.post("/schlagwoerter/<id:tag_id>/zusammenfuehren")
@requires(can_tag)
def merge_tag(tag_id: int):
    tag = _tag_or_404(tag_id)
    form = _merge_form(tag)
    if not form.validate_on_submit():
        return _tag_page(tag, merge_form=form, code=400)
    try:
        moved = triage.merge_tag(current_user, tag, _tag_or_404(form.target.data))
    except workflow.WorkflowError as exc:
        db.session.rollback()
        form.target.errors = [*form.target.errors, str(exc)]
        return _tag_page(_tag_or_404(tag_id), merge_form=form, code=400)
    db.session.commit()
    flash(
        ngettext(
            "The tag has been merged (%(num)d input).",
            "The tag has been merged (%(num)d inputs).",
            moved,
        ),
        "success",
    )
    return redirect(url_for("backoffice.tags"))


def _set_hidden(tag_id: int, hidden: bool):
    tag = _tag_or_404(tag_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    triage.set_tag_hidden(current_user, tag, hidden)
    db.session.commit()
    flash(_("The tag has been hidden.") if hidden else _("The tag is shown again."), "success")
    return redirect(url_for("backoffice.tags"))


@bp.post("/schlagwoerter/<id:tag_id>/ausblenden")
@requires(can_tag)
def hide_tag(tag_id: int):
    return _set_hidden(tag_id, True)


@bp.post("/schlagwoerter/<id:tag_id>/einblenden")
@requires(can_tag)
def show_tag(tag_id: int):
    return _set_hidden(tag_id, False)


@bp.post("/<type_name>/<id:target_id>/schlagwort")
@requires(can_tag)
def add_tag(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    form = TagForm()
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, tag_form=form, code=400)
    try:
        tag = triage.tag_or_create(current_user, form.name.data)
        changed = triage.add_tag(current_user, work_item, tag)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(exc)]
        return _render_item(content_type, work_item, obj, tag_form=form, code=400)
    db.session.commit()
    flash(_("The tag has been added.") if changed else _("Nothing has changed."), "success")
    return _back(type_name, target_id, "tags-title")


@bp.post("/<type_name>/<id:target_id>/schlagwort/<id:tag_id>/entfernen")
@requires(can_tag)
def remove_tag(type_name: str, target_id: int, tag_id: int):
    _content_type, work_item, _obj = _load(type_name, target_id)
    tag = triage.tag_by_id(tag_id)
    if tag is None:
        abort(404)
    changed = triage.remove_tag(current_user, work_item, tag)
    db.session.commit()
    flash(_("The tag has been removed.") if changed else _("Nothing has changed."), "success")
    return _back(type_name, target_id, "tags-title")


@bp.post("/<type_name>/<id:target_id>/notiz")
@requires(can_see_inbox)
def add_note(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_add_note(current_user, work_item, _scope()))
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, note_form=form, code=400)
    try:
        _note, people = triage.add_note(current_user, work_item, form.body.data)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        return _render_item(content_type, work_item, obj, note_form=form, code=400)
    db.session.commit()
    if people:
        flash(
            _(
                "The note has been saved; notified: %(names)s.",
                names=", ".join(p.public_name for p in people),
            ),
            "success",
        )
    else:
        flash(_("The note has been saved."), "success")
    return _back(type_name, target_id, "notes-title")


@bp.post("/<type_name>/<id:target_id>/kein-duplikat")
@requires(can_use_inbox)
def not_duplicate(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_change_status(current_user, work_item))
    try:
        triage.undo_duplicate(current_user, work_item)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(type_name, target_id)
    db.session.commit()
    flash(_("The input is no longer marked as a duplicate."), "success")
    return _back(type_name, target_id)


# --- bulk actions ----------------------------------------------------------------------------


def _bulk_form(**kwargs) -> BulkForm:
    form = BulkForm(**kwargs)
    form.office.choices = options(
        [("", _("No office"))] + [(str(o.id), localized(o, "name")) for o in services.offices()]
    )
    form.assignee.choices = options(
        [("", _("Nobody"))] + [(str(p.id), p.public_name) for p in services.planners()]
    )
    form.status.choices = options([("", _("Choose a status"))] + workflow.status_choices())
    form.template.choices = options(_template_choices())
    return form


def _bulk_action(form: BulkForm) -> bulk.Action:
    kind = form.action.data
    if kind == "assign":
        return bulk.Action(
            kind,
            office=services.office_by_id(form.office.data),
            person=services.user_by_id(form.assignee.data),
        )
    if kind == "tag":
        name = (form.tag.data or "").strip()
        if not name:
            raise bulk.SelectionError(_("Please enter a name for the tag."))
        try:
            return bulk.Action(kind, tag=triage.tag_or_create(current_user, name))
        except workflow.WorkflowError as exc:
            raise bulk.SelectionError(str(exc)) from None
    if kind == "publish":
        return bulk.Action(kind)
    answer = (form.answer.data or "").strip()
    template = None
    if form.template.data is not None:
        template = response_templates.template_by_id(form.template.data)
        if template is None or template.office_id not in response_templates.office_ids(
            current_user
        ):
            raise bulk.SelectionError(_("Please choose one of your office's templates."))
        if answer:
            raise bulk.SelectionError(
                _("Please either choose a template or write an answer, not both.")
            )
    status_key = form.status.data or (template.status.key if template and template.status else "")
    if not status_key:
        raise bulk.SelectionError(_("Please choose a status."))
    return bulk.Action(kind, status_key=status_key, answer=answer, template=template)


def _selection(form: BulkForm, scope: set[int] | None) -> list[tuple[str, int]]:
    if form.all_matching.data:
        filters = services.parse_filters(MultiDict(parse_qsl(form.filter.data or "")), current_user)
        filters.cursor = None
        filters.ids.pop("cursor", None)
        return bulk.matching(filters, scope)
    return bulk.parse_keys(request.form.getlist("selected"))


def _inbox_back(form: BulkForm) -> str:
    return url_for("backoffice.inbox") + (f"?{form.filter.data}" if form.filter.data else "")


@bp.post("/sammelaktion")
@requires(can_use_inbox)
def bulk_action():
    form = _bulk_form()
    scope = _scope()
    if not form.validate_on_submit():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return render_template(
            "backoffice/bulk.html",
            message=" ".join(problems),
            outcomes=[],
            ok=False,
            back=_inbox_back(form),
        ), 400
    try:
        pairs = _selection(form, scope)
        action = _bulk_action(form)
    except (services.FilterError, bulk.SelectionError) as exc:
        db.session.rollback()
        return render_template(
            "backoffice/bulk.html",
            message=str(exc),
            outcomes=[],
            ok=False,
            back=_inbox_back(form),
        ), 400
    outcomes, ok = bulk.apply(current_user, action, bulk.load(pairs), scope)
    if ok:
        db.session.commit()
    else:
        db.session.rollback()
    return render_template(
        "backoffice/bulk.html", message=None, outcomes=outcomes, ok=ok, back=_inbox_back(form)
    ), (200 if ok else 400)
