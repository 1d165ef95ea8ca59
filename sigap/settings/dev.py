"""Local development: SQLite under var/, secrets generated into var/secrets.env on first run."""

from __future__ import annotations

from sigap.settings.base import *  # noqa: F403
from sigap.settings.env import VAR_DIR, env_bool, local_secrets

_secrets = local_secrets()
SECRET_KEY = _secrets["SIGAP_SECRET_KEY"]
SIGAP_FIELD_KEYS = [_secrets["SIGAP_FIELD_KEYS"]]
SIGAP_HMAC_KEY = _secrets["SIGAP_HMAC_KEY"]
DEBUG = env_bool("SIGAP_DEBUG", True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
