"""Tests: fast hashing, in-process tasks, fixed throwaway keys. DATABASE_URL selects PostgreSQL."""

from __future__ import annotations

from sigap.settings.base import *  # noqa: F403
from sigap.settings.base import DATABASES
from sigap.settings.env import env_bool, env_str

SECRET_KEY = "test-only-secret-key-not-for-any-real-use-0123456789"  # noqa: S105
SIGAP_FIELD_KEYS = ["2dWxvGX0qXrWQ7hZ1r7bo1cb8fF0Gf0m7UQhJmXvK3w="]
SIGAP_HMAC_KEY = "test-only-hmac-key"
# The webhooks are configured in tests (one test checks the 503 of an unconfigured one); answers
# go to a list, never to a network.
SIGAP_WHATSAPP_VERIFY_TOKEN = "test-verify-token"  # noqa: S105
SIGAP_WHATSAPP_APP_SECRET = "test-app-secret"  # noqa: S105
SIGAP_WHATSAPP_TOKEN = ""
SIGAP_WHATSAPP_SENDER = "sigap.intake.gateways.MemorySender"
SIGAP_SMS_TOKEN = "test-sms-token"  # noqa: S105
SIGAP_TWILIO_AUTH_TOKEN = "test-twilio-token"  # noqa: S105
SIGAP_TWILIO_WEBHOOK_URL = ""
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SIGAP_ANALYSE_ON_COMMIT = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# tests/browser drive Debian's chromium (never a browser downloaded by Playwright); they skip without it,
# unless SIGAP_BROWSER_TESTS_REQUIRED is set (CI sets it: there a skip would hide a missing browser).
SIGAP_CHROMIUM = env_str("SIGAP_CHROMIUM", "/usr/bin/chromium")
SIGAP_BROWSER_TESTS_REQUIRED = env_bool("SIGAP_BROWSER_TESTS_REQUIRED", False)
