"""A light proof of work for the public form's JavaScript path (no third-party CAPTCHA).

The form carries a signed, timestamped challenge; the browser looks for a nonce such that
SHA-256(challenge + ":" + nonce) starts with ``BITS`` zero bits (about 16,000 tries: well under a
second on a cheap phone, a real cost for a script sending thousands). A form without JavaScript is
never refused for lacking it: it gets the tighter rate limit instead (see views). A challenge can be
spent once.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing
from django.core.cache import cache

BITS = 14
MAX_AGE = 2 * 60 * 60  # seconds a challenge stays valid (a villager may type slowly)
_SALT = "sigap.intake.pow"


def issue_challenge() -> str:
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_hex(8))


def _leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def verify(challenge: str, nonce: str, *, bits: int = BITS) -> bool:
    """True once for a fresh, untampered challenge whose nonce meets the difficulty."""
    if not challenge or not nonce or len(nonce) > 32:
        return False
    try:
        signing.TimestampSigner(salt=_SALT).unsign(challenge, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if _leading_zero_bits(digest) < bits:
        return False
    # Spent: the same solved challenge cannot vouch for a second submission.
    return bool(cache.add("pow:" + hashlib.sha256(challenge.encode()).hexdigest(), 1, MAX_AGE))
