"""District councils in Chromium: a mayor posts a need with a place; a citizen reports a
comment; the mayor hides it from the queue with a reason; the author sees the reason; the
mayor publishes an official response and the proposal's author is notified. axe checks the
need pages, the queue and the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.comments import services as comments
from app.core.audit import AuditEntry
from app.extensions import db
from app.needs.models import Need
from app.notifications.models import Notification
from app.proposals import services as proposals
from app.proposals.models import Proposal
from app.responses.models import OfficialResponse

from .conftest import assert_no_serious_axe_violations, log_in

MOSKAUER_PLATZ = "23"


@pytest.fixture
def setting(districts, create_user):
    proposals.load_categories()
    db.session.commit()
    mayor = create_user("mayor", council=MOSKAUER_PLATZ, name="Erika Muster")
    author = create_user(name="Paula Vorschlag")
    commenter = create_user(name="Rudi Rüpel")
    citizen = create_user(name="Clara Bürgerin")
    district = districts[MOSKAUER_PLATZ]
    proposal = proposals.create_proposal(
        author,
        title="Bänke am Moskauer Platz",
        description="Zum Ausruhen.",
        category=proposals.categories()[0],
        place=proposals.place_from_district(district),
    )
    db.session.flush()
    comment = comments.add_comment(commenter, "proposal", proposal.id, "Ihr seid alle Idioten!")
    db.session.commit()
    return {
        "mayor": mayor,
        "author": author,
        "commenter": commenter,
        "citizen": citizen,
        "district": district,
        "proposal_id": proposal.id,
        "comment_id": comment.id,
    }


def _logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/")
    # The URL may already end in "/": wait for the answer (its cookie) before the next page.
    expect(page.locator("body")).to_contain_text("Sie sind abgemeldet.")


def test_mayor_posts_a_need_with_a_place(page, live_server, setting):
    district = setting["district"]
    log_in(page, setting["mayor"].email)
    page.goto("/bedarfe/neu")
    assert_no_serious_axe_violations(page)
    page.locator("#title").fill("Treffpunkt für Jugendliche")
    page.locator("#description").fill("Ein überdachter Treffpunkt am Platz.")
    page.locator("#category").select_option("children-youth")
    page.locator("#priority").select_option("high")
    page.locator("#lat").fill(f"{district.label_lat:.6f}")
    page.locator("#lon").fill(f"{district.label_lon:.6f}")
    page.locator("form.need-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/bedarfe/\d+$"))  # not /bedarfe/neu
    expect(page.locator("h1")).to_contain_text("Treffpunkt für Jugendliche", use_inner_text=True)
    expect(page.locator("main")).to_contain_text("Ortsteilrat Moskauer Platz", use_inner_text=True)
    need = db.session.scalar(select(Need))
    assert need.place_from_map is True and need.district_id == district.id
    assert need.priority == "high"
    assert_no_serious_axe_violations(page)
    page.goto("/bedarfe/")
    expect(page.locator("main")).to_contain_text("Treffpunkt für Jugendliche", use_inner_text=True)
    assert_no_serious_axe_violations(page)


def test_report_hide_reason_response_and_notification(page, live_server, setting):
    proposal_id, comment_id = setting["proposal_id"], setting["comment_id"]

    # a citizen reports the comment
    log_in(page, setting["citizen"].email)
    page.goto(f"/vorschlaege/{proposal_id}")
    page.locator(f"#comment-{comment_id}").get_by_role("link", name="Melden").click()
    page.locator("#reason").select_option("insult")
    page.locator("#text").fill("Beleidigt alle.")
    page.get_by_role("button", name="Meldung senden").click()
    page.wait_for_url(f"**/vorschlaege/{proposal_id}*")
    _logout(page)

    # the mayor hides it from the queue with a reason
    log_in(page, setting["mayor"].email)
    page.goto("/moderation/")
    assert_no_serious_axe_violations(page)
    item = page.locator(f"#item-comment-{comment_id}")
    item.locator(f"#reason-comment-{comment_id}").select_option("insult")
    item.locator(f"#note-comment-{comment_id}").fill("Bitte sachlich bleiben.")
    item.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/moderation/*")
    expect(page.locator(f"#item-comment-{comment_id}")).to_have_count(0)

    # the mayor publishes an official response on the proposal
    page.goto(f"/vorschlaege/{proposal_id}")
    # the form is open while there is no response yet
    page.locator("#response-body").fill(
        "Der Ortsteilrat unterstützt das und bringt es in die nächste Sitzung ein."
    )
    page.get_by_role("button", name="Amtliche Antwort veröffentlichen").click()
    page.wait_for_url(f"**/vorschlaege/{proposal_id}*")
    official = page.locator("section[aria-labelledby=official-title]")
    expect(official).to_contain_text("Ortsteilrat Moskauer Platz", use_inner_text=True)
    expect(official).to_contain_text("nächste Sitzung", use_inner_text=True)
    page.goto("/ortsteilrat/")
    page.wait_for_url("**/ortsteilrat/*/")
    assert_no_serious_axe_violations(page)
    _logout(page)

    # the comment's author sees the reason
    log_in(page, setting["commenter"].email)
    page.goto(f"/vorschlaege/{proposal_id}")
    own = page.locator(f"#comment-{comment_id}")
    expect(own).to_contain_text("Beleidigung", use_inner_text=True)
    expect(own).to_contain_text("Bitte sachlich bleiben.", use_inner_text=True)
    _logout(page)

    # the proposal's author is notified of the official response
    log_in(page, setting["author"].email)
    page.goto("/benachrichtigungen")
    expect(page.locator("main")).to_contain_text("Amtliche Antwort", use_inner_text=True)
    expect(page.locator("main")).to_contain_text("Bänke am Moskauer Platz", use_inner_text=True)

    # and the audit log holds each action
    db.session.expire_all()
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"moderation.hidden", "official_response.published"} <= actions
    assert db.session.scalar(select(OfficialResponse)).role == "mayor"
    kinds = set(
        db.session.scalars(
            select(Notification.kind).where(Notification.user_id == setting["author"].id)
        )
    )
    assert "official_response" in kinds


def test_axe_on_the_other_council_pages(page, live_server, setting):
    """The item page of the queue, the report form, the need edit form, the print view and
    the proposal page with an official response: no serious or critical axe violation."""
    from app.moderation import services as moderation
    from app.needs import services as needs
    from app.responses import services as responses
    from app.responses.targets import get_respondable

    district = setting["district"]
    mayor = db.session.get(type(setting["mayor"]), setting["mayor"].id)
    need = needs.create_need(
        mayor,
        district.council,
        title="Sitzbänke",
        description="Mehr Bänke.",
        category=proposals.categories()[0],
        priority="medium",
        place=needs.place_from_district(district.council, district),
        linked_proposal_ids=[setting["proposal_id"]],
    )
    proposal = db.session.get(Proposal, setting["proposal_id"])
    responses.respond(mayor, get_respondable("proposal"), proposal, "Wir kümmern uns darum.")
    citizen = db.session.get(type(setting["citizen"]), setting["citizen"].id)
    moderation.flag(citizen, "proposal", proposal, "off_topic", "Passt nicht.")
    db.session.commit()
    log_in(page, setting["mayor"].email)
    slug = district.council.slug
    for path in (
        f"/moderation/proposal/{proposal.id}",
        f"/bedarfe/{need.id}/bearbeiten",
        f"/ortsteilrat/{slug}/druckansicht",
        f"/vorschlaege/{proposal.id}",
        "/karte",
        f"/ortsteile/{district.number}",
    ):
        page.goto(path)
        assert_no_serious_axe_violations(page)
    _logout(page)
    log_in(page, setting["citizen"].email)
    page.goto(f"/melden/need/{need.id}")
    assert_no_serious_axe_violations(page)
