"""Personal data at rest: field encryption (Fernet, rotating keys) and keyed digests.

Identities of reporters, victims and suspects are stored only as Fernet tokens (AES-128-CBC +
HMAC-SHA256) under ``SIGAP_FIELD_KEYS``; the first key encrypts, every key decrypts, so keys rotate
without downtime (:func:`reseal_if_stale`, which ``core.rotation`` runs on every sealed column).
Nothing here decides who may read: services and selectors call :func:`unseal` only after the access
check, and audit the read.

Receipt codes, PINs and exact-match lookups (a phone number) are stored as HMAC-SHA256 digests under
``SIGAP_HMAC_KEY``: the database alone cannot be brute-forced into the codes.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    if not keys:
        raise ImproperlyConfigured("SIGAP_FIELD_KEYS is empty: personal data cannot be stored")
    return tuple(Fernet(key.encode() if isinstance(key, str) else key) for key in keys)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(_fernets(keys))


def _keys() -> tuple[str, ...]:
    return tuple(settings.SIGAP_FIELD_KEYS)


def seal(text: str) -> str:
    """The encrypted token of ``text`` ("" stays "": nothing to hide, nothing stored)."""
    if not text:
        return ""
    return _fernet(_keys()).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The plain text of a token written by :func:`seal` under any configured key."""
    if not token:
        return ""
    try:
        return _fernet(_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # a key was removed before its data was rotated
        raise ImproperlyConfigured("a personal-data field cannot be decrypted with SIGAP_FIELD_KEYS") from exc


def reseal_if_stale(token: str) -> str | None:
    """``token`` re-encrypted under the first key, or None when it already is under it (or empty).

    A token the first key opens is current. Any other is re-encrypted by ``MultiFernet.rotate``,
    which opens it with the key that can and keeps its timestamp; on the way the first key refuses
    it once more at its signature check (an HMAC, no decryption), so no token is decrypted twice."""
    if not token:
        return None
    raw = token.encode("ascii")
    try:
        _fernets(_keys())[0].decrypt(raw)
    except InvalidToken:
        pass
    else:
        return None
    try:
        return _fernet(_keys()).rotate(raw).decode("ascii")
    except InvalidToken as exc:  # a key was removed before its data was rotated
        raise ImproperlyConfigured("a personal-data field cannot be decrypted with SIGAP_FIELD_KEYS") from exc


def digest(purpose: str, *parts: str) -> str:
    """A keyed digest of ``parts`` for ``purpose`` (hex, 64 characters); equal inputs, equal digests."""
    key = settings.SIGAP_HMAC_KEY.encode("utf-8")
    message = "\x1f".join((purpose, *parts)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
