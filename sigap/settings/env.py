"""Reading settings from the environment, and the local secrets file under var/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SIGAP_VAR_DIR", BASE_DIR / "var"))
SECRETS_FILE = VAR_DIR / "secrets.env"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _read_secrets_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


def local_secrets() -> dict[str, str]:
    """Secrets for a local (dev) installation, generated into var/secrets.env on first use.

    Production never calls this: it reads the same names from the environment and refuses to start
    without them.
    """
    values = _read_secrets_file(SECRETS_FILE)
    wanted = {
        "SIGAP_SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "SIGAP_FIELD_KEYS": lambda: Fernet.generate_key().decode(),
        "SIGAP_HMAC_KEY": lambda: secrets.token_urlsafe(32),
    }
    missing = {name: make() for name, make in wanted.items() if name not in values}
    if missing:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        values.update(missing)
        tmp = SECRETS_FILE.with_suffix(".tmp")
        tmp.write_text(
            "# Generated on first run for this machine only. Never commit, never share.\n"
            + "".join(f"{k}={v}\n" for k, v in values.items()),
            encoding="utf-8",
        )
        tmp.chmod(0o600)
        tmp.replace(SECRETS_FILE)
    return values
