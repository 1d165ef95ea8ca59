"""Health check, language switch, security headers, error pages: through the real views."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_the_database(client: Client) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_language_switch_to_english_and_back(client: Client, demo_world) -> None:
    client.force_login(demo_world["kader.lontar"])
    indonesian = client.get(reverse("regions:list")).content.decode()
    assert '<html lang="id">' in indonesian and "<h1>Wilayah</h1>" in indonesian
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("regions:list")})
    assert response.status_code == 302 and response["Location"] == reverse("regions:list")
    english = client.get(reverse("regions:list")).content.decode()
    assert '<html lang="en">' in english and "<h1>Regions</h1>" in english
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "<h1>Wilayah</h1>" in client.get(reverse("regions:list")).content.decode()


def test_strict_security_headers(client: Client, demo_world) -> None:
    client.force_login(demo_world["kader.lontar"])
    response = client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_carry_no_inline_script(client: Client, demo_world) -> None:
    client.force_login(demo_world["admin"])
    for name in ("core:home", "regions:list", "organisations:list", "accounts:list", "audit:list"):
        body = client.get(reverse(name)).content.decode()
        assert "<script>" not in body and " onclick=" not in body and 'style="' not in body, name


def test_region_search_page_finds_lontar_with_its_parents(client: Client, demo_world) -> None:
    client.force_login(demo_world["kader.lontar"])
    body = client.get(reverse("regions:list"), {"q": "lontar"}).content.decode()
    assert "/wilayah/36.04.13.2007/" in body
    assert "Kec. Tirtayasa, Kabupaten Serang, Banten" in body


def test_region_search_is_served_as_a_fragment_to_htmx(client: Client, demo_world) -> None:
    client.force_login(demo_world["kader.lontar"])
    body = client.get(reverse("regions:list"), {"q": "lontar"}, HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body


def test_not_found_page_is_translated_and_plain(client: Client, demo_world) -> None:
    client.force_login(demo_world["kader.lontar"])
    response = client.get("/wilayah/99.99/")
    assert response.status_code == 404
    assert "Tidak ditemukan" in response.content.decode()


def test_stylesheet_is_found_by_the_static_finders() -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("css/sigap.css") is not None


def test_client_ip_behind_a_declared_proxy(rf, settings) -> None:
    from sigap.core.middleware import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.SIGAP_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.SIGAP_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # the left entry is whatever the client claimed


def test_audit_detail_shows_addresses_to_national_roles_only(client: Client, demo_world) -> None:
    from sigap.audit.models import AuditEvent

    event = AuditEvent.objects.filter(region_id="36.04.13.2007").first()
    assert event is not None
    client.force_login(demo_world["supervisor.serang"])
    body = client.get(reverse("audit:detail", kwargs={"pk": event.pk})).content.decode()
    assert "IP" not in body.split("<main", 1)[1]
    client.force_login(demo_world["pusat"])
    body = client.get(reverse("audit:detail", kwargs={"pk": event.pk})).content.decode()
    assert "Alamat IP" in body
