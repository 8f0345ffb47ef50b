"""A council's English name, where it has one: edited on the admin page (audited, bad input
answered in the form), shown on English pages; German pages keep the council's own name."""

from __future__ import annotations

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db


def test_admin_sets_the_english_name_and_english_pages_show_it(client, login, people, districts):
    council = districts["23"].council
    login(people["admin"])
    url = f"/admin/ortsteilraete/rat/{council.slug}/name"
    response = client.post(url, data={f"c{council.id}-name_en": "Moscow Square"})
    assert response.status_code == 302
    db.session.expire_all()
    assert council.name_en == "Moscow Square"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "council.renamed")
    ).one()
    assert entry.after == {"name_en": "Moscow Square"}

    german = client.get("/ortsteile/23").get_data(as_text=True)
    assert "Ortsteilrat Moskauer Platz" in german and "Moscow Square" not in german
    client.post("/sprache", data={"lang": "en"})
    english = client.get("/ortsteile/23").get_data(as_text=True)
    assert "District council Moscow Square" in english

    # emptied: the council's own name again
    client.post(url, data={f"c{council.id}-name_en": "  "})
    db.session.expire_all()
    assert council.name_en is None


def test_too_long_a_name_is_refused_and_kept_in_the_form(client, login, people, districts):
    council = districts["23"].council
    login(people["admin"])
    typed = "x" * 121
    response = client.post(
        f"/admin/ortsteilraete/rat/{council.slug}/name", data={f"c{council.id}-name_en": typed}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Der Name darf höchstens 120 Zeichen haben." in page
    assert f'value="{typed}"' in page
    db.session.expire_all()
    assert council.name_en is None


def test_only_admins_rename(client, login, people, districts):
    council = districts["23"].council
    login(people["mayor"])
    response = client.post(
        f"/admin/ortsteilraete/rat/{council.slug}/name", data={f"c{council.id}-name_en": "X"}
    )
    assert response.status_code == 403
