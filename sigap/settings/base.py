"""Settings shared by every environment. Environment-specific files import * from here."""

from __future__ import annotations

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sigap.settings.env import BASE_DIR, VAR_DIR, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SIGAP_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("SIGAP_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "sigap.core.apps.SigapAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "ninja",
    "sigap.core",
    "sigap.regions",
    "sigap.organisations",
    "sigap.accounts",
    "sigap.audit",
    "sigap.intake",
    "sigap.cases",
    "sigap.persons",
    "sigap.exports",
    "sigap.referrals",
    "sigap.education",
    "sigap.programme",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sigap.accounts.middleware.TwoFactorEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sigap.core.middleware.RequestContextMiddleware",
    # Last, so that it sees every failed login the views above report.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sigap.urls"
WSGI_APPLICATION = "sigap.wsgi.application"
ASGI_APPLICATION = "sigap.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sigap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "sigap.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# Embedded SQLite under var/ by default (WAL, immediate transactions so the web process and the task
# worker never hit "database is locked" on lock upgrade); DATABASE_URL switches to PostgreSQL.
SQLITE_PATH = VAR_DIR / "sigap.sqlite3"
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=env_int("SIGAP_CONN_MAX_AGE", 60))
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: the per-address and per-receipt rate limits live here ---------------------------------
# Every web process must see the same counts, or each web server process grants its own quota:
# SIGAP_CACHE_URL (redis://host:6379/0) puts them in Redis for a deployment with several workers.
# Without it, the local-memory cache serves `make run` (one process) and the tests.
_cache_url = env_str("SIGAP_CACHE_URL")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "sigap.core.cache.RedisCache",  # Django's, with its client reused
            "LOCATION": _cache_url,
            "KEY_PREFIX": "sigap",
            # A cache that does not answer must not hold a report up for long.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work -----------------------------------------------------------------------------
# `sigap worker` reads new reports in batches (the reports table is the queue; no broker). With this
# on, each submission is read right after it commits, in the submitting process (tests; a deployment
# that runs no worker).
SIGAP_ANALYSE_ON_COMMIT = env_bool("SIGAP_ANALYSE_ON_COMMIT", False)
SIGAP_WORKER_IDLE_SECONDS = 0.25  # how long the worker sleeps when nothing is waiting
# How often the worker looks for cases whose response has become overdue (sigap.cases).
SIGAP_ESCALATION_SECONDS = env_int("SIGAP_ESCALATION_SECONDS", 60)

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session lives SESSION_COOKIE_AGE seconds after the last request.
SESSION_COOKIE_AGE = env_int("SIGAP_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account at one address after 5 failures for an hour.
AXES_FAILURE_LIMIT = env_int("SIGAP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # axes logs usernames at INFO otherwise; no personal data in logs
# Reverse proxies in front of the app (0 = none). The audit trail and the lockout then use the
# address the outermost trusted proxy saw, not the proxy's own.
SIGAP_TRUSTED_PROXIES = env_int("SIGAP_TRUSTED_PROXIES", 0)
if SIGAP_TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = SIGAP_TRUSTED_PROXIES
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Two-factor (TOTP) for officer roles. Enforced in prod; optional in dev so the demo is one step.
SIGAP_REQUIRE_2FA = env_bool("SIGAP_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "SIGAP"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows TOTP secrets

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sigap" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "sigap" / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers -----------------------------------------------------------------------------
# A strict Content Security Policy: everything from our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Logging: structured enough to operate, never personal data -----------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SIGAP_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry query strings (names typed into search); keep them at WARNING.
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- SIGAP ----------------------------------------------------------------------------------------
SIGAP_VAR_DIR = VAR_DIR
SIGAP_DEFAULT_CODE_VERSION = "kepmendagri_2025"
SIGAP_FIELD_KEYS = env_list("SIGAP_FIELD_KEYS", [])
SIGAP_HMAC_KEY = env_str("SIGAP_HMAC_KEY")
#: The blind index of persons' phone numbers (keyed HMAC); empty: derived from SIGAP_HMAC_KEY.
SIGAP_BLIND_INDEX_KEY = env_str("SIGAP_BLIND_INDEX_KEY")
#: Bumped with the field app's cached files: a new value makes phones fetch them again.
SIGAP_ASSET_VERSION = "2026-11-29.2"
#: Alerts by email: printed to the console unless a deployment configures SMTP (prod does).
EMAIL_BACKEND = env_str("SIGAP_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("SIGAP_FROM_EMAIL", "SIGAP <noreply@sigap.invalid>")
#: Where WhatsApp/SMS alerts go: a class with ``send(to, body)``; the default writes var/outbox.jsonl.
SIGAP_MESSAGE_SENDER = env_str("SIGAP_MESSAGE_SENDER", "sigap.core.notify.FileSender")
#: Hotlines printed on posters and shown on the public pages: "name|number" items, comma-separated.
SIGAP_HOTLINES = env_list(
    "SIGAP_HOTLINES",
    ["Kantor Imigrasi Serang (WhatsApp)|0811-1234-5678", "Polisi|110", "SAPA 129 (perempuan dan anak)|129"],
)

# --- WhatsApp and SMS channels (issue #4) ---------------------------------------------------------
# Each webhook answers 503 "not configured" while its secret is empty; unsigned posts are never taken.
#: WhatsApp Business Cloud API: the verify token typed into the Meta app's webhook settings, the app
#: secret that signs each delivery (X-Hub-Signature-256), the access token for media and answers,
#: and the id of the business phone number that answers.
SIGAP_WHATSAPP_VERIFY_TOKEN = env_str("SIGAP_WHATSAPP_VERIFY_TOKEN")
SIGAP_WHATSAPP_APP_SECRET = env_str("SIGAP_WHATSAPP_APP_SECRET")
SIGAP_WHATSAPP_TOKEN = env_str("SIGAP_WHATSAPP_TOKEN")
SIGAP_WHATSAPP_PHONE_NUMBER_ID = env_str("SIGAP_WHATSAPP_PHONE_NUMBER_ID")
#: Who answers on WhatsApp: the Cloud API once a token is set, else the outbox file (development).
SIGAP_WHATSAPP_SENDER = env_str(
    "SIGAP_WHATSAPP_SENDER",
    "sigap.intake.gateways.WhatsAppSender" if SIGAP_WHATSAPP_TOKEN else "sigap.core.notify.FileSender",
)
SIGAP_WHATSAPP_MEDIA_FETCHER = env_str(
    "SIGAP_WHATSAPP_MEDIA_FETCHER", "sigap.intake.gateways.GraphMediaFetcher"
)
#: A generic SMS gateway posts with this shared secret in X-SIGAP-Token.
SIGAP_SMS_TOKEN = env_str("SIGAP_SMS_TOKEN")
#: Twilio: the account's auth token signs each post (X-Twilio-Signature) over the webhook's URL;
#: set the URL exactly as configured at Twilio when a proxy changes the scheme, host or port.
SIGAP_TWILIO_AUTH_TOKEN = env_str("SIGAP_TWILIO_AUTH_TOKEN")
SIGAP_TWILIO_WEBHOOK_URL = env_str("SIGAP_TWILIO_WEBHOOK_URL")
