"""Production: secure by default. Every secret comes from the environment; nothing is generated."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from sigap.settings.base import *  # noqa: F403
from sigap.settings.base import SECRET_KEY, SIGAP_FIELD_KEYS, SIGAP_HMAC_KEY, SIGAP_TRUSTED_PROXIES
from sigap.settings.env import env_bool, env_int, env_str

DEBUG = False
for _name, _value in (
    ("SIGAP_SECRET_KEY", SECRET_KEY),
    ("SIGAP_FIELD_KEYS", SIGAP_FIELD_KEYS),
    ("SIGAP_HMAC_KEY", SIGAP_HMAC_KEY),
):
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")

SIGAP_REQUIRE_2FA = env_bool("SIGAP_REQUIRE_2FA", True)
SECURE_SSL_REDIRECT = env_bool("SIGAP_SSL_REDIRECT", True)
if SIGAP_TRUSTED_PROXIES:  # only a declared proxy may tell us the request came over HTTPS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env_int("SIGAP_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
EMAIL_BACKEND = env_str("SIGAP_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
