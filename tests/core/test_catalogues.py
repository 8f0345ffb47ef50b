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
