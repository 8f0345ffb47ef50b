"""The legal and Leichte-Sprache pages: shipped defaults, the city's own files, safe Markdown,
linked from every page's header and footer."""

from __future__ import annotations

import re

import pytest

from app.legal import content
from app.legal.routes import EASY_PAGES

LEGAL_URLS = ("/datenschutz", "/impressum", "/barrierefreiheit")


@pytest.fixture
def app_overrides(tmp_path):
    return {"LEGAL_CONTENT_DIR": str(tmp_path / "legal")}


@pytest.fixture
def own_text(app):
    """``own_text("de", "impressum", "# …")``: the city's file in LEGAL_CONTENT_DIR."""

    def write(lang: str, slug: str, text: str):
        from pathlib import Path

        folder = Path(app.config["LEGAL_CONTENT_DIR"]) / lang
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")

    return write


@pytest.mark.parametrize("url", LEGAL_URLS)
def test_legal_pages_exist_in_german_and_english(client, url):
    german = client.get(url)
    assert german.status_code == 200
    client.post("/sprache", data={"lang": "en"})
    english = client.get(url)
    assert english.status_code == 200
    assert german.get_data(as_text=True) != english.get_data(as_text=True)
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_privacy_page_covers_what_the_law_asks(client):
    text = client.get("/datenschutz").get_data(as_text=True)
    for needed in (
        "Verantwortliche Stelle",
        "Datenschutzbeauftragte",
        "Rechtsgrundlagen",
        "Wie lange wir speichern",
        "Art. 9 DSGVO",
        "Ihre Rechte",
        "Aufsichtsbehörde",
        "mindestens 5 Personen",
    ):
        assert needed in text, needed
    # the rights section links to the account page through the endpoint, not a typed URL
    assert 'href="/konto"' in text


def test_accessibility_statement_has_the_bitv_parts(client):
    text = client.get("/barrierefreiheit").get_data(as_text=True)
    for needed in (
        "Stand der Vereinbarkeit",
        "Was noch nicht barrierefrei ist",
        "Durchsetzungsverfahren",
        "Landesdurchsetzungsstelle für digitale Barrierefreiheit",
        "ThürBarrWebG",
    ):
        assert needed in text, needed
    assert 'href="/barrierefreiheit/barriere-melden"' in text


def test_the_citys_file_replaces_the_default(client, own_text):
    own_text("de", "impressum", "# Impressum\n\nStadt Musterstadt, Markt 1.\n")
    text = client.get("/impressum").get_data(as_text=True)
    assert "Stadt Musterstadt, Markt 1." in text
    assert "Vorlage" not in text  # the shipped template's note is gone


def test_the_citys_german_text_beats_quartiers_english_template(client, own_text):
    own_text("de", "impressum", "# Impressum\n\nNur deutsch.\n")
    client.post("/sprache", data={"lang": "en"})
    text = client.get("/impressum").get_data(as_text=True)
    assert "Nur deutsch." in text and "This page is available in German only." in text
    assert '<article class="legal-text prose" lang="de">' in text
    # without the city's own text, English readers get Quartier's English default
    assert "<h1>Privacy policy</h1>" in client.get("/datenschutz").get_data(as_text=True)


def test_markdown_is_rendered_safely(client, own_text):
    own_text(
        "de",
        "datenschutz",
        "# Datenschutz\n\n<script>alert(1)</script>\n\n"
        "[böse](javascript:alert(2)) [Bild](data:text/html,x) <img src=x onerror=alert(3)>\n\n"
        "[gut](https://example.org) [intern](url:proposals.new) [kaputt](url:no.such_endpoint)\n",
    )
    text = client.get("/datenschutz").get_data(as_text=True)
    body = text[text.index("<main") :]
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert "javascript:" not in body.replace("[böse](javascript:alert(2))", "")
    assert 'href="javascript' not in body and "<img" not in body and 'href="data:' not in body
    assert '<a href="https://example.org">gut</a>' in body
    assert '<a href="/vorschlaege/neu">intern</a>' in body
    assert '<a href="/">kaputt</a>' in body  # unknown endpoint: the start page, not a 500


