"""A person registers, confirms the address, logs in, out and in again — in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db

from .conftest import assert_no_serious_axe_violations, login_in_browser


def test_register_confirm_and_log_in(page, live_server, districts):
    page.goto("/")
    page.get_by_role("link", name="Registrieren").first.click()
    page.get_by_label("E-Mail-Adresse").fill("neu@example.org")
    page.get_by_label("Anzeigename").fill("Nachbar")
    page.get_by_label("Passwort", exact=True).fill("kurz")
    page.get_by_label("Passwort wiederholen").fill("kurz")
    page.get_by_role("button", name="Konto anlegen").click()
    # Refused with a clear message; what was typed stays.
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(
        "Das Passwort muss mindestens 10 Zeichen haben.", use_inner_text=True
    )
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value("neu@example.org")
    expect(page.get_by_label("Anzeigename")).to_have_value("Nachbar")
    assert_no_serious_axe_violations(page)

    page.get_by_label("Passwort", exact=True).fill("lange-genug-1")
    page.get_by_label("Passwort wiederholen").fill("lange-genug-1")
    page.get_by_label("Ich habe den Datenschutzhinweis gelesen.").check()
    page.get_by_role("button", name="Konto anlegen").click()
    # Not logged in yet (that would tell a new address from a known one): the login page.
    page.wait_for_url(live_server.url + "/anmelden")
    expect(page.locator("body")).to_contain_text("Willkommen!")

    # The confirmation link from the e-mail (kept in memory by the test mail backend).
    outbox = live_server.app.extensions["quartier_outbox"]
    link = re.search(r"/bestaetigen/\S+", outbox[-1].get_content()).group(0)
    page.goto(link)
    expect(page.locator("body")).to_contain_text("Ihre E-Mail-Adresse ist bestätigt")
    user = db.session.scalar(select(User).where(User.email == "neu@example.org"))
    assert user.email_confirmed

    login_in_browser(page, "neu@example.org", "lange-genug-1")
    expect(page.locator("body")).to_contain_text("Sie sind angemeldet.")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.locator("body")).to_contain_text("Sie sind abgemeldet.")
    login_in_browser(page, "neu@example.org", "lange-genug-1")
    expect(page.locator("body")).to_contain_text("Sie sind angemeldet.")
    page.get_by_role("link", name="Mein Konto").click()
    expect(page.locator("body")).to_contain_text("Nachbar")
    assert_no_serious_axe_violations(page)


def test_login_by_keyboard_only(page, create_user, districts):
    user = create_user(email="tasten@example.org")
    page.goto("/anmelden")
    page.get_by_label("E-Mail-Adresse").focus()
    page.keyboard.type("tasten@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.locator("body")).to_contain_text("Sie sind angemeldet.")
    assert user.id


def test_admin_pages_pass_axe(page, create_user, districts):
    admin = create_user("admin", email="admin@example.org")
    person = create_user("mayor", council="23")
    login_in_browser(page, admin.email, "correct horse battery")
    page.goto("/admin/nutzer")
    assert_no_serious_axe_violations(page)
    page.goto(f"/admin/nutzer/{person.id}")
    page.get_by_role("button", name="Rolle vergeben").click()
    expect(page.locator("body")).to_contain_text("Bitte wählen Sie eine Rolle.")
    assert_no_serious_axe_violations(page)
    page.goto("/admin/ortsteilraete/")
    assert_no_serious_axe_violations(page)
    # Put Rieth under Berliner Platz's council, by keyboard on the real page.
    page.get_by_label("Ortsteilrat für Rieth").select_option(label="Berliner Platz")
    page.get_by_role("button", name="Speichern Rieth").click()
    expect(page.locator("body")).to_contain_text("Ortsteil Rieth wurde geändert.")
    page.goto("/verwaltung/protokoll/")
    expect(page.locator("body")).to_contain_text("Ortsteilrat eines Ortsteils geändert")
    assert_no_serious_axe_violations(page)
