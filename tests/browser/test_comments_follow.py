"""Comments, replies, follows and notifications in Chromium (on a public barrier report, the
first commentable target that exists; proposals use the same include), axe on the
notifications and "my contributions" pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.barriers import services
from app.extensions import db

from .conftest import assert_no_serious_axe_violations, log_in


@pytest.fixture
def report(districts, create_user):
    services.load_offer_types()
    types = {t.slug: t for t in services.offer_types()}
    offer = services.save_offer(
        None,
        None,
        name="Bibliothek Testplatz",
        type_id=types["library"].id,
        address="Teststraße 1",
        provider="Testträger",
        lat=50.9785,
        lon=11.0265,
    )
    author = create_user()
    made = services.create_report(
        author,
        offer=offer,
        offer_text="",
        district_from=districts["23"],
        text="Der Bus fährt abends nicht.",
        visibility="public",
        details={
            "barrier_types": ["transport"],
            "affected": "self",
            "age_group": "30_49",
            "participation_benefits": "not_stated",
        },
    )
    db.session.commit()
    return made


def _logout(page):
    page.get_by_role("button", name="Abmelden").click()
    # Wait for the answer (its cookie) before the next page is opened.
    expect(page.locator("body")).to_contain_text("Sie sind abgemeldet.")


def test_follow_comment_reply_and_notification(page, live_server, report, create_user):
    follower, commenter = create_user(), create_user()
    url = f"/barrieren/{report.id}"

    # 1. The follower follows the report.
    log_in(page, follower.email)
    page.goto(url)
    page.get_by_role("button", name="Folgen").click()
    page.wait_for_url(f"**{url}")
    expect(page.locator(".follow-form button[aria-pressed=true]")).to_be_visible()
    _logout(page)

    # 2. Someone else comments.
    log_in(page, commenter.email)
    page.goto(url)
    page.get_by_label("Ihr Kommentar").fill("Bei mir ist es genauso.")
    page.get_by_role("button", name="Kommentar veröffentlichen").click()
    page.wait_for_url(f"**{url}#comment-*")
    expect(page.get_by_text("Bei mir ist es genauso.")).to_be_visible()
    _logout(page)

    # 3. The follower sees the unread count, the notification, and replies.
    log_in(page, follower.email)
    page.goto("/")
    nav_link = page.locator("nav a[href='/benachrichtigungen']")
    expect(nav_link).to_contain_text("1", use_inner_text=True)
    nav_link.click()
    page.wait_for_url("**/benachrichtigungen")
    expect(page.get_by_text("Neuer Kommentar")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Alle als gelesen markieren").click()
    page.wait_for_url("**/benachrichtigungen")
    expect(nav_link).not_to_contain_text("1", use_inner_text=True)
    page.locator("ul.notifications a").first.click()
    page.wait_for_url(f"**{url}")
    page.locator(".reply-form summary").first.click()
    page.locator(".reply-form textarea").first.fill("Danke, das hilft.")
    page.get_by_role("button", name="Antwort senden").click()
    page.wait_for_url(f"**{url}#comment-*")
    reply = page.locator("article.comment.reply")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Danke, das hilft.", use_inner_text=True)
    assert_no_serious_axe_violations(page)

    # 4. My contributions lists the reply.
    page.goto("/meine-beitraege")
    expect(page.get_by_text("Danke, das hilft.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    _logout(page)

    # 5. The commenter is told about the reply.
    log_in(page, commenter.email)
    page.goto("/benachrichtigungen")
    expect(page.get_by_text("Antwort auf Ihren Kommentar")).to_be_visible()
