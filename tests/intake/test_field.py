"""The field app (PWA): queued reports from a phone are stored exactly once."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sigap.intake.models import Channel, Report

pytestmark = pytest.mark.django_db

STORY = "Ada rombongan 6 pemuda menunggu di dermaga malam ini, katanya mau ke Malaysia tanpa paspor."


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queued(key: str) -> str:
    return json.dumps(
        {
            "idempotency_key": key,
            "text": STORY,
            "consent": True,
            "desa_code": "36.04.13.2007",
            "identity_tier": "anonim",
        }
    )


def test_a_queued_report_replayed_is_stored_once(demo_world) -> None:
    kader = demo_world["kader.lontar"]
    client = _client(kader)
    url = reverse("api:field_report_submit")
    first = client.post(url, _queued("phone-key-0001"), content_type="application/json")
    again = client.post(url, _queued("phone-key-0001"), content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["id"] == first.json()["id"]
    report = Report.objects.get()
    assert report.channel == Channel.PWA and report.submitted_by == kader
    # Another phone's report with its own key is a new report.
    assert client.post(url, _queued("phone-key-0002"), content_type="application/json").status_code == 201
    assert Report.objects.count() == 2


def test_partners_and_strangers_cannot_file_field_reports(demo_world) -> None:
    url = reverse("api:field_report_submit")
    mitra = _client(demo_world["mitra.polres"])
    assert mitra.post(url, _queued("phone-key-0003"), content_type="application/json").status_code == 403
    assert Client().post(url, _queued("phone-key-0004"), content_type="application/json").status_code == 401
    assert not Report.objects.exists()


def test_the_form_without_javascript_files_once_and_shows_the_receipt(demo_world) -> None:
    client = _client(demo_world["pimpasa.tirtayasa"])
    page = client.get(reverse("intake:field")).content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {
        "text": STORY,
        "desa_code": "36.04.13.2007",
        "identity_tier": "anonim",
        "consent": "on",
        "idempotency_key": key,
    }
    response = client.post(reverse("intake:field"), data, follow=True)
    assert re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}, PIN [0-9]{6}", response.content.decode())
    client.post(reverse("intake:field"), data)  # the same form sent twice (a double tap)
    assert Report.objects.filter(channel=Channel.PWA).count() == 1


def test_the_service_worker_and_manifest(demo_world) -> None:
    sw = Client().get(reverse("intake:field_sw"))
    assert sw["Content-Type"].startswith("text/javascript") and sw["Service-Worker-Allowed"] == "/lapangan/"
    assert b"sigap-field-" in sw.content and b"/static/js/field.js" in sw.content
    manifest = Client().get(reverse("intake:field_manifest")).json()
    assert manifest["start_url"] == "/lapangan/" and manifest["display"] == "standalone"


def test_the_service_worker_caches_every_script_and_stylesheet_of_the_page(demo_world) -> None:
    """Offline the page is served from the worker's cache, and so must be all it loads: the browser's
    HTTP cache may be long gone by then (the htmx of base.html was missing once)."""
    page = _client(demo_world["kader.lontar"]).get(reverse("intake:field")).content.decode()
    loaded = set(re.findall(r'<script[^>]* src="([^"]+)"', page))
    loaded |= set(re.findall(r'<link[^>]* rel="stylesheet"[^>]* href="([^"]+)"', page))
    loaded |= set(re.findall(r'<link[^>]* href="([^"]+)"[^>]* rel="stylesheet"', page))
    assert "/static/js/field.js" in loaded and "/static/css/sigap.css" in loaded
    worker = Client().get(reverse("intake:field_sw")).content.decode()
    assets = set(re.findall(r'"(/static/[^"]+)"', worker.split("const ASSETS = [", 1)[1].split("];", 1)[0]))
    assert loaded <= assets, f"not cached for offline use: {sorted(loaded - assets)}"
