"""A person's barrier details are in their data export and are erased with their account."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.barriers.models import AffectedBarrier, AffectedPerson, BarrierReport
from app.extensions import db


def test_export_and_erase(client, create_user, login, offers, make_report):
    from app.comments.services import add_comment

    person = create_user()
    report = make_report(person, offers[0], codes=("transport", "escort"), age="65_79")
    add_comment(person, "barrier_report", report.id, "Mein eigener Kommentar")
    db.session.commit()
    login(person)
    exported = json.loads(client.get("/konto/export.json").data)
    assert [c["body"] for c in exported["comments"]] == ["Mein eigener Kommentar"]
    assert exported["barrier_reports"][0]["age_group"] == "65_79"
    assert sorted(exported["barrier_reports"][0]["barrier_types"]) == ["escort", "transport"]

    response = client.post("/konto/loeschen", data={"password": "correct horse battery"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AffectedPerson)) == 0
    assert db.session.scalar(select(func.count()).select_from(AffectedBarrier)) == 0
    # The public description stays, as from a deleted user.
    kept = db.session.get(BarrierReport, report.id)
    assert kept is not None and kept.text == "Der Bus fährt abends nicht."
