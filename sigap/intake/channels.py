"""Reports by WhatsApp and SMS: the short WhatsApp conversation and the one-message SMS report.

Both end in :func:`sigap.intake.services.report_submit`, like every channel. The services here take
messages that a webhook has already authenticated (``sigap.intake.webhooks``) and answer with the
texts to send back; they never send anything themselves.

WhatsApp asks, in Bahasa Indonesia, one thing at a time:

1. what happened (the first message is kept as the start of the story; a photo or a PDF may come
   at any point and becomes an attachment);
2. which desa: a name searched among the villages (a unique match is taken, a few are offered as a
   numbered list), or "tidak tahu";
3. anonymous ("anonim") or this number as a confidential contact ("rahasia");
4. consent: "YA" files the report and answers with the receipt code, the PIN and the status page.

"BATAL" cancels at any point. A conversation left for 24 hours is forgotten. Every message id is
recorded (as a keyed digest) before the message changes anything, so a webhook that WhatsApp
delivers twice changes nothing the second time.

An SMS is a whole report: anonymous, with consent implied by writing to the published reporting
number (recorded as consent version ``sms-2026-11``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.core.crypto import digest, seal, unseal
from sigap.core.exceptions import ApplicationError
from sigap.intake.attachments import CleanFile, UploadRefused, sanitise_upload
from sigap.intake.gateways import Kind, MediaUnavailable, WhatsAppMessage, media_fetcher, normalise_msisdn
from sigap.intake.models import (
    Channel,
    ConversationState,
    IdentityTier,
    ProcessedMessage,
    Report,
    WhatsAppConversation,
)
from sigap.intake.selectors import public_village, public_village_search
from sigap.intake.services import MAX_ATTACHMENTS, TEXT_MAX, TEXT_MIN, report_submit
from sigap.regions.models import normalise_name

WHATSAPP_CONSENT_VERSION = "wa-2026-11"
SMS_CONSENT_VERSION = "sms-2026-11"
CONVERSATION_TTL = timedelta(hours=24)
#: Message ids are kept a little longer than WhatsApp retries a delivery (up to 7 days).
PROCESSED_TTL = timedelta(days=8)
PURGE_EVERY = 10 * 60  # seconds between two purges of expired conversations and message ids
LIST_MAX = 5  # villages offered as a numbered list; more matches ask for the kecamatan
#: Past this length, an answer that is not one is more of the story, not a village or a keyword.
MORE_STORY = 80

_YES = {"ya", "iya", "y", "yes", "ok", "oke", "setuju", "ya setuju", "iya setuju"}
_CANCEL = {"batal", "cancel", "stop", "berhenti"}
_DONE = {"sudah", "lanjut", "selesai", "cukup", "itu saja", "sudah itu saja"}
_ANONYMOUS = {"anonim", "anonymous", "anon", "1"}
_CONFIDENTIAL = {"rahasia", "confidential", "2"}
_DONT_KNOW = re.compile(
    r"(tidak|tdk|gak|ga|nggak|ngga|enggak|gk|g|belum)\s?(tahu|tau)( desanya)?|(i )?(dont|don t|do not) know"
)
_VILLAGE_PREFIX = re.compile(r"^(desa|ds|kelurahan|kel|kampung|kp)\s+")


def sender_key(channel: str, e164: str) -> str:
    """The keyed digest by which a sender is found (``wa-sender``) or rate-limited (``sms-sender``)."""
    return digest(f"{channel}-sender", e164)


@dataclass
class Answer:
    """What a message changed: the texts to send back to ``to`` and the report filed, if any."""

    to: str = ""
    replies: list[str] = field(default_factory=list)
    report: Report | None = None


# --- upkeep ---------------------------------------------------------------------------------------


def channels_purge(*, force: bool = False) -> None:
    """Forget conversations left for 24 h and message ids older than gateways retry.

    Runs at most every ``PURGE_EVERY`` seconds (the webhooks call it on each delivery).
    """
    if not force and not cache.add("intake:channels_purge", 1, PURGE_EVERY):
        return
    now = timezone.now()
    WhatsAppConversation.objects.filter(updated_at__lt=now - CONVERSATION_TTL).delete()
    ProcessedMessage.objects.filter(received_at__lt=now - PROCESSED_TTL).delete()


# --- WhatsApp -------------------------------------------------------------------------------------


def whatsapp_receive(*, message: WhatsAppMessage, status_url: str) -> Answer:
    """Act on one authenticated WhatsApp message; call with Indonesian active (the answers are)."""
    e164 = normalise_msisdn(message.sender)
    if e164 is None or message.kind == Kind.IGNORED:
        return Answer()
    claim = digest("wa-message", message.message_id)
    if ProcessedMessage.objects.filter(message_digest=claim).exists():
        return Answer()  # a redelivery: answered the first time
    key = sender_key("wa", e164)

    # The network first, outside the transaction: a new file is checked now (so a refusal is
    # answered at once); the files waiting are fetched when this message is the one that files.
    refusal = _check_media(message) if message.media_id else None
    waiting = WhatsAppConversation.objects.filter(sender_digest=key).first()
    prefetched: list[CleanFile] | None = None
    if waiting is not None and _filing(waiting, message):
        prefetched = _fetch_files(waiting.pending_media)

    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedMessage.objects.create(channel=Channel.WHATSAPP, message_digest=claim)
        except IntegrityError:
            return Answer()  # the same delivery, processed at the same moment by another worker
        conversation = WhatsAppConversation.objects.select_for_update().filter(sender_digest=key).first()
        if conversation is not None and _expired(conversation):
            conversation.delete()
            conversation = None
        turn = _Turn(e164=e164, message=message, refusal=refusal, status_url=status_url)
        if conversation is None:
            conversation = WhatsAppConversation.objects.create(sender_digest=key, sender_sealed=seal(e164))
            turn.greet(conversation)
        else:
            if _filing(conversation, message) and prefetched is None:
                prefetched = _fetch_files(conversation.pending_media)  # the state moved meanwhile
            turn.answer(conversation, prefetched or [])
    return Answer(to=e164, replies=turn.replies, report=turn.report)


def _expired(conversation: WhatsAppConversation) -> bool:
    return conversation.updated_at < timezone.now() - CONVERSATION_TTL


def _words(text: str) -> str:
    return normalise_name(text or "")


def _filing(conversation: WhatsAppConversation, message: WhatsAppMessage) -> bool:
    return (
        conversation.state == ConversationState.CONSENT
        and message.kind == Kind.TEXT
        and _words(message.text) in _YES
        and not _expired(conversation)
    )


def _check_media(message: WhatsAppMessage) -> str | None:
    """None when the file passes the upload gate, else what to tell the sender."""
    try:
        sanitise_upload(name=message.filename, data=media_fetcher().fetch(message.media_id))
    except UploadRefused as refused:
        return _("Sorry, we cannot accept that file: %(reason)s") % {"reason": refused.message}
    except MediaUnavailable:
        return _("Sorry, we could not download that file. Please send it again.")
    return None


def _fetch_files(pending: list[Any]) -> list[CleanFile]:
    """The waiting media, fetched and sanitised again; one that fails now is left out."""
    fetcher = media_fetcher()
    files = []
    for number, item in enumerate(pending[:MAX_ATTACHMENTS], start=1):
        name = str(item.get("name") or f"whatsapp-{number}")
        try:
            files.append(sanitise_upload(name=name, data=fetcher.fetch(str(item.get("id", "")))))
        except (UploadRefused, MediaUnavailable):
            continue
    return files


def _append(story: str, text: str) -> str:
    text = text.strip()
    return (f"{story}\n{text}" if story else text)[:TEXT_MAX] if text else story


def _village_matches(text: str) -> list[tuple[str, str]]:
    """Villages for a typed name; "Lontar, Tirtayasa" narrows a common name by its kecamatan."""
    name, _sep, rest = text.partition(",")
    name = _VILLAGE_PREFIX.sub("", _words(name))
    matches = public_village_search(query=name, limit=50)
    narrow = _words(rest)
    if narrow:
        matches = [(code, label) for code, label in matches if narrow in _words(label)]
    return matches


def _unsupported_text() -> str:
    return _("Sorry, SIGAP can only read text, photos and PDF documents. Please write it down.")


class _Turn:
    """One message's effect on one conversation (inside the transaction that holds its row)."""

    def __init__(self, *, e164: str, message: WhatsAppMessage, refusal: str | None, status_url: str) -> None:
        self.e164 = e164
        self.message = message
        self.refusal = refusal
        self.status_url = status_url
        self.replies: list[str] = []
        self.report: Report | None = None

    # -- the first message ------------------------------------------------------------------------

    def greet(self, conversation: WhatsAppConversation) -> None:
        conversation.story = _append("", self.message.text)
        greeting = _(
            "Hello, this is SIGAP, the reporting service of the Immigration Office's Desa Binaan "
            "programme against human trafficking and people smuggling."
        )
        ask = _(
            "Please tell us what happened: who was offered work or asked to leave, by whom, to where, "
            "and when they leave. You may also send photos or screenshots of the job offer."
        )
        if len(conversation.story) >= TEXT_MIN:
            ask += " " + _("If your message above already says it all, reply SUDAH.")
        self.replies.append(f"{greeting}\n\n{ask}\n\n" + _("Type BATAL at any time to cancel."))
        if self.message.kind == Kind.UNSUPPORTED:
            self.replies.append(_unsupported_text())
        self._take_media(conversation, announce=False)
        conversation.save()

    # -- every later message ----------------------------------------------------------------------

    def answer(self, conversation: WhatsAppConversation, files: list[CleanFile]) -> None:
        message = self.message
        words = _words(message.text)
        if message.kind == Kind.TEXT and words in _CANCEL:
            conversation.delete()
            self.replies.append(
                _("Your report has been cancelled and nothing was kept. Write again whenever you want.")
            )
            return
        if message.kind == Kind.UNSUPPORTED:
            self.replies.extend([_unsupported_text(), self._question(conversation)])
            return
        if message.media_id or self.refusal:
            self._take_media(conversation, announce=True)
            if message.text and conversation.state != ConversationState.STORY:
                conversation.story = _append(conversation.story, message.text)
        if message.kind != Kind.TEXT and conversation.state != ConversationState.STORY:
            conversation.save()
            self.replies.append(self._question(conversation))
            return
        handler = {
            ConversationState.STORY: self._story,
            ConversationState.DESA: self._desa,
            ConversationState.IDENTITY: self._identity,
            ConversationState.CONSENT: lambda c: self._consent(c, files),
        }[ConversationState(conversation.state)]
        handler(conversation)
        if conversation.pk is not None:
            conversation.save()

    def _take_media(self, conversation: WhatsAppConversation, *, announce: bool) -> None:
        message = self.message
        if self.refusal:
            self.replies.append(self.refusal)
        elif message.media_id:
            if len(conversation.pending_media) >= MAX_ATTACHMENTS:
                full = _("You have already sent %(max)d files; this one was not added.")
                self.replies.append(full % {"max": MAX_ATTACHMENTS})
            else:
                conversation.pending_media = [
                    *conversation.pending_media,
                    {"id": message.media_id, "name": message.filename},
                ]
                if announce:
                    self.replies.append(
                        _("File received (%(count)d of at most %(max)d).")
                        % {"count": len(conversation.pending_media), "max": MAX_ATTACHMENTS}
                    )

    def _question(self, conversation: WhatsAppConversation) -> str:
        state = conversation.state
        if state == ConversationState.STORY:
            return _("Please tell us what happened, in a sentence or two.")
        if state == ConversationState.DESA:
            return _(
                "In which village (desa or kelurahan) did it happen? Write its name, or TIDAK TAHU if "
                "you do not know."
            )
        if state == ConversationState.IDENTITY:
            return _(
                "How do you want to be known?\n"
                "Reply ANONIM to stay anonymous: this number is not kept with the report.\n"
                "Reply RAHASIA to give this WhatsApp number as a confidential contact: only the officer "
                "handling your report can see it and may contact you."
            )
        return _(
            "Last step. SIGAP keeps your report and only authorised officers read it, to prevent "
            "human trafficking, under Law No. 27 of 2022 on Personal Data Protection.\n"
            "Reply YA to send the report, or BATAL to cancel."
        )

    def _more_story(self, conversation: WhatsAppConversation) -> bool:
        """A long text where a short answer was asked: it is added to the story, the question repeated."""
        if len(self.message.text.strip()) < MORE_STORY:
            return False
        conversation.story = _append(conversation.story, self.message.text)
        self.replies.append(_("Thank you, we added that to your story."))
        self.replies.append(self._question(conversation))
        return True

    def _story(self, conversation: WhatsAppConversation) -> None:
        text = self.message.text.strip()
        words = _words(text)
        ready = len(text) >= TEXT_MIN or (words in _DONE and len(conversation.story) >= TEXT_MIN)
        if words not in _DONE:
            conversation.story = _append(conversation.story, text)
        if not ready:
            if self.message.kind == Kind.TEXT:
                self.replies.append(
                    _("Please tell us a little more: who, what was offered, where to, and when.")
                )
            else:
                self.replies.append(self._question(conversation))
            return
        conversation.state = ConversationState.DESA
        self.replies.append(_("Thank you.") + " " + self._question(conversation))

    def _desa(self, conversation: WhatsAppConversation) -> None:
        text = self.message.text.strip()
        words = _words(text)
        if _DONT_KNOW.fullmatch(words):
            self._village_chosen(conversation, None)
            return
        if words.isdigit() and conversation.desa_choices:
            number = int(words)
            if 1 <= number <= len(conversation.desa_choices):
                self._village_chosen(conversation, conversation.desa_choices[number - 1])
            else:
                shown = [public_village(code) for code in conversation.desa_choices]
                self._offer(conversation, [village for village in shown if village])
            return
        if self._more_story(conversation):
            return
        matches = _village_matches(text)
        conversation.desa_choices = []
        if len(matches) == 1:
            self._village_chosen(conversation, matches[0][0])
            return
        conversation.location_text = text[:300]
        if 1 < len(matches) <= LIST_MAX:
            self._offer(conversation, matches)
        elif matches:
            self.replies.append(
                _(
                    "Many villages have that name. Write the village and its kecamatan, for example: "
                    "Lontar, Tirtayasa. Or reply TIDAK TAHU."
                )
            )
        else:
            self.replies.append(
                _(
                    "We could not find a village of that name. Check the spelling and write it again, "
                    "or reply TIDAK TAHU and an officer will ask you later."
                )
            )

    def _offer(self, conversation: WhatsAppConversation, villages: list[tuple[str, str]]) -> None:
        conversation.desa_choices = [code for code, _label in villages]
        lines = [f"{number}. {label}" for number, (_code, label) in enumerate(villages, start=1)]
        self.replies.append(
            _("Which one is it?")
            + "\n"
            + "\n".join(lines)
            + "\n"
            + _("Reply with its number, write another name, or TIDAK TAHU.")
        )

    def _village_chosen(self, conversation: WhatsAppConversation, code: str | None) -> None:
        village = public_village(code) if code else None
        conversation.desa_id = village[0] if village else None
        conversation.desa_choices = []
        conversation.state = ConversationState.IDENTITY
        noted = _("Noted: %(village)s.") % {"village": village[1]} if village else _("Noted.")
        self.replies.append(noted + "\n\n" + self._question(conversation))

    def _identity(self, conversation: WhatsAppConversation) -> None:
        words = _words(self.message.text)
        if words in _ANONYMOUS:
            conversation.identity_tier = IdentityTier.ANONIM
        elif words in _CONFIDENTIAL:
            conversation.identity_tier = IdentityTier.RAHASIA
        else:
            if not self._more_story(conversation):
                self.replies.append(self._question(conversation))
            return
        conversation.state = ConversationState.CONSENT
        self.replies.append(self._question(conversation))

    def _consent(self, conversation: WhatsAppConversation, files: list[CleanFile]) -> None:
        if _words(self.message.text) not in _YES:
            if not self._more_story(conversation):
                self.replies.append(self._question(conversation))
            return
        confidential = conversation.identity_tier == IdentityTier.RAHASIA
        try:
            submitted = report_submit(
                channel=Channel.WHATSAPP,
                text=conversation.story,
                identity_tier=conversation.identity_tier or IdentityTier.ANONIM,
                consent=True,
                consent_version=WHATSAPP_CONSENT_VERSION,
                desa_code=conversation.desa_id,
                location_text="" if conversation.desa_id else conversation.location_text,
                reporter_contact=unseal(conversation.sender_sealed) if confidential else "",
                idempotency_key="wa:" + digest("wa-message", self.message.message_id),
                files=files,
            )
        except ApplicationError as error:
            # Only the village can have gone since it was chosen (retired): ask for it again.
            conversation.state = ConversationState.DESA if conversation.desa_id else ConversationState.STORY
            conversation.desa_id = None
            self.replies.append(str(error.message))
            self.replies.append(self._question(conversation))
            return
        self.report = submitted.report
        conversation.delete()
        lost = len(conversation.pending_media[:MAX_ATTACHMENTS]) - len(files)
        reply = _(
            "Thank you, your report has been received.\n"
            "Receipt code: %(receipt)s\n"
            "PIN: %(pin)s\n"
            "Keep both and show them to no one. With them you can follow your report, read the "
            "officers' questions and answer them at %(url)s"
        ) % {"receipt": submitted.receipt, "pin": submitted.pin, "url": self.status_url}
        if lost > 0:
            reply += "\n\n" + _(
                "%(count)d of your files could not be fetched again and were not attached. "
                "You can describe them on the status page."
            ) % {"count": lost}
        self.replies.append(reply)


# --- SMS ------------------------------------------------------------------------------------------


def sms_receive(*, text: str, status_url: str, message_id: str = "") -> Answer:
    """One SMS, one anonymous report; raises ``ApplicationError`` when the text cannot be a report.

    ``message_id`` (a gateway's id, Twilio's ``MessageSid``) makes a redelivery file nothing twice.
    """
    submitted = report_submit(
        channel=Channel.SMS,
        text=text,
        identity_tier=IdentityTier.ANONIM,
        consent=True,  # writing to the published reporting number
        consent_version=SMS_CONSENT_VERSION,
        idempotency_key="sms:" + digest("sms-message", message_id) if message_id else None,
    )
    if not submitted.created:
        return Answer(
            replies=[_("SIGAP: this report was already received. Use the code and PIN we sent then.")],
            report=submitted.report,
        )
    reply = _(
        "SIGAP: report received. Code %(receipt)s PIN %(pin)s. Keep them secret. Follow your report "
        "at %(url)s"
    ) % {"receipt": submitted.receipt, "pin": submitted.pin, "url": status_url}
    return Answer(replies=[reply], report=submitted.report)
