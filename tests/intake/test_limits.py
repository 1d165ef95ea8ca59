"""Rate limits hold across threads and across processes (web server processes share one Redis cache)."""

from __future__ import annotations

import os
import socket
import threading
import uuid

import pytest
from django.core.cache import cache

from sigap.core.cache import RedisCache
from sigap.core.cache import rate_limited as _limited
from sigap.intake import views

REDIS_URL = os.environ.get("SIGAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    host, _sep, rest = REDIS_URL.removeprefix("redis://").partition(":")
    try:
        with socket.create_connection((host, int(rest.split("/")[0])), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def test_the_limit_admits_exactly_its_count_then_refuses() -> None:
    key = str(uuid.uuid4())
    assert [_limited("submit", key, (3, 60), hit=True) for _ in range(5)] == [False] * 3 + [True] * 2
    assert _limited("submit", key, (3, 60), hit=False)
    assert not _limited("submit", "someone else", (3, 60), hit=False)


def test_concurrent_requests_cannot_share_out_the_last_unit() -> None:
    key, passed, lock = str(uuid.uuid4()), [], threading.Lock()
    start = threading.Barrier(20)

    def one() -> None:
        start.wait()
        if not _limited("submit", key, (10, 60), hit=True):
            with lock:
                passed.append(1)

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 10


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at SIGAP_TEST_REDIS_URL")
def test_two_processes_sharing_redis_grant_one_quota_not_two() -> None:
    """Two web server processes = two cache clients: the eleventh report is refused whichever answers."""
    prefix = f"test-{uuid.uuid4()}"  # same deployment, same prefix; keys expire with their window
    workers = [RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2)]
    address = f"fd00::{uuid.uuid4().int % 65536:x}"
    answers = []
    for i in range(11):
        answers.append(_limited("submit", address, views.SUBMIT_LIMIT, hit=True, store=workers[i % 2]))
    assert answers == [False] * 10 + [True]


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at SIGAP_TEST_REDIS_URL")
def test_on_redis_the_window_starts_at_the_first_use_and_is_not_extended() -> None:
    from sigap.core.cache import count_use

    redis_cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4()}"})
    assert [count_use(redis_cache, "k", 60) for _ in range(3)] == [1, 2, 3]
    name = redis_cache.make_and_validate_key("k")
    client = redis_cache._cache.get_client(name)  # type: ignore[attr-defined]
    assert 0 < client.ttl(name) <= 60
    client.expire(name, 5)
    assert count_use(redis_cache, "k", 60) == 4 and client.ttl(name) <= 5  # not pushed back
    assert redis_cache.get("k") == 4  # Django reads the counter as the integer it is


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at SIGAP_TEST_REDIS_URL")
def test_the_redis_cache_reuses_one_client_per_pool() -> None:
    """Django builds a redis.Redis per call (~0.6 ms of CPU each with redis-py 8); ours keeps one."""
    redis_cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4()}"})
    inner = redis_cache._cache  # type: ignore[attr-defined]
    client = inner.get_client(write=True)
    assert inner.get_client() is client
    assert redis_cache.add("k", 1, 5) and redis_cache.incr("k") == 2 and redis_cache.get("k") == 2
