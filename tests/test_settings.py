"""Production settings are secure by default; development generates its own local secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({k: str(getattr(settings, k)) for k in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
    "SIGAP_REQUIRE_2FA", "SESSION_COOKIE_NAME", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "PASSWORD_HASHERS"]}))
"""


def _run(settings_module: str, extra_env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SIGAP_VAR_DIR": str(tmp_path / "var"),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=False, cwd=tmp_path
    )


def test_production_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    result = _run("sigap.settings.prod", {}, tmp_path)
    assert result.returncode != 0
    assert "SIGAP_SECRET_KEY must be set" in result.stderr


def test_production_is_secure_by_default(tmp_path: Path) -> None:
    env = {"SIGAP_SECRET_KEY": "x" * 50, "SIGAP_FIELD_KEYS": "k", "SIGAP_HMAC_KEY": "h"}
    result = _run("sigap.settings.prod", env, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] == "False"
    assert values["SESSION_COOKIE_SECURE"] == values["CSRF_COOKIE_SECURE"] == "True"
    assert (
        int(values["SECURE_HSTS_SECONDS"]) >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] == "True"
    )
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert values["SIGAP_REQUIRE_2FA"] == "True"
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert "Argon2PasswordHasher" in values["PASSWORD_HASHERS"].split(",")[0]
    assert not (tmp_path / "var" / "secrets.env").exists(), "production must not generate secrets"


def test_development_generates_local_secrets_once(tmp_path: Path) -> None:
    first = _run("sigap.settings.dev", {}, tmp_path)
    assert first.returncode == 0, first.stderr
    secrets_file = tmp_path / "var" / "secrets.env"
    content = secrets_file.read_text()
    assert "SIGAP_SECRET_KEY=" in content and "SIGAP_FIELD_KEYS=" in content
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    assert _run("sigap.settings.dev", {}, tmp_path).returncode == 0
    assert secrets_file.read_text() == content, "secrets must be stable across runs"


CACHE_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps(settings.CACHES["default"]))
"""


def test_rate_limits_live_in_redis_when_a_cache_url_is_set(tmp_path: Path) -> None:
    """Several web server processes must count one quota: SIGAP_CACHE_URL selects the shared Redis cache."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "sigap.settings.dev",
        "SIGAP_VAR_DIR": str(tmp_path / "var"),
    }
    for extra, backend in (
        ({}, "django.core.cache.backends.locmem.LocMemCache"),
        ({"SIGAP_CACHE_URL": "redis://127.0.0.1:6379/3"}, "sigap.core.cache.RedisCache"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", CACHE_PROBE],
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        cache = json.loads(result.stdout)
        assert cache["BACKEND"] == backend
        assert cache.get("LOCATION", "") == extra.get("SIGAP_CACHE_URL", "")
