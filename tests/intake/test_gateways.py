"""The gateway adapters without a network: payload parsing, signatures, media download, answers."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from sigap.intake.attachments import MAX_BYTES
from sigap.intake.gateways import (
    GraphMediaFetcher,
    Kind,
    MediaUnavailable,
    WhatsAppMessage,
    WhatsAppSender,
    normalise_msisdn,
    parse_whatsapp,
    secret_equal,
    twilio_signature,
    twilio_signature_valid,
    twiml,
    whatsapp_signature_valid,
)
from tests.intake.payloads import STATUS_CALLBACK, audio_payload, envelope, image_payload, text_payload


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("6281234567890", "+6281234567890"),  # WhatsApp
        ("+62 812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),  # the national form
        ("006281234567890", "+6281234567890"),
        ("+15550783881", "+15550783881"),
        ("", None),
        ("1234", None),  # an operator's short code
        ("+0812345678", None),
        ("1" * 16, None),
    ],
)
def test_phone_numbers_become_e164(raw: str, e164: str | None) -> None:
    assert normalise_msisdn(raw) == e164


def test_a_cloud_api_payload_is_read_message_by_message() -> None:
    text = text_payload("Halo", message_id="wamid.A")
    assert parse_whatsapp(text) == [WhatsAppMessage("6281234567890", "wamid.A", Kind.TEXT, text="Halo")]
    (image,) = parse_whatsapp(image_payload("1290361855015466", caption="iklan"))
    assert (image.kind, image.media_id, image.text) == (Kind.IMAGE, "1290361855015466", "iklan")
    document = envelope(
        {
            "messages": [
                {
                    "from": "6281234567890",
                    "id": "wamid.D",
                    "timestamp": "1764370400",
                    "type": "document",
                    "document": {
                        "caption": "brosur",
                        "filename": "Lowongan Kamboja.pdf",
                        "mime_type": "application/pdf",
                        "sha256": "x",
                        "id": "4455",
                    },
                }
            ]
        }
    )
    assert parse_whatsapp(document) == [
        WhatsAppMessage(
            "6281234567890",
            "wamid.D",
            Kind.DOCUMENT,
            text="brosur",
            media_id="4455",
            filename="Lowongan Kamboja.pdf",
        )
    ]
    assert parse_whatsapp(audio_payload())[0].kind == Kind.UNSUPPORTED
    assert parse_whatsapp(STATUS_CALLBACK) == []


NO_SENDER = {"entry": [{"changes": [{"value": {"messages": [{"id": "wamid.X", "type": "text"}]}}]}]}


@pytest.mark.parametrize("payload", [None, [], "x", {"entry": "x"}, NO_SENDER])
def test_anything_else_is_no_message(payload: Any) -> None:
    assert parse_whatsapp(payload) == []


def test_the_whatsapp_signature_is_an_hmac_of_the_raw_body() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert whatsapp_signature_valid(body, good, "s3cret")
    assert whatsapp_signature_valid(body, good.upper().replace("SHA256=", "sha256="), "s3cret")
    assert not whatsapp_signature_valid(body + b"\n", good, "s3cret")
    assert not whatsapp_signature_valid(body, good, "other")
    assert not whatsapp_signature_valid(body, good[7:], "s3cret")  # without the prefix
    assert not whatsapp_signature_valid(body, "", "s3cret")
    assert not whatsapp_signature_valid(body, "sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest(), "")
    assert not whatsapp_signature_valid(body, "sha256=ü", "s3cret")


def test_twilio_signature_matches_twilios_documented_example() -> None:
    # The worked example of Twilio's webhook security documentation (auth token 12345).
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+12349013030"],
        "Digits": ["1234"],
        "From": ["+12349013030"],
        "To": ["+18005551212"],
    }
    documented = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert twilio_signature(url, params, "12345") == documented
    assert twilio_signature_valid(url=url, params=params, signature=documented, token="12345")
    # Twilio may sign the URL with the default port written out.
    with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert twilio_signature_valid(url=with_port, params=params, signature=documented, token="12345")
    changed = {**params, "Digits": ["9999"]}
    assert not twilio_signature_valid(url=url, params=changed, signature=documented, token="12345")
    assert not twilio_signature_valid(url=url, params=params, signature=documented, token="")
    assert not twilio_signature_valid(url=url, params=params, signature="", token="12345")


def test_shared_secrets_compare_whole_and_never_empty() -> None:
    assert secret_equal("abc", "abc")
    assert not secret_equal("abd", "abc") and not secret_equal("", "") and not secret_equal("ab", "abc")


def test_twiml_escapes_the_message() -> None:
    assert twiml("Kode <A&B>") == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Kode &lt;A&amp;B&gt;</Message></Response>'
    )


class Recorder:
    """An ``urlopen`` stand-in: answers from a list, remembers each request and its timeout."""

    def __init__(self, *answers: bytes | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[urllib.request.Request, float]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append((request, timeout))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(answer)


def test_media_are_fetched_in_two_authenticated_steps() -> None:
    meta = {
        "messaging_product": "whatsapp",
        "url": "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1290361855015466&ext=1",
        "mime_type": "image/jpeg",
        "sha256": "x",
        "file_size": 5,
        "id": "1290361855015466",
    }
    opener = Recorder(json.dumps(meta).encode(), b"\xff\xd8\xff\xe0!")
    fetcher = GraphMediaFetcher(token="EAAG-token", opener=opener, timeout=7)
    assert fetcher.fetch("1290361855015466") == b"\xff\xd8\xff\xe0!"
    (first, t1), (second, t2) = opener.requests
    assert first.full_url == "https://graph.facebook.com/v21.0/1290361855015466"
    assert second.full_url == meta["url"]
    assert first.get_header("Authorization") == second.get_header("Authorization") == "Bearer EAAG-token"
    assert t1 == t2 == 7


def test_a_download_reads_no_more_than_the_upload_limit_allows() -> None:
    huge = b"\xff\xd8\xff" + b"\x00" * (MAX_BYTES + 100)
    opener = Recorder(json.dumps({"url": "https://lookaside.fbsbx.com/x"}).encode(), huge)
    assert len(GraphMediaFetcher(token="t", opener=opener).fetch("1")) == MAX_BYTES + 1


@pytest.mark.parametrize(
    "answers",
    [
        (urllib.error.URLError("down"),),
        (b"not json",),
        (json.dumps({"url": "http://lookaside.fbsbx.com/x"}).encode(),),  # not https
        (json.dumps({"error": {"code": 100}}).encode(),),
        (json.dumps({"url": "https://lookaside.fbsbx.com/x"}).encode(), TimeoutError()),
    ],
)
def test_a_failed_download_is_media_unavailable(answers: tuple[Any, ...]) -> None:
    with pytest.raises(MediaUnavailable):
        GraphMediaFetcher(token="t", opener=Recorder(*answers)).fetch("1290361855015466")


def test_no_token_or_a_strange_id_downloads_nothing() -> None:
    opener = Recorder()
    with pytest.raises(MediaUnavailable):
        GraphMediaFetcher(token="", opener=opener).fetch("1")
    with pytest.raises(MediaUnavailable):
        GraphMediaFetcher(token="t", opener=opener).fetch("../../me/accounts")
    assert opener.requests == []


def test_answers_are_sent_with_the_cloud_api() -> None:
    opener = Recorder(b'{"messaging_product":"whatsapp","messages":[{"id":"wamid.R"}]}')
    WhatsAppSender(token="EAAG-token", phone_number_id="106540352242922", opener=opener).send(
        "+6281234567890", "Terima kasih"
    )
    ((request, timeout),) = opener.requests
    assert request.full_url == "https://graph.facebook.com/v21.0/106540352242922/messages"
    assert request.get_method() == "POST" and request.get_header("Authorization") == "Bearer EAAG-token"
    assert isinstance(request.data, bytes)
    assert json.loads(request.data) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "text",
        "text": {"preview_url": False, "body": "Terima kasih"},
    }
    assert timeout > 0
