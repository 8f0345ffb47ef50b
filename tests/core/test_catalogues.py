"""The German and English catalogues are complete: every message in the code and the
templates is in both, translated, and none is fuzzy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with open(pot, "rb") as f:
        return read_po(f)


def _catalogue(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_catalogue_is_complete(extracted, lang):
    catalogue = _catalogue(lang)
    missing = [m.id for m in extracted if m.id and m.id not in catalogue]
    assert not missing, f"{lang}: not in the catalogue (run `make messages`): {missing[:10]}"
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{lang}: untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{lang}: fuzzy: {fuzzy[:10]}"


def test_no_obsolete_entries_hide_in_the_catalogues():
    for lang in ("de", "en"):
        assert not _catalogue(lang).obsolete, f"{lang} has obsolete entries"


def test_german_is_really_german():
    catalogue = _catalogue("de")
    assert catalogue.get("Page not found").string == "Seite nicht gefunden"


def test_every_data_label_has_both_languages(app, districts, categories):
    """Labels stored as data (categories, workflow statuses, offer types, barrier types,
    offices, indicators:
    every table with ``name_de``/``name_en``) have both languages in every seeded row, and
    English pages show the English one."""
    from sqlalchemy import select

    from app.barriers import services as barriers
    from app.demo.indicators import load_demo_indicators
    from app.extensions import db
    from app.workflow import services as workflow

    workflow.load_statuses()
    barriers.load_offer_types()
    load_demo_indicators()
    db.session.flush()
    tables = [
        mapper.class_
        for mapper in db.Model.registry.mappers
        if {"name_de", "name_en"} <= set(mapper.columns.keys())
    ]
    names = {model.__tablename__ for model in tables}
    assert {
        "proposal_categories",
        "workflow_statuses",
        "offer_types",
        "barrier_types",
        "offices",
        "indicators",
    } <= names
    missing = []
    for model in tables:
        rows = db.session.execute(select(model.id, model.name_de, model.name_en)).all()
        assert rows, f"{model.__tablename__} has no seeded rows"
        missing += [
            f"{model.__tablename__} {row.id}: {row.name_de!r} / {row.name_en!r}"
            for row in rows
            if not (row.name_de or "").strip() or not (row.name_en or "").strip()
        ]
    assert not missing, missing


def test_category_labels_follow_the_language(client, login, people, categories):
    login(people["citizen"])
    client.post("/sprache", data={"lang": "en"})
    form = client.get("/vorschlaege/neu").get_data(as_text=True)
    assert '<option value="education">Education</option>' in form
    assert ">Bildung<" not in form
