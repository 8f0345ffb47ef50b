"""The tags page: rename, hide (and show again), merge into another tag (the items move,
audited); a hidden tag is no longer offered; creating the same new tag twice at once ends
with one tag (the unique constraint and a savepoint), not an error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.workflow import triage
from app.workflow.models import Tag

from .conftest import INBOX, key, listed

TAGS = f"{INBOX}schlagwoerter/"


def _tag(people, item, name: str) -> Tag:
    tag = triage.tag_or_create(people["planner"], name)
    triage.add_tag(people["planner"], item, tag)
    db.session.commit()
    return tag


def _audits(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_the_tags_page_lists_tags_with_counts(client, login_as, people, make_proposal):
    _p, item = make_proposal()
    _tag(people, item, "Spielplatz")
    login_as(people["planner"])
    html = client.get(TAGS).get_data(as_text=True)
    assert 'id="tag-table"' in html and "Spielplatz" in html
    assert "<td>1</td>" in html


@pytest.mark.parametrize("who", ["citizen", "mayor", "council_member"])
def test_only_planners_and_admins_manage_tags(client, login_as, people, make_proposal, who):
    _p, item = make_proposal()
    tag = _tag(people, item, "Spielplatz")
    login_as(people[who])
    assert client.get(TAGS).status_code == 403
    assert client.post(f"{TAGS}{tag.id}/umbenennen", data={"rename-name": "X"}).status_code == 403
    db.session.refresh(tag)
    assert tag.name == "Spielplatz"


def test_rename(client, login_as, people, make_proposal):
    proposal, item = make_proposal()
    tag = _tag(people, item, "Spielplatz")
    login_as(people["planner"])
    response = client.post(f"{TAGS}{tag.id}/umbenennen", data={"rename-name": "Spielplätze"})
    assert response.status_code == 302
    db.session.refresh(tag)
    assert (tag.name, tag.name_key) == ("Spielplätze", "spielplätze")
    assert [t.name for t in triage.tags_of(item)] == ["Spielplätze"]
    assert _audits("workflow.tag_renamed") == 1
    assert listed(client.get(INBOX, query_string={"tag": "spielplätze"})) == [
        key("proposal", proposal)
    ]


def test_rename_to_another_tags_name_is_refused(client, login_as, people, make_proposal):
    _p, item = make_proposal()
    tag = _tag(people, item, "Spielplatz")
    _tag(people, item, "Bänke")
    login_as(people["planner"])
    response = client.post(f"{TAGS}{tag.id}/umbenennen", data={"rename-name": "BÄNKE"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "zusammen" in html and 'value="BÄNKE"' in html  # the form keeps what was typed
    db.session.refresh(tag)
    assert tag.name == "Spielplatz"


def test_hide_and_show_again(client, login_as, people, make_proposal):
    proposal, item = make_proposal()
    tag = _tag(people, item, "Alt")
    login_as(people["planner"])
    assert client.post(f"{TAGS}{tag.id}/ausblenden").status_code == 302
    db.session.refresh(tag)
    assert tag.hidden
    # no longer offered, but the item keeps it
    assert "Alt" not in [t.name for t in triage.tags()]
    assert [t.name for t in triage.tags_of(item)] == ["Alt"]
    page = client.get(f"{INBOX}proposal/{proposal.id}").get_data(as_text=True)
    assert '<option value="Alt">' not in page
    # typing its name again is refused with a clear message
    refused = client.post(f"{INBOX}proposal/{proposal.id}/schlagwort", data={"name": "alt"})
    assert refused.status_code == 400 and "ausgeblendet" in refused.get_data(as_text=True)
    assert client.post(f"{TAGS}{tag.id}/einblenden").status_code == 302
    db.session.refresh(tag)
    assert not tag.hidden
    assert _audits("workflow.tag_hidden") == 1 and _audits("workflow.tag_shown") == 1


def test_merge_moves_the_items_once_and_hides_the_source(client, login_as, people, make_proposal):
    a, a_item = make_proposal()
    b, b_item = make_proposal()
    source = _tag(people, a_item, "Spielplaetze")
    triage.add_tag(people["planner"], b_item, source)
    target = _tag(people, b_item, "Spielplätze")  # b has both already
    db.session.commit()
    login_as(people["planner"])
    response = client.post(f"{TAGS}{source.id}/zusammenfuehren", data={"merge-target": target.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert [t.name for t in triage.tags_of(a_item)] == ["Spielplätze"]
    assert [t.name for t in triage.tags_of(b_item)] == ["Spielplätze"]
    merged = db.session.get(Tag, source.id)
    assert merged.hidden and merged.merged_into_id == target.id
    assert _audits("workflow.tag_merged") == 1
    # the merged name now leads to the target
    assert triage.tag_or_create(people["planner"], "spielplaetze").id == target.id
    assert set(listed(client.get(INBOX, query_string={"tag": "Spielplätze"}))) == {
        key("proposal", a),
        key("proposal", b),
    }


def test_merge_into_itself_or_nothing_is_refused(client, login_as, people, make_proposal):
    _p, item = make_proposal()
    tag = _tag(people, item, "Eins")
    login_as(people["planner"])
    for target in (tag.id, "", "abc", 999999):
        response = client.post(f"{TAGS}{tag.id}/zusammenfuehren", data={"merge-target": target})
        assert response.status_code in (400, 404)
    db.session.refresh(tag)
    assert not tag.hidden and tag.merged_into_id is None


def test_creating_the_same_tag_at_once_ends_with_one_tag(people, monkeypatch):
    """The other request's tag appears between our look-up and our insert: the insert hits
    the unique constraint, the savepoint is rolled back, the other tag is used."""
    other = Tag(name="Runde 4", name_key="runde 4")
    db.session.add(other)
    db.session.flush()
    real = triage.tag_by_name
    calls = []

    def late(name):
        calls.append(name)
        return None if len(calls) <= 2 else real(name)  # both look-ups before the insert miss

    monkeypatch.setattr(triage, "tag_by_name", late)
    found = triage.tag_or_create(people["planner"], "Runde 4")
    assert found.id == other.id
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 1
    assert db.session.is_active  # the outer transaction goes on


def test_tags_page_queries_are_constant(client, login_as, people, make_proposal, count_queries):
    login_as(people["planner"])
    _p, item = make_proposal()
    _tag(people, item, "A")
    client.get(TAGS)
    with count_queries() as few:
        client.get(TAGS)
    for n in range(6):
        _tag(people, item, f"T{n}")
    with count_queries() as many:
        client.get(TAGS)
    assert many.count == few.count
