"""The outside world's side of the WhatsApp and SMS channels: formats, signatures, fetching, sending.

Nothing here touches the database. The webhooks (``sigap.intake.webhooks``) check a request with the
functions below before reading it, and hand the parsed messages to the services in
``sigap.intake.channels``.

* WhatsApp Business Cloud API: :func:`parse_whatsapp` reads a webhook payload,
  :func:`whatsapp_signature_valid` checks ``X-Hub-Signature-256``, :class:`GraphMediaFetcher` downloads
  a media message and :class:`WhatsAppSender` answers.
* SMS: :func:`twilio_signature_valid` checks ``X-Twilio-Signature`` and :func:`twiml` writes the
  answer; the generic gateway shares a token (:func:`secret_equal`).

The HTTP calls use ``urllib.request`` with a timeout behind an ``opener`` argument, so tests hand in
recorded answers and nothing here needs a network in tests. Which fetcher and which sender run is
configuration (``SIGAP_WHATSAPP_MEDIA_FETCHER``, ``SIGAP_WHATSAPP_SENDER``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol
from urllib.parse import quote, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from sigap.intake.attachments import MAX_BYTES

GRAPH_URL = "https://graph.facebook.com/v21.0"
HTTP_TIMEOUT = 15  # seconds, for each call to the Graph API
WHATSAPP_TEXT_MAX = 4096  # the Cloud API's limit for a text message body
_MEDIA_ID = re.compile(r"[0-9A-Za-z_.\-]{1,128}")

Opener = Callable[..., Any]


# --- phone numbers --------------------------------------------------------------------------------


def normalise_msisdn(raw: str) -> str | None:
    """A phone number as E.164 (``+6281234567890``), or None when it is not one.

    WhatsApp sends international numbers without the ``+``; SMS gateways send ``+62…``, ``0062…``
    or the Indonesian national form ``0812…``, which becomes ``+62812…``.
    """
    raw = (raw or "").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    elif not raw.startswith("+") and digits.startswith("0"):
        digits = "62" + digits[1:]
    if not 6 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return "+" + digits


# --- WhatsApp Cloud API: the webhook --------------------------------------------------------------


class Kind:
    TEXT = "text"
    IMAGE = "image"
    DOCUMENT = "document"
    UNSUPPORTED = "unsupported"  # voice notes, videos, stickers, locations, contacts…
    IGNORED = "ignored"  # reactions and system notices: nothing to answer


@dataclass(frozen=True)
class WhatsAppMessage:
    """One inbound message of a webhook payload, reduced to what the conversation needs."""

    sender: str  # ``from``: the international number without "+"
    message_id: str  # ``id`` ("wamid.…"): the same on every redelivery
    kind: str
    text: str = ""  # the text, or the caption of a photo or document
    media_id: str = ""
    filename: str = ""  # documents only


def whatsapp_signature_valid(body: bytes, header: str, secret: str) -> bool:
    """``X-Hub-Signature-256`` is ``sha256=`` + HMAC-SHA256(app secret, raw body), in hex."""
    if not secret or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), header.strip().lower().encode("utf-8"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_whatsapp(payload: Any) -> list[WhatsAppMessage]:
    """The messages in a Cloud API webhook payload (``entry[].changes[].value.messages[]``).

    Status callbacks (``value.statuses``: sent, delivered, read) carry no message and give an empty
    list; so does anything that is not the expected shape.
    """
    messages = []
    for entry in _list(_dict(payload).get("entry")):
        for change in _list(_dict(entry).get("changes")):
            for raw in _list(_dict(_dict(change).get("value")).get("messages")):
                message = _parse_message(_dict(raw))
                if message is not None:
                    messages.append(message)
    return messages


def _parse_message(raw: dict[str, Any]) -> WhatsAppMessage | None:
    sender, message_id, kind = _str(raw.get("from")), _str(raw.get("id")), _str(raw.get("type"))
    if not sender or not message_id:
        return None
    if kind == "text":
        return WhatsAppMessage(sender, message_id, Kind.TEXT, text=_str(_dict(raw.get("text")).get("body")))
    if kind in ("image", "document"):
        media = _dict(raw.get(kind))
        return WhatsAppMessage(
            sender,
            message_id,
            Kind.IMAGE if kind == "image" else Kind.DOCUMENT,
            text=_str(media.get("caption")),
            media_id=_str(media.get("id")),
            filename=_str(media.get("filename")),
        )
    if kind in ("reaction", "system", "ephemeral", "request_welcome"):
        return WhatsAppMessage(sender, message_id, Kind.IGNORED)
    return WhatsAppMessage(sender, message_id, Kind.UNSUPPORTED)


# --- WhatsApp Cloud API: media --------------------------------------------------------------------


class MediaUnavailable(Exception):
    """A media message could not be downloaded (expired id, Graph API down, not configured)."""


class MediaFetcher(Protocol):
    def fetch(self, media_id: str) -> bytes:
        """The file's bytes, at most ``MAX_BYTES`` + 1 of them (the upload gate refuses more)."""
        ...


