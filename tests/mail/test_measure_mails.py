"""The mail of a measure's change names its status (the public name in the recipient's
language) and its progress as they were at the change, in the text and the HTML part, single
and in digests; delivered to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import Office
from app.core.time import utcnow
from app.extensions import db
from app.mail import services as mail
from app.mail import worker
from app.mail.digests import send_digests
from app.measures import services
from app.notifications import services as notifications


def _parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content().replace("\r\n", "\n"),
        message.get_body(("html",)).get_content().replace("\r\n", "\n"),
    )


@pytest.fixture
def scene(people, districts, proposal_factory, smtp):
    """A measure taking up a proposal by ``author`` (German), followed by ``citizen``
    (English); both get the mails of what they follow at once; the link's mails already sent."""
    people["author"].locale = "de"
    people["citizen"].locale = "en"
    office = db.session.scalar(db.select(Office).where(Office.slug == "social-planning"))
    planner = people["planner"]

    def data(**changes) -> services.MeasureData:
        values = {
            "title": "Spielplatz in der Gera-Aue",
            "status_key": "planned",
            "office_ids": [office.id],
            "district_ids": [districts["23"].id],
        }
        values.update(changes)
        return services.MeasureData(**values)

    measure = services.save_measure(planner, None, data())
    proposal = proposal_factory(people["author"], title="Spielplatz bitte")
    services.link_input(planner, measure, "proposal", proposal.id, reason="Gleiches Ziel")
    notifications.follow(people["citizen"], "measure", measure.id)
    for person in (people["author"], people["citizen"]):  # news of a measure: "followed"
        mail.set_preference(person, "followed", "immediately")
    db.session.commit()
    worker.send_due()
    smtp.reset()
    return planner, measure, data


def _mails(smtp) -> dict[str, object]:
    return {message["To"]: message for message in smtp.messages}


def test_the_update_mail_names_the_new_status_and_progress(people, scene, smtp):
    planner, measure, data = scene
    services.save_measure(planner, measure, data(status_key="in_implementation"))
    db.session.commit()
    assert worker.send_due()["sent"] == 2
    mails = _mails(smtp)
    for body in _parts(mails[people["author"].email]):
        assert "Jetzt: Status „In Umsetzung“, Fortschritt 50 %" in body
        assert "In implementation" not in body
    for body in _parts(mails[people["citizen"].email]):
        assert "Now: status “In implementation”, progress 50 %" in body
        assert "In Umsetzung" not in body
    # a change of the progress alone: the same status, the new percentage
    smtp.reset()
    services.save_measure(planner, measure, data(status_key="in_implementation", progress=70))
    db.session.commit()
    assert worker.send_due()["sent"] == 2
    for body in _parts(_mails(smtp)[people["citizen"].email]):
        assert "Now: status “In implementation”, progress 70 %" in body


def test_the_digest_names_each_changes_own_status_and_progress(people, scene, smtp):
    planner, measure, data = scene
    reader = people["citizen"]
    mail.set_preference(reader, "followed", "daily")
    db.session.commit()
    services.save_measure(planner, measure, data(status_key="decided"))
    services.save_measure(planner, measure, data(status_key="done"))
    db.session.commit()
    worker.send_due()
    smtp.reset()
    tomorrow = utcnow() + timedelta(days=1)
    seven = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8, 0, tzinfo=UTC)
    assert send_digests(seven) == 1
    db.session.commit()
    worker.send_due(seven)
    [message] = smtp.messages
    for body in _parts(message):
        assert "Now: status “Decided”, progress 25 %" in body
        assert "Now: status “Done”, progress 100 %" in body
        assert body.index("Decided") < body.index("Done")
