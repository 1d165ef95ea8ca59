"""Recorded WhatsApp Business Cloud API webhook payloads, shaped as Meta posts them, and their signing.

Message ids, media ids and the envelope's ids follow the real formats; the numbers are made up.
"""

from __future__ import annotations

import hashlib
import hmac
from itertools import count
from typing import Any

SECRET = "test-app-secret"  # SIGAP_WHATSAPP_APP_SECRET in sigap.settings.test
PHONE = "6281234567890"  # as WhatsApp sends it: international, without "+"
_ids = count(1)


def envelope(value: dict[str, Any]) -> dict[str, Any]:
    """The Cloud API webhook envelope around one change."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": "106540352242922",
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def _message_id() -> str:
    return f"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjA{next(_ids):06d}QjI3RDc5AA=="


def text_payload(body: str, *, sender: str = PHONE, message_id: str | None = None) -> dict[str, Any]:
    return envelope(
        {
            "contacts": [{"profile": {"name": "Siti Aminah"}, "wa_id": sender}],
            "messages": [
                {
                    "from": sender,
                    "id": message_id or _message_id(),
                    "timestamp": "1764370000",
                    "text": {"body": body},
                    "type": "text",
                }
            ],
        }
    )


def image_payload(media_id: str, *, caption: str = "", sender: str = PHONE) -> dict[str, Any]:
    image: dict[str, Any] = {
        "mime_type": "image/jpeg",
        "sha256": "J2Ftc2V3aVZpZXdlZElzVGhlU2hhMjU2T2ZUaGVGaWxl",
        "id": media_id,
    }
    if caption:
        image["caption"] = caption
    return envelope(
        {
            "contacts": [{"profile": {"name": "Siti Aminah"}, "wa_id": sender}],
            "messages": [
                {
                    "from": sender,
                    "id": _message_id(),
                    "timestamp": "1764370100",
                    "type": "image",
                    "image": image,
                }
            ],
        }
    )


def audio_payload(sender: str = PHONE) -> dict[str, Any]:
    return envelope(
        {
            "contacts": [{"profile": {"name": "Siti Aminah"}, "wa_id": sender}],
            "messages": [
                {
                    "from": sender,
                    "id": _message_id(),
                    "timestamp": "1764370200",
                    "type": "audio",
                    "audio": {"mime_type": "audio/ogg; codecs=opus", "id": "1122334455", "voice": True},
                }
            ],
        }
    )


STATUS_CALLBACK = envelope(
    {
        "statuses": [
            {
                "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjA5QjVGQjM2MzQ0NTE3QTQ4AA==",
                "status": "delivered",
                "timestamp": "1764370300",
                "recipient_id": PHONE,
                "conversation": {"id": "4c3a0e9d2c1b7f0a", "origin": {"type": "service"}},
                "pricing": {"billable": False, "pricing_model": "PMP", "category": "service"},
            }
        ]
    }
)


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def document_payload(
    media_id: str, filename: str, *, caption: str = "", sender: str = PHONE
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "filename": filename,
        "mime_type": "application/pdf",
        "sha256": "6aUmZS9GEvGkGRf0cbYsw8HKf5FpGj8cWH1W0RMDrWM=",
        "id": media_id,
    }
    if caption:
        document["caption"] = caption
    return envelope(
        {
            "contacts": [{"profile": {"name": "Siti Aminah"}, "wa_id": sender}],
            "messages": [
                {
                    "from": sender,
                    "id": _message_id(),
                    "timestamp": "1764370150",
                    "type": "document",
                    "document": document,
                }
            ],
        }
    )
