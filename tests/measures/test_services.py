"""The measures' rules: statuses with default progress, the programme's weighted progress,
history rows (and none for a save that changes nothing), bad input refused with nothing
written, linking inputs through the workflow with the contributors told once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.models import MailOutbox
from app.measures import services
from app.measures.models import (
    HistoryIsImmutable,
    Measure,
    MeasureHistory,
    MeasureInput,
    MeasureStatus,
)
from app.measures.services import MeasureInvalid, weighted_progress
from app.notifications.models import Notification
from app.notifications.services import follow
from app.proposals.models import Support
from app.workflow import services as workflow
from app.workflow.models import StatusChange


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the programme's progress (pure) ----------------------------------------------------------


def test_weighted_by_planned_budgets_when_every_child_has_one():
    assert weighted_progress([(100, 300_000.0), (0, 100_000.0)]) == 75


def test_plain_mean_when_a_budget_is_missing():
    assert weighted_progress([(100, 300_000.0), (0, None)]) == 50
    assert weighted_progress([(10, None), (25, None), (50, None)]) == 28  # 28.33


def test_plain_mean_when_the_budgets_sum_to_zero_and_none_without_children():
    assert weighted_progress([(100, 0.0), (50, 0.0)]) == 75
    assert weighted_progress([]) is None


def test_rounds_half_up():
    assert weighted_progress([(25, None), (50, None)]) == 38  # 37.5


# --- statuses ---------------------------------------------------------------------------------


def test_statuses_are_seeded_with_their_default_progress(app):
    found = {s.key: s.default_progress for s in db.session.scalars(select(MeasureStatus))}
    assert found == {
        "idea": 0,
        "planned": 10,
        "decided": 25,
        "in_implementation": 50,
        "done": 100,
        "stopped": None,
    }
    assert services.load_statuses() == 0  # idempotent


def test_a_status_sets_its_default_unless_progress_is_given(make_measure, measure_data, planner):
    measure = make_measure()
    assert measure.progress == 10
    services.save_measure(planner, measure, measure_data(status_key="in_implementation"))
    assert measure.progress == 50
    services.save_measure(planner, measure, measure_data(status_key="done", progress=90))
    assert measure.progress == 90
    services.save_measure(planner, measure, measure_data(status_key="stopped"))
    assert measure.progress == 90  # stopped keeps its progress


# --- history ----------------------------------------------------------------------------------


def test_changes_are_kept_as_history_and_a_same_save_writes_nothing(
    make_measure, measure_data, planner
):
    measure = make_measure()
    fields = set(db.session.scalars(select(MeasureHistory.field)))
    assert {"title", "status", "progress", "offices", "districts"} <= fields
    before = count(MeasureHistory)
    updated = measure.updated_at
    services.save_measure(planner, measure, measure_data())
    db.session.commit()
    assert count(MeasureHistory) == before
    assert measure.updated_at == updated
    services.save_measure(planner, measure, measure_data(status_key="decided"))
    rows = db.session.scalars(
        select(MeasureHistory).where(MeasureHistory.id > 0).order_by(MeasureHistory.id.desc())
    ).all()[:2]
    assert {(r.field, r.old, r.new) for r in rows} == {
        ("status", "planned", "decided"),
        ("progress", "10", "25"),
    }
    assert all(r.actor_id == planner.id for r in rows)


def test_history_rows_cannot_be_changed(make_measure):
    make_measure()
    row = db.session.scalars(select(MeasureHistory)).first()
    row.new = "forged"
    with pytest.raises(HistoryIsImmutable):
        db.session.flush()
    db.session.rollback()


# --- bad input: every problem named, nothing written ------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"progress": 101}, "progress", "zwischen 0 und 100"),
        ({"progress": -1}, "progress", "zwischen 0 und 100"),
        (
            {"planned_start": date(2027, 5, 1), "planned_end": date(2027, 4, 1)},
            "planned_end",
            "vor dem Beginn",
        ),
        (
            {"actual_start": date(2027, 5, 1), "actual_end": date(2026, 4, 1)},
            "actual_end",
            "vor dem Beginn",
        ),
        ({"office_ids": [999_999]}, "offices", "Unbekanntes Amt"),
        ({"office_ids": []}, "offices", "mindestens ein"),
        ({"district_ids": [999_999]}, "districts", "Unbekannter Ortsteil"),
        ({"district_ids": []}, "districts", "gesamtstädtisch"),
        ({"indicators": [(999_999, "up")]}, "indicators", "Unbekannter Indikator"),
        ({"status_key": "nonsense"}, "status", "Unbekannter Status"),
        ({"title": " "}, "title", "Titel"),
        ({"budget_planned": -5.0}, "budget_planned", "mindestens 0"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(measure_data, planner, changes, field, text):
    before = (count(Measure), count(MeasureHistory))
    with pytest.raises(MeasureInvalid) as caught:
        services.save_measure(planner, None, measure_data(**changes))
    problem = next(p for p in caught.value.problems if p.field == field)
    assert text in problem.message
    assert (count(Measure), count(MeasureHistory)) == before


def test_a_planner_manages_only_measures_of_their_office(
    make_measure, measure_data, other_planner, offices, create_user
):
    with pytest.raises(MeasureInvalid) as caught:
        services.save_measure(other_planner, None, measure_data())
    assert caught.value.problems[0].field == "offices"
    measure = make_measure()
    with pytest.raises(MeasureInvalid):
        services.save_measure(
            other_planner,
            measure,
            measure_data(office_ids=[offices["urban-planning"].id]),
        )
    admin = create_user("admin")
    services.save_measure(admin, measure, measure_data(office_ids=[offices["urban-planning"].id]))
    assert services.office_ids_of(measure.id) == [offices["urban-planning"].id]


def test_a_measure_cannot_be_its_own_programme(make_measure, measure_data, planner):
    parent = make_measure(title="Programm Südost")
    child = make_measure(title="Kita", parent_id=parent.id)
    with pytest.raises(MeasureInvalid) as caught:
        services.save_measure(
            planner, parent, measure_data(title="Programm Südost", parent_id=child.id)
        )
    assert caught.value.problems[0].field == "parent"


def test_a_programme_follows_its_childrens_progress(make_measure, measure_data, planner):
    parent = make_measure(title="Programm Südost", status_key="decided")
    a = make_measure(title="Musikschule", parent_id=parent.id, budget_planned=300_000.0)
    assert parent.progress == 10  # one child at "planned" (10)
    make_measure(title="Bibliothek", parent_id=parent.id, budget_planned=100_000.0)
    services.save_measure(
        planner,
        a,
        measure_data(
            title="Musikschule", parent_id=parent.id, budget_planned=300_000.0, status_key="done"
        ),
    )
    assert parent.progress == 78  # (100 * 3 + 10 * 1) / 4 = 77.5
    assert ("progress", "78") in {(h.field, h.new) for h in services.history(parent.id)}


# --- linking inputs ---------------------------------------------------------------------------


def test_linking_an_input_merges_it_and_tells_its_contributors_once(
    make_measure, proposal_factory, people, create_user, planner
):
    measure = make_measure()
    proposal = proposal_factory(people["author"], supports=1)
    follower = create_user()
    follow(follower, "proposal", proposal.id)
    supporter_id = db.session.scalar(
        select(Support.user_id).where(Support.proposal_id == proposal.id)
    )
    services.link_input(planner, measure, "proposal", proposal.id, reason="Gleicher Ort")
    db.session.commit()
    assert workflow.item_for("proposal", proposal.id).status.key == "merged_into_measure"
    assert count(StatusChange) >= 2
    sent = {
        (n.user_id, n.kind)
        for n in db.session.scalars(
            select(Notification).where(Notification.target_type == "measure")
        )
    }
    assert sent == {
        (people["author"].id, "measure_linked_proposal"),
        (supporter_id, "measure_linked"),
        (follower.id, "measure_linked"),
    }
    mails = db.session.scalars(
        select(MailOutbox).where(MailOutbox.user_id == people["author"].id)
    ).all()
    assert [m.kind for m in mails if m.kind.startswith("measure")] == ["measure_linked_proposal"]
    assert mails[-1].category == "own"


def test_linking_in_implementation(make_measure, proposal_factory, people, planner):
    measure = make_measure()
    proposal = proposal_factory(people["author"])
    services.link_input(planner, measure, "proposal", proposal.id, status_key="in_implementation")
    assert workflow.item_for("proposal", proposal.id).status.key == "in_implementation"


def test_linking_twice_or_an_invisible_input_is_refused(
    make_measure, proposal_factory, people, planner
):
    measure = make_measure()
    proposal = proposal_factory(people["author"])
    services.link_input(planner, measure, "proposal", proposal.id)
    db.session.commit()
    before = (count(MeasureInput), count(Notification), count(MeasureHistory))
    with pytest.raises(services.MeasureError, match="bereits"):
        services.link_input(planner, measure, "proposal", proposal.id)
    hidden = proposal_factory(people["author"], state="hidden")
    with pytest.raises(services.MeasureError, match="nicht sehen"):
        services.link_input(planner, measure, "proposal", hidden.id)
    with pytest.raises(services.MeasureError, match="nicht sehen"):
        services.link_input(planner, measure, "proposal", 999_999)
    with pytest.raises(services.MeasureError):
        services.parse_input_ref("comment:1")
    db.session.rollback()
    assert (count(MeasureInput), count(Notification), count(MeasureHistory)) == before


def test_a_status_or_progress_change_tells_each_contributor_once(
    make_measure, measure_data, proposal_factory, people, create_user, planner
):
    measure = make_measure()
    first = proposal_factory(people["author"], supports=1)
    second = proposal_factory(people["author"], title="Noch ein Spielplatz")
    fan = create_user()
    follow(fan, "measure", measure.id)
    services.link_input(planner, measure, "proposal", first.id)
    services.link_input(planner, measure, "proposal", second.id)
    db.session.commit()

    def updates():
        return sorted(
            n.user_id
            for n in db.session.scalars(
                select(Notification).where(Notification.kind == "measure_updated")
            )
        )

    services.save_measure(planner, measure, measure_data(title="Spielplatz Gera-Aue (neu)"))
    assert updates() == []  # neither status nor progress
    services.save_measure(planner, measure, measure_data(status_key="in_implementation"))
    supporter = db.session.scalar(select(Support.user_id).where(Support.proposal_id == first.id))
    assert updates() == sorted([people["author"].id, supporter, fan.id])
    services.save_measure(
        planner, measure, measure_data(status_key="in_implementation", progress=60)
    )
    assert len(updates()) == 6
