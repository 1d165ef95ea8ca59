"""The blind index of phone numbers: a keyed HMAC of the E.164 form, for an exact lookup.

The key is ``SIGAP_BLIND_INDEX_KEY`` (separate from the encryption keys; when it is empty a key is
derived from ``SIGAP_HMAC_KEY``). After changing it, ``sigap rotate-keys --rebuild-index`` recomputes
every index from the sealed numbers.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from django.conf import settings

DEFAULT_REGION = "ID"


def normalise_phone(raw: str) -> str:
    """The E.164 form of ``raw`` (Indonesian numbers may be written 0812…), or "" when it is no number."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _key() -> bytes:
    key = getattr(settings, "SIGAP_BLIND_INDEX_KEY", "") or ""
    if key:
        return key.encode("utf-8")
    derived = hmac.new(settings.SIGAP_HMAC_KEY.encode("utf-8"), b"sigap-blind-index-v1", hashlib.sha256)
    return derived.digest()


def phone_index(e164: str) -> str:
    """The index of an E.164 number ("" for none)."""
    if not e164:
        return ""
    return hmac.new(_key(), f"person.phone\x1f{e164}".encode(), hashlib.sha256).hexdigest()
