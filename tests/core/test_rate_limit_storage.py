"""Rate limits are shared between worker processes in production: Redis when ``REDIS_URL`` is
set, and no start with per-process ``memory://`` counters and more than one worker."""

from __future__ import annotations

import os
import runpy
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from app import create_app
from config import BASE_DIR, rate_limit_storage, worker_count

REDIS = "redis://127.0.0.1:6379/3"


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("BASE_URL", "https://quartier.erfurt.de")
    for name in ("RATELIMIT_STORAGE_URI", "REDIS_URL", "WEB_CONCURRENCY"):
        monkeypatch.setenv(name, "")  # recorded, so that teardown restores the original
        monkeypatch.delenv(name)
    return monkeypatch


def production_app():
    return create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")


@pytest.mark.parametrize("workers", ["2", "4"])
def test_production_refuses_memory_storage_with_several_workers(production_env, workers):
    production_env.setenv("WEB_CONCURRENCY", workers)
    with pytest.raises(RuntimeError, match=rf"{workers} worker processes.*REDIS_URL"):
        production_app()


def test_explicit_memory_storage_with_several_workers_is_refused_too(production_env):
    production_env.setenv("WEB_CONCURRENCY", "3")
    production_env.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="shared rate-limit storage"):
        production_app()


def test_one_worker_may_count_in_memory(production_env):
    production_env.setenv("WEB_CONCURRENCY", "1")
    assert production_app().config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_redis_url_becomes_the_storage(production_env):
    production_env.setenv("REDIS_URL", REDIS)
    production_env.setenv("WEB_CONCURRENCY", "4")
    assert production_app().config["RATELIMIT_STORAGE_URI"] == REDIS


def test_an_explicit_storage_wins_over_redis_url(production_env):
    production_env.setenv("REDIS_URL", REDIS)
    production_env.setenv("RATELIMIT_STORAGE_URI", "redis://cache.internal:6379/1")
    assert rate_limit_storage(os.environ) == "redis://cache.internal:6379/1"


def test_worker_count_reads_web_concurrency():
    assert worker_count({}) == 1
    assert worker_count({"WEB_CONCURRENCY": "3"}) == 3
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY"):
        worker_count({"WEB_CONCURRENCY": "many"})


class TestGunicornHook:
    """``gunicorn.conf.py`` sees gunicorn's real worker count (``-w`` included)."""

    @pytest.fixture
    def on_starting(self):
        return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["on_starting"]

    def server(self, workers: int):
        return SimpleNamespace(cfg=SimpleNamespace(workers=workers))

    def test_refuses_before_any_worker_starts(self, production_env, on_starting):
        production_env.setenv("QUARTIER_CONFIG", "production")
        with pytest.raises(RuntimeError, match="4 worker processes"):
            on_starting(self.server(4))

    def test_exports_the_worker_count_for_the_app(self, production_env, on_starting):
        production_env.setenv("QUARTIER_CONFIG", "production")
        production_env.setenv("REDIS_URL", REDIS)
        on_starting(self.server(3))
        assert worker_count(os.environ) == 3

    def test_development_is_not_refused(self, production_env, on_starting):
        production_env.setenv("QUARTIER_CONFIG", "development")
        on_starting(self.server(2))


class TestGunicornTimeout:
    """Long streamed exports are not cut off by gunicorn's 30 s default."""

    def settings(self) -> dict:
        return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    def test_the_file_raises_gunicorns_timeout(self, monkeypatch):
        monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
        config = Config()
        config.set("timeout", self.settings()["timeout"])
        assert config.timeout == 120

    def test_the_environment_changes_it(self, monkeypatch):
        monkeypatch.setenv("GUNICORN_TIMEOUT", "300")
        config = Config()
        config.set("timeout", self.settings()["timeout"])
        assert config.timeout == 300
