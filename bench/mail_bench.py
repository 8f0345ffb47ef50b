"""Benchmark for the mail worker: queues 2,000 notification mails (text and HTML part, the
recipient's language, absolute links, List-Unsubscribe) and delivers them with one pass of
``send_due`` over SMTP to a local aiosmtpd server; on SQLite, then on PostgreSQL when it
answers at ``BENCH_POSTGRES_URL`` (scratch database ``quartier_bench_mail``).

Prints mails per second (target: at least 200/s).

Usage: ``.venv/bin/python bench/mail_bench.py``
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import free_port, on_sqlite_and_postgres  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.core.time import utcnow  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.mail import worker  # noqa: E402
from app.mail.models import SENT, MailOutbox  # noqa: E402
from app.proposals import services as proposals  # noqa: E402
from app.proposals.models import Category  # noqa: E402
from app.proposals.services import load_categories  # noqa: E402
from app.workflow.services import load_statuses  # noqa: E402

MAILS = 2000


# The SMTP server runs in a process of its own (as a real MTA would): in the worker's process
# it would compete for the interpreter lock. It prints how many messages it accepted.
SERVER = """
import signal, sys, threading
from aiosmtpd.controller import Controller
class Counting:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Counting.count += 1
        return "250 OK"
controller = Controller(Counting(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
controller.stop()
print(Counting.count, flush=True)
"""


def run(url: str, label: str) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout.readline().strip() == "ready"
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        BASE_URL="https://quartier.example.org",
    )
    try:
        with app.app_context():
            db.create_all()
            load_districts()
            accounts.load_offices()
            load_categories()
            load_statuses()  # the back office opens a work item per proposal
            people = []
            for i in range(20):
                person = accounts.register(f"p{i}@example.org", f"Person {i}", "x" * 12)
                accounts.confirm_email(person)
                person.locale = "en" if i % 2 else "de"
                people.append(person)
            district = db.session.scalars(select(District).limit(1)).one()
            category = db.session.scalars(select(Category).limit(1)).one()
            targets = [
                proposals.create_proposal(
                    people[i],
                    title=f"Vorschlag {i}",
                    description="Mehr Bänke.",
                    category=category,
                    place=proposals.place_from_district(district, ""),
                )
                for i in range(20)
            ]
            db.session.flush()
            now = utcnow()
            db.session.execute(
                MailOutbox.__table__.insert(),
                [
                    {
                        "user_id": people[i % 20].id,
                        "address": people[i % 20].email,
                        "kind": "status_changed",
                        "category": "own",
                        "frequency": "immediately",
                        "payload": {"target_type": "proposal", "target_id": targets[i % 20].id},
                        "idempotency_key": f"bench:{i}",
                        "status": "queued",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                    for i in range(MAILS)
                ],
            )
            db.session.commit()
            started = time.perf_counter()
            counts = worker.send_due()
            elapsed = time.perf_counter() - started
            sent = db.session.scalar(select(func.count()).where(MailOutbox.status == SENT))
            db.session.remove()
            db.engine.dispose()
    finally:
        server.terminate()
        received = int(server.communicate(timeout=30)[0].strip() or 0)
    assert counts["sent"] == sent == received == MAILS, (counts, sent, received)
    print(f"  {label}: {MAILS} mails in {elapsed:.2f} s = {MAILS / elapsed:.0f} mails/s")


if __name__ == "__main__":
    on_sqlite_and_postgres("quartier_bench_mail", run)
