"""E-mail settings in Chromium: a person chooses "weekly" on the account page; the one-click
unsubscribe works without login (the confirmation page's button, and a mail client's RFC 8058
POST); the account page shows the result. axe on both pages."""

from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.mail import services

from .conftest import assert_no_serious_axe_violations, log_in

FOLLOWED = "Neues zu Beiträgen, denen ich folge"
OWN = "Antworten, Statusänderungen und Entscheidungen der Moderation zu meinen eigenen Beiträgen"


def test_weekly_then_one_click_unsubscribe(page, live_server, create_user):
    person = create_user()
    tokens = {c: services.unsubscribe_token(person.id, c) for c in ("followed", "own")}
    db.session.commit()

    log_in(page, person.email)
    page.goto("/konto")
    expect(page.get_by_role("heading", name="Benachrichtigungen per E-Mail")).to_be_visible()
    expect(page.get_by_label(OWN)).to_have_value("immediately")
    page.get_by_label(FOLLOWED).select_option(label="Wöchentliche Zusammenfassung")
    page.get_by_role("button", name="E-Mail-Einstellungen speichern").click()
    expect(page.locator("body")).to_contain_text("Ihre E-Mail-Einstellungen sind gespeichert.")
    expect(page.get_by_label(FOLLOWED)).to_have_value("weekly")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Abmelden", exact=True).click()
    expect(page.locator("body")).to_contain_text("Sie sind abgemeldet.")

    # The link in the mail, opened without being logged in: a page with a button.
    page.goto(f"/mail/abbestellen/{tokens['followed']}")
    expect(page.get_by_role("heading", name="E-Mails abbestellen")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Abbestellen").click()
    expect(page.get_by_role("heading", name="Abbestellt")).to_be_visible()

    # A mail client's one-click POST (RFC 8058): no session, no CSRF token.
    response = page.request.post(
        f"/mail/abbestellen/{tokens['own']}",
        form={"List-Unsubscribe": "One-Click"},
    )
    assert response.status == 200

    log_in(page, person.email)
    page.goto("/konto")
    expect(page.get_by_label(FOLLOWED)).to_have_value("never")
    expect(page.get_by_label(OWN)).to_have_value("never")