class GraphMediaFetcher:
    """Downloads a media message: ``GET /{media_id}`` gives a short-lived URL, then that URL.

    Both calls carry the access token ``SIGAP_WHATSAPP_TOKEN``; neither reads more than it needs.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        opener: Opener | None = None,
        timeout: float = HTTP_TIMEOUT,
        graph_url: str = GRAPH_URL,
    ) -> None:
        self.token = settings.SIGAP_WHATSAPP_TOKEN if token is None else token
        self.opener = opener or urllib.request.urlopen
        self.timeout = timeout
        self.graph_url = graph_url

    def fetch(self, media_id: str) -> bytes:
        if not self.token:
            raise MediaUnavailable("SIGAP_WHATSAPP_TOKEN is not set")
        if not _MEDIA_ID.fullmatch(media_id):
            raise MediaUnavailable("not a media id")
        try:
            meta = json.loads(self._get(f"{self.graph_url}/{quote(media_id)}", 64 * 1024))
        except ValueError as exc:
            raise MediaUnavailable("the Graph API answered something that is not JSON") from exc
        url = _str(_dict(meta).get("url"))
        if urlsplit(url).scheme != "https":
            raise MediaUnavailable("the Graph API gave no https URL for the media")
        return self._get(url, MAX_BYTES + 1)

    def _get(self, url: str, limit: int) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - https URLs only (checked above)
            url, headers={"Authorization": f"Bearer {self.token}", "User-Agent": "SIGAP"}
        )
        try:
            with self.opener(request, timeout=self.timeout) as response:
                data: bytes = response.read(limit)
        except (urllib.error.URLError, OSError) as exc:
            raise MediaUnavailable(f"download failed: {exc.__class__.__name__}") from exc
        return data


def media_fetcher() -> MediaFetcher:
    fetcher: MediaFetcher = import_string(settings.SIGAP_WHATSAPP_MEDIA_FETCHER)()
    return fetcher


# --- WhatsApp Cloud API: answering ----------------------------------------------------------------


class WhatsAppSender:
    """Sends a text message with the Cloud API: ``POST /{phone_number_id}/messages``.

    Has the ``send(to, body)`` of ``sigap.core.notify.MessageSender``; errors are raised, the caller
    logs them (a failed answer must not make WhatsApp deliver the inbound message again).
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        phone_number_id: str | None = None,
        opener: Opener | None = None,
        timeout: float = HTTP_TIMEOUT,
        graph_url: str = GRAPH_URL,
    ) -> None:
        self.token = settings.SIGAP_WHATSAPP_TOKEN if token is None else token
        self.phone_number_id = (
            settings.SIGAP_WHATSAPP_PHONE_NUMBER_ID if phone_number_id is None else phone_number_id
        )
        self.opener = opener or urllib.request.urlopen
        self.timeout = timeout
        self.graph_url = graph_url

    def send(self, to: str, body: str) -> None:
        if not self.token or not self.phone_number_id:
            raise ImproperlyConfigured("SIGAP_WHATSAPP_TOKEN and SIGAP_WHATSAPP_PHONE_NUMBER_ID must be set")
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "text",
            "text": {"preview_url": False, "body": body[:WHATSAPP_TEXT_MAX]},
        }
        request = urllib.request.Request(  # noqa: S310 - a fixed https URL
            f"{self.graph_url}/{quote(self.phone_number_id)}/messages",
            data=json.dumps(payload).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "User-Agent": "SIGAP",
            },
            method="POST",
        )
        with self.opener(request, timeout=self.timeout) as response:
            response.read(64 * 1024)


class MemorySender:
    """Keeps answers in a list instead of sending them (tests; like Django's ``mail.outbox``)."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, to: str, body: str) -> None:
        self.outbox.append((to, body))


class Sender(Protocol):
    def send(self, to: str, body: str) -> None: ...


def whatsapp_sender() -> Sender:
    """The configured answerer: the Cloud API in production, the outbox file in development."""
    sender: Sender = import_string(settings.SIGAP_WHATSAPP_SENDER)()
    return sender


# --- SMS ------------------------------------------------------------------------------------------


def secret_equal(given: str, expected: str) -> bool:
    """A shared secret compared in constant time; an empty expected secret matches nothing."""
    return bool(expected) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def twilio_signature(url: str, params: Mapping[str, Iterable[str]], token: str) -> str:
    """Twilio's request signature: base64(HMAC-SHA1(auth token, URL + each key and value, sorted))."""
    signed = url
    for key in sorted(params):
        for value in sorted(set(params[key])):
            signed += key + value
    mac = hmac.new(token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def twilio_signature_valid(
    *, url: str, params: Mapping[str, Iterable[str]], signature: str, token: str
) -> bool:
    """Checks ``X-Twilio-Signature``; the URL with and without its default port, as Twilio signs either."""
    if not token or not signature:
        return False
    given = signature.strip().encode("utf-8")
    return any(
        hmac.compare_digest(twilio_signature(candidate, params, token).encode("ascii"), given)
        for candidate in _url_variants(url)
    )


def _url_variants(url: str) -> list[str]:
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    host = parts.hostname or ""
    if default is None or not host:
        return [url]
    if parts.port in (None, default):
        with_port = parts._replace(netloc=f"{host}:{default}")
        without = parts._replace(netloc=host)
        return [url, urlunsplit(without), urlunsplit(with_port)]
    return [url]


def twiml(message: str) -> str:
    """A TwiML answer that sends ``message`` back as one SMS."""
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(message)}</Message></Response>'
