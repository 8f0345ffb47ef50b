"""gunicorn settings, read automatically when gunicorn starts in this folder.

Quartier's rate limits count in ``RATELIMIT_STORAGE_URI`` (or ``REDIS_URL``). With
``memory://`` each worker process counts on its own, so several workers let through a multiple
of every limit. gunicorn tells the app nothing about its worker count, so this hook does:
before any worker starts it refuses a production start with ``memory://`` and more than one
worker (whether ``-w``, ``--workers``, ``WEB_CONCURRENCY`` or this file set the number), and it
exports the real count as ``WEB_CONCURRENCY``, which the app checks again when it is created.

gunicorn's sync workers end a request that runs longer than ``timeout`` (default 30 s), even
while it streams. A full export (200,000 rows as XLSX) may take longer on a small machine, so
the timeout here is 120 s (``GUNICORN_TIMEOUT`` changes it; ``--timeout`` on the command line
wins over this file).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 120)


def on_starting(server) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from config import check_rate_limit_storage, rate_limit_storage

    workers = int(server.cfg.workers)
    os.environ["WEB_CONCURRENCY"] = str(workers)
    if os.environ.get("QUARTIER_CONFIG") == "production":
        # A RuntimeError here ends gunicorn with "Error: <message>" before any worker starts.
        check_rate_limit_storage(rate_limit_storage(os.environ), workers)
