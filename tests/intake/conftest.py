"""Fixtures of the intake tests: recorded WhatsApp media, and a search of the raw database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar

import pytest
from django.core.cache import cache
from django.db import connection

from sigap.intake.gateways import MediaUnavailable, MemorySender


class RecordedMedia:
    """Stands in for the Graph API: media ids → bytes recorded in the test; counts each download."""

    files: ClassVar[dict[str, bytes]] = {}
    fetched: ClassVar[list[str]] = []

    def fetch(self, media_id: str) -> bytes:
        self.fetched.append(media_id)
        if media_id not in self.files:
            raise MediaUnavailable("unknown media id")
        return self.files[media_id]


@pytest.fixture
def recorded_media(settings) -> Iterator[type[RecordedMedia]]:
    settings.SIGAP_WHATSAPP_MEDIA_FETCHER = "tests.intake.conftest.RecordedMedia"
    RecordedMedia.files, RecordedMedia.fetched = {}, []
    yield RecordedMedia
    RecordedMedia.files, RecordedMedia.fetched = {}, []


@pytest.fixture
def outbox() -> Iterator[list[tuple[str, str]]]:
    """The WhatsApp answers sent (the test settings' sender keeps them in a list)."""
    MemorySender.outbox.clear()
    cache.clear()  # rate limits and the purge's timer start afresh
    yield MemorySender.outbox
    MemorySender.outbox.clear()


@pytest.fixture
def find_in_database() -> Callable[[str], list[str]]:
    """The tables whose raw rows contain ``needle`` anywhere, as the database stores them."""

    def find(needle: str) -> list[str]:
        hits = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                for row in cursor.fetchall():
                    for value in row:
                        if isinstance(value, bytes | memoryview):
                            value = bytes(value).decode("latin-1")
                        if needle in str(value):
                            hits.append(table)
        return sorted(set(hits))

    return find
