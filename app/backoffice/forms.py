"""Forms of the item view: change the status (with the public answer) and assign.
Labels and messages are lazy (request language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..core.forms import options
from ..core.numbers import IdSelectField

ANSWER_MAX = 5000


class StatusChangeForm(FlaskForm):
    status = SelectField(
        _l("New status"),
        validators=[InputRequired(message=_l("Please choose a status."))],
    )
    answer = TextAreaField(
        _l("Public answer"),
        description=_l(
            "Published on the input's page and sent to its author and followers. "
            "Needed for a closing status."
        ),
        validators=[
            Optional(),
            Length(
                max=ANSWER_MAX,
                message=_l("Please use at most %(max)d characters.", max=ANSWER_MAX),
            ),
        ],
    )
    template = IdSelectField(
        _l("Response template"),
        description=_l(
            "“Use the template” fills in the answer (and the template's status) for this "
            "input; you can change it before saving."
        ),
    )
    draft = BooleanField(_l("Keep as a draft and publish later"))
    duplicate_type = SelectField(_l("Type of the original"), validate_choice=False)
    duplicate_id = StringField(_l("Number of the original"), validators=[Optional()])


class AssignForm(FlaskForm):
    office = IdSelectField(_l("Responsible office"))
    assignee = IdSelectField(_l("Responsible person"))


REASON_MAX = 300  # as a measure's link reason (app.measures.services.REASON_MAX)


class MeasureLinkForm(FlaskForm):
    """Take the input up into a measure from the item view (the measures' service links it)."""

    measure = IdSelectField(
        _l("Measure"),
        validators=[InputRequired(message=_l("Please choose a measure."))],
    )
    reason = StringField(
        _l("Reason for the link"),
        description=_l("Shown on the measure's public page beside the input."),
        validators=[
            InputRequired(message=_l("Please give the reason for the link.")),
            Length(
                max=REASON_MAX,
                message=_l("Please use at most %(max)d characters.", max=REASON_MAX),
            ),
        ],
    )
    status = SelectField(
        _l("Status of the input after linking"),
        choices=options(
            [
                ("merged_into_measure", _l("Merged into a measure")),
                ("in_implementation", _l("In implementation")),
            ]
        ),
    )


class TagForm(FlaskForm):
    name = StringField(
        _l("Tag"),
        description=_l("Choose a tag or type a new one; tags are internal."),
        render_kw={"list": "known-tags", "autocomplete": "off"},
        validators=[
            InputRequired(message=_l("Please enter a name for the tag.")),
            Length(max=60, message=_l("Please use at most %(max)d characters.", max=60)),
        ],
    )


NOTE_MAX = 5000


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Internal note"),
        description=_l(
            "Only for the administration and the district council. "
            "Mention someone with @ and their name, e.g. @Petra Schulz."
        ),
        validators=[
            InputRequired(message=_l("Please write a note.")),
            Length(
                max=NOTE_MAX, message=_l("Please use at most %(max)d characters.", max=NOTE_MAX)
            ),
        ],
    )


class BulkForm(FlaskForm):
    """The inbox's bulk action on the selected rows (``selected``, read from the request)
    or on everything matching the filter (``all_matching`` with the ``filter`` query)."""

    action = SelectField(
        _l("Action"),
        choices=options(
            [
                ("assign", _l("Assign an office and person")),
                ("tag", _l("Add a tag")),
                ("status", _l("Change the status")),
                ("publish", _l("Publish the drafted answers")),
            ]
        ),
        validators=[InputRequired(message=_l("Please choose an action."))],
    )
    office = IdSelectField(_l("Responsible office"))
    assignee = IdSelectField(_l("Responsible person"))
    tag = StringField(
        _l("Tag"),
        validators=[
            Optional(),
            Length(max=60, message=_l("Please use at most %(max)d characters.", max=60)),
        ],
        render_kw={"list": "known-tags", "autocomplete": "off"},
    )
    status = SelectField(_l("New status"), validate_choice=False)
    answer = TextAreaField(
        _l("Public answer"),
        description=_l("Published on every selected input's page, signed by your office."),
        validators=[
            Optional(),
            Length(
                max=ANSWER_MAX,
                message=_l("Please use at most %(max)d characters.", max=ANSWER_MAX),
            ),
        ],
    )
    template = IdSelectField(
        _l("Response template"),
        description=_l("Filled in for each input; instead of an answer written here."),
    )
    all_matching = BooleanField(_l("All inputs matching the filter (not only the ticked rows)"))
    filter = HiddenField()


class TagRenameForm(FlaskForm):
    name = StringField(
        _l("New name"),
        validators=[
            InputRequired(message=_l("Please enter a name for the tag.")),
            Length(max=60, message=_l("Please use at most %(max)d characters.", max=60)),
        ],
    )


class TagMergeForm(FlaskForm):
    target = IdSelectField(
        _l("Merge into"),
        description=_l("Every input with this tag gets the chosen tag; this tag is hidden."),
        validators=[InputRequired(message=_l("Please choose a tag."))],
    )
