"""``flask mail send-due`` and the worker loop (stops cleanly on SIGTERM)."""

from __future__ import annotations

import os
import signal
import threading
import time

from app.extensions import db
from app.mail import worker


def test_send_due_command(runner, create_user, proposal_factory, notify, smtp):
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    result = runner.invoke(args=["mail", "send-due"])
    assert result.exit_code == 0 and "sent 1," in result.output
    assert len(smtp.messages) == 1
    assert "sent 0," in runner.invoke(args=["mail", "send-due"]).output


def test_worker_delivers_and_stops_on_sigterm(
    app, monkeypatch, create_user, proposal_factory, notify, smtp
):
    author = create_user()
    notify(author, proposal_factory(author))
    db.session.commit()
    monkeypatch.setattr(db.session, "remove", lambda: None)  # keep the test's session
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.monotonic()
    worker.run_worker(interval=30)  # would sleep 30 s between passes
    assert time.monotonic() - started < 10
    timer.join()
    assert len(smtp.messages) == 1
    assert signal.getsignal(signal.SIGTERM) == previous  # handlers restored
