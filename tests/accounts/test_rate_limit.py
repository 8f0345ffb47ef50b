"""Login and registration are rate-limited, in memory or in Redis."""

from __future__ import annotations

import uuid

import pytest


def _hammer_login(client, times: int) -> list[int]:
    return [
        client.post(
            "/anmelden", data={"email": "x@example.org", "password": "falsch-falsch"}
        ).status_code
        for _ in range(times)
    ]


class TestMemoryStorage:
    @pytest.fixture
    def app_overrides(self):
        return {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": "3 per minute",
            "RATELIMIT_STORAGE_URI": "memory://",
        }

    def test_login_is_limited(self, client):
        codes = _hammer_login(client, 5)
        assert codes[:3] == [400, 400, 400]
        assert codes[3:] == [429, 429]

    def test_limit_page_is_translated(self, client):
        _hammer_login(client, 4)
        response = client.post("/anmelden", data={})
        assert response.status_code == 429
        assert "Zu viele Versuche" in response.get_data(as_text=True)

    def test_get_is_not_limited(self, client):
        _hammer_login(client, 4)
        assert client.get("/anmelden").status_code == 200


class TestRegistration:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_REGISTER": "2 per minute"}

    def test_registration_is_limited(self, client):
        codes = [client.post("/registrieren", data={}).status_code for _ in range(3)]
        assert codes == [400, 400, 429]


class TestRedisStorage:
    @pytest.fixture
    def app_overrides(self):
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        return {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": "2 per minute",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "RATELIMIT_KEY_PREFIX": f"quartier-test-{uuid.uuid4().hex}",
        }

    def test_login_is_limited_in_redis(self, client, app):
        import redis

        assert _hammer_login(client, 3) == [400, 400, 429]
        keys = redis.Redis.from_url("redis://127.0.0.1:6379/0").keys(
            "*" + app.config["RATELIMIT_KEY_PREFIX"] + "*"
        )
        assert keys, "the counter lives in Redis"