def test_every_page_links_the_legal_pages_and_leichte_sprache(client, districts):
    for url in ("/", "/karte", "/barrieren", "/ortsteile/23", "/anmelden", "/leichte-sprache/"):
        text = client.get(url).get_data(as_text=True)
        header = text[text.index("<header") : text.index("</header>")]
        footer = text[text.index("<footer") : text.index("</footer>")]
        assert 'href="/leichte-sprache/"' in header, url
        for link in (*LEGAL_URLS, "/barrierefreiheit/barriere-melden?seite="):
            assert f'href="{link}' in footer, (url, link)


def test_feedback_link_carries_the_current_page(client):
    text = client.get("/karte").get_data(as_text=True)
    assert 'href="/barrierefreiheit/barriere-melden?seite=/karte"' in text
    form = client.get("/barrierefreiheit/barriere-melden?seite=/karte").get_data(as_text=True)
    assert re.search(r'name="page_url"[^>]*value="/karte"', form)


def test_registration_links_the_privacy_page(client):
    text = client.get("/registrieren").get_data(as_text=True)
    main = text[text.index("<main") :]
    form = main[main.index("<form") : main.index("</form>")]
    assert 'href="/datenschutz"' in form
    assert form.index('href="/datenschutz"') < form.index('name="accept_privacy"')


@pytest.mark.parametrize("slug", EASY_PAGES)
def test_leichte_sprache_pages(client, slug):
    response = client.get(f"/leichte-sprache/{slug}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'class="easy-read" lang="de"' in text
    # Leichte Sprache: short sentences — no sentence of the shipped text is long
    with client.application.test_request_context():
        page = content.load(slug, content.EASY)
    plain = re.sub(r"<[^>]+>", "\n", str(page.html))
    sentences = [s for s in re.split(r"[.!?:]\s|\n", plain) if s.strip()]
    longest = max(sentences, key=lambda s: len(s.split()))
    assert len(longest.split()) <= 12, longest


def test_leichte_sprache_links_the_real_forms(client):
    texts = "".join(
        client.get(f"/leichte-sprache/{slug}").get_data(as_text=True) for slug in EASY_PAGES
    )
    for href in (
        "/registrieren",
        "/vorschlaege/neu",
        "/barrieren/melden",
        "/konto",
        "/datenschutz",
    ):
        assert f'href="{href}"' in texts, href
    barrier = client.get("/leichte-sprache/barriere-melden").get_data(as_text=True)
    for topic in ("Begleit-Person", "Fahr-Karte", "kein Bus"):
        assert topic in barrier, topic


def test_leichte_sprache_index_lists_every_page_in_order(client):
    text = client.get("/leichte-sprache/").get_data(as_text=True)
    positions = [text.index(f'href="/leichte-sprache/{slug}"') for slug in EASY_PAGES]
    assert positions == sorted(positions)


def test_unknown_leichte_sprache_page_is_404(client):
    assert client.get("/leichte-sprache/datenschutz").status_code == 404
    assert client.get("/leichte-sprache/..%2Fde%2Fimpressum").status_code == 404


def test_english_leichte_sprache_says_german_only(client, english):
    text = client.get("/leichte-sprache/was-ist-quartier").get_data(as_text=True)
    assert "easy-to-read German (Leichte Sprache) only" in text
    assert 'href="/leichte-sprache/"' in text  # the header link stays


class TestSignLanguageVideo:
    def test_hidden_when_unset(self, client):
        assert "<video" not in client.get("/").get_data(as_text=True)

    def test_shown_when_configured(self, client, app, tmp_path):
        media = tmp_path / "media"
        media.mkdir()
        (media / "dgs.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
        app.config.update(
            DGS_VIDEO_URL="/medien/dgs.mp4",
            DGS_VIDEO_CAPTIONS_URL="/medien/dgs.vtt",
            MEDIA_FOLDER=str(media),
        )
        text = client.get("/").get_data(as_text=True)
        assert '<video controls preload="none" src="/medien/dgs.mp4"' in text
        assert '<track kind="captions" src="/medien/dgs.vtt"' in text
        assert "Deutscher Gebärdensprache (DGS)" in text
        served = client.get("/medien/dgs.mp4")
        assert served.status_code == 200 and served.data.startswith(b"\x00\x00\x00\x18ftyp")
        assert client.get("/medien/%2e%2e/" + "config.py").status_code == 404  # no way out
