"""Screenshots of Quartier's key pages at 1280 and 360 px, for docs/screenshots/.

    .venv/bin/python docs/make_screenshots.py [--out docs/screenshots]

Starts the app on a scratch SQLite database with the demo content (``flask setup`` and
``flask demo load``), serves it on a free local port and photographs each page with Playwright
and Chromium (``CHROMIUM_PATH``, default ``/usr/bin/chromium``). No base map (``TILE_URL`` is
empty): the script contacts no tile server. The pictures are JPEG, quality 70, the visible
window only (1280 × 800 and 360 × 740), so each stays well under 200 KB. Run it again when the
look changes and commit the files.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.proposals.models import Proposal  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PLANNER = ("planerin@demo.example.org", "quartier-demo")
SIZES = {"1280": {"width": 1280, "height": 800}, "360": {"width": 360, "height": 740}}


def pages(proposal_id: int) -> list[tuple[str, str, bool]]:
    """(file name, path, as planner)."""
    return [
        ("start", "/", False),
        ("karte", "/karte", False),
        ("vorschlag", f"/vorschlaege/{proposal_id}", False),
        ("barrieren", "/barrieren", False),
        ("ortsteil", "/ortsteile/23", False),
        ("leichte-sprache", "/leichte-sprache/barriere-melden", False),
        ("eingang-planerin", "/verwaltung/eingang/", True),
    ]


def prepare(folder: Path):
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'screenshots.sqlite'}",
        TILE_URL="",
        MAIL_BACKEND="memory",
        UPLOAD_FOLDER=str(folder / "uploads"),
        TILE_CACHE_DIR=str(folder / "tiles"),
        DEBUG=False,
    )
    with app.app_context():
        upgrade()
        runner = app.test_cli_runner()
        for command in (["setup"], ["demo", "load"]):
            result = runner.invoke(args=command)
            if result.exit_code != 0:
                raise SystemExit(f"flask {' '.join(command)} failed:\n{result.output}")
        proposal_id = db.session.scalar(select(Proposal.id).order_by(Proposal.id))
    return app, proposal_id


def log_in(page) -> None:
    page.goto("/anmelden")
    page.locator("main #email").fill(PLANNER[0])
    page.locator("main #password").fill(PLANNER[1])
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url("**/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="quartier-shots-") as tmp:
        app, proposal_id = prepare(Path(tmp))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                for size, viewport in SIZES.items():
                    for planner in (False, True):
                        context = browser.new_context(
                            base_url=base, locale="de-DE", viewport=viewport
                        )
                        page = context.new_page()
                        if planner:
                            log_in(page)
                        for name, path, as_planner in pages(proposal_id):
                            if as_planner != planner:
                                continue
                            page.goto(path)
                            page.wait_for_load_state("networkidle")
                            target = out / f"{name}-{size}.jpg"
                            page.screenshot(path=str(target), type="jpeg", quality=70)
                            print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")
                        context.close()
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=5)


if __name__ == "__main__":
    main()
