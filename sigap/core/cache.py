"""Django's Redis cache with one client object per connection pool instead of one per call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis`` for
every cache operation, and redis-py 8 fills a table of ~170 response callbacks each time. A
``redis.Redis`` is safe to share between threads (each command takes a connection from the pool),
so one per pool behaves the same: a rate-limit check (add + incr) measured 0.20 ms of CPU with
Django's client and 0.10 ms with this one (2,000 pairs against the local Redis, two runs each).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # not in the stubs
        client = self._clients.get(id(pool))
        if client is None:
            with self._clients_lock:
                client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


def count_use(cache: Any, key: str, window: int) -> int:
    """Count one use of ``key`` in a window of ``window`` seconds that starts at its first use, and
    return the count so far: an atomic step, so concurrent requests in several processes cannot
    both take the same last unit of a limit.

    On Redis it is one round trip (``INCR`` and ``EXPIRE … NX`` in one ``MULTI``) where Django's
    ``add`` + ``incr`` take three (``incr`` checks the key exists first); Django stores integers
    unpickled, so ``cache.get`` still reads the count. Other caches (local memory in development)
    use ``add`` + ``incr``.
    """
    if isinstance(cache, RedisCache):
        name = cache.make_and_validate_key(key)
        client = cache._cache.get_client(name, write=True)  # type: ignore[attr-defined]  # not in the stubs
        with client.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window, nx=True)
            used, _expiry = pipe.execute()
        return int(used)
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # the window ran out between add and incr
        cache.set(key, 1, window)
        return 1


def rate_limited(bucket: str, key: str, limit: tuple[int, int], *, hit: bool, store: Any = None) -> bool:
    """True when ``key`` already used up ``limit`` (count, seconds) in ``bucket``; ``hit`` counts one
    more use first. The key is stored hashed (it may be an address or a phone number); counting is
    one atomic step in the shared cache (``count_use``), so concurrent requests in several processes
    cannot both pass on the same last unit. ``store``: another cache than the default (tests)."""
    from django.core.cache import cache as default_cache

    cache = store if store is not None else default_cache
    count, window = limit
    cache_key = "rl:" + bucket + ":" + hashlib.sha256(key.encode()).hexdigest()[:32]
    if not hit:
        return int(cache.get(cache_key, 0)) >= count
    return count_use(cache, cache_key, window) > count
