"""Webhooks of the WhatsApp and SMS channels: authenticate, parse, hand over, answer.

Each webhook checks its gateway's signature or shared secret on the raw request before reading
anything, answers 403 and stores nothing when it does not match, and answers 503 "not configured"
while its secret is empty: an unsigned post is never accepted. They are exempt from CSRF (gateways
have no session); a signed-in officer's session gives no access either.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sigap.core.cache import rate_limited
from sigap.core.exceptions import ApplicationError
from sigap.intake.channels import channels_purge, sender_key, sms_receive, whatsapp_receive
from sigap.intake.gateways import (
    normalise_msisdn,
    parse_whatsapp,
    secret_equal,
    twilio_signature_valid,
    twiml,
    whatsapp_sender,
    whatsapp_signature_valid,
)

log = logging.getLogger(__name__)

#: Per-sender limits (count, seconds). A WhatsApp report takes about five messages.
WHATSAPP_LIMIT = (40, 10 * 60)
SMS_LIMIT = (5, 60 * 60)


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _not_configured() -> HttpResponse:
    return _plain("not configured", 503)


def _forbidden() -> HttpResponse:
    return _plain("forbidden", 403)


def _status_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("intake:status"))


# --- WhatsApp -------------------------------------------------------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    """The WhatsApp Business Cloud API webhook: GET verifies the subscription, POST delivers."""
    if request.method == "GET":
        return _whatsapp_verify(request)
    secret = settings.SIGAP_WHATSAPP_APP_SECRET
    if not secret:
        return _not_configured()
    if not whatsapp_signature_valid(request.body, request.headers.get("X-Hub-Signature-256", ""), secret):
        log.warning("WhatsApp webhook: bad or missing signature")
        return _forbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return _plain("not JSON", 400)
    channels_purge()
    status_url = _status_url(request)
    sender = whatsapp_sender()
    with translation.override(settings.LANGUAGE_CODE):
        for message in parse_whatsapp(payload):
            e164 = normalise_msisdn(message.sender)
            if e164 is None or rate_limited("wa", sender_key("wa", e164), WHATSAPP_LIMIT, hit=True):
                continue
            answer = whatsapp_receive(message=message, status_url=status_url)
            for body in answer.replies:
                try:
                    sender.send(answer.to, body)
                except Exception:  # the message is stored; a redelivery would not answer again
                    log.exception("WhatsApp answer could not be sent")
    return _plain("ok", 200)


def _whatsapp_verify(request: HttpRequest) -> HttpResponse:
    token = settings.SIGAP_WHATSAPP_VERIFY_TOKEN
    if not token:
        return _not_configured()
    challenge = request.GET.get("hub.challenge", "")
    if (
        request.GET.get("hub.mode") != "subscribe"
        or not secret_equal(request.GET.get("hub.verify_token", ""), token)
        or not challenge
        or len(challenge) > 200
    ):
        return _forbidden()
    return _plain(challenge, 200)


# --- SMS ------------------------------------------------------------------------------------------


def _sms_fields(request: HttpRequest) -> dict[str, str]:
    """``from``, ``text`` and an optional ``id`` from a form or a JSON body."""
    if request.content_type == "application/json":
        try:
            data: Any = json.loads(request.body)
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {key: str(data.get(key) or "") for key in ("from", "text", "id")}
    return {key: request.POST.get(key, "") for key in ("from", "text", "id")}


def _sms_limited(sender: str) -> bool:
    e164 = normalise_msisdn(sender) or sender.strip()
    return rate_limited("sms", sender_key("sms", e164), SMS_LIMIT, hit=True)


def _too_many() -> str:
    return _("SIGAP: too many reports from this number. Please wait an hour, or call a hotline.")


@csrf_exempt
@never_cache
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    """A generic SMS gateway: form or JSON with ``from`` and ``text``, secret in ``X-SIGAP-Token``.

    Answers ``{"reply": …}``: the text the gateway sends back to the reporter.
    """
    token = settings.SIGAP_SMS_TOKEN
    if not token:
        return _not_configured()
    if not secret_equal(request.headers.get("X-SIGAP-Token", ""), token):
        log.warning("SMS webhook: bad or missing token")
        return _forbidden()
    fields = _sms_fields(request)
    with translation.override(settings.LANGUAGE_CODE):
        if not fields.get("from") or not fields.get("text"):
            return JsonResponse(
                {"code": "invalid", "reply": _("SIGAP: the message is empty.")},
                status=400,
            )
        if _sms_limited(fields["from"]):
            return JsonResponse({"code": "rate_limited", "reply": _too_many()}, status=429)
        try:
            answer = sms_receive(
                text=fields["text"],
                message_id=fields.get("id", ""),
                status_url=_status_url(request),
            )
        except ApplicationError as error:
            return JsonResponse({"code": "invalid", "reply": "SIGAP: " + str(error.message)}, status=400)
        return JsonResponse({"reply": answer.replies[0]})


@csrf_exempt
@never_cache
@require_POST
def sms_twilio(request: HttpRequest) -> HttpResponse:
    """Twilio's SMS webhook (form post ``From``, ``Body``), answered in TwiML.

    The signature is computed over the URL Twilio called: ``SIGAP_TWILIO_WEBHOOK_URL`` when set
    (behind a proxy that changes the scheme or host), else the URL of this request.
    """
    token = settings.SIGAP_TWILIO_AUTH_TOKEN
    if not token:
        return _not_configured()
    url = settings.SIGAP_TWILIO_WEBHOOK_URL or request.build_absolute_uri()
    params = {key: request.POST.getlist(key) for key in request.POST}
    signature = request.headers.get("X-Twilio-Signature", "")
    if not twilio_signature_valid(url=url, params=params, signature=signature, token=token):
        log.warning("Twilio webhook: bad or missing signature")
        return _forbidden()
    sender, text = request.POST.get("From", ""), request.POST.get("Body", "")
    message_id = request.POST.get("MessageSid", "") or request.POST.get("SmsSid", "")
    with translation.override(settings.LANGUAGE_CODE):
        if not text.strip():
            reply = _("SIGAP: the message is empty.")
        elif _sms_limited(sender):
            reply = _too_many()
        else:
            try:
                reply = sms_receive(
                    text=text, message_id=message_id, status_url=_status_url(request)
                ).replies[0]
            except ApplicationError as error:
                reply = "SIGAP: " + str(error.message)
    # Twilio sends what the TwiML says; an error status would send the reporter nothing.
    return HttpResponse(twiml(reply), content_type="text/xml; charset=utf-8")
