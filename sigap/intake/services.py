"""Writing reports: submission from every channel, the reporter's follow-up, the engine's reading.

Every channel (web form, field app, WhatsApp, SMS, partner API) ends in :func:`report_submit`, so
the rules are the same everywhere: consent, identity tiers, attachments checked before anything is
saved, a receipt code and PIN shown once, near-duplicates flagged (never dropped), and the analysis
queued for the background worker once the report is committed.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.audit.services import audit_record
from sigap.core.crypto import digest, seal
from sigap.core.exceptions import ApplicationError
from sigap.intake.attachments import CleanFile
from sigap.intake.models import (
    Attachment,
    Channel,
    IdentityTier,
    PartnerToken,
    Report,
    ReportMessage,
    ReportStatus,
    Sender,
)
from sigap.regions.models import Level, Region

#: The consent wording the reporter agreed to; bump when the text on the form changes.
CONSENT_VERSION = "2026-11"
TEXT_MIN, TEXT_MAX = 10, 5000
MESSAGE_MAX = 2000
MAX_ATTACHMENTS = 5
#: Receipt codes: 8 characters of Crockford's base32 (no I, L, O, U), shown as XXXX-XXXX: 40 bits.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}$")
PIN_LENGTH = 6
_WORD = re.compile(r"\w+")
NEAR_DUPLICATE_BITS = 10  # simhash distance at or below which two reports are near-duplicates
NEAR_DUPLICATE_WINDOW = timedelta(days=14)
NEAR_DUPLICATE_POOL = 500  # most recent reports compared


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt: str  # shown to the reporter once; only its digest is stored
    pin: str
    created: bool  # False: an idempotent replay of a report already stored


def upload_dir() -> Path:
    """Where attachments live: under the var directory, never under a static or media URL."""
    path = Path(settings.SIGAP_VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def normalise_receipt(code: str) -> str:
    """ "abcd efgh", "ABCD-EFGH", "abcdefgh" → "ABCD-EFGH" (o→0, i/l→1 as Crockford reads them)."""
    cleaned = re.sub(r"[\s\-]", "", code.upper()).translate(str.maketrans("OIL", "011"))
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else cleaned


def receipt_digest(code: str) -> str:
    return digest("report-receipt", normalise_receipt(code))


def pin_digest(code: str, pin: str) -> str:
    return digest("report-pin", normalise_receipt(code), pin.strip())


def _new_receipt() -> tuple[str, str]:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))
    return f"{code[:4]}-{code[4:]}", pin


def simhash(text: str) -> int:
    """A 64-bit SimHash over word pairs: close texts get close hashes (signed, for the database).

    On the corpus, a sentence added to a report moves it ~3 bits, unrelated reports are >= 21 apart.
    Bit b of the result is set when more word pairs have bit b set in their BLAKE2b-64 hash than
    not; the per-bit counting runs in NumPy (0.14 -> 0.02 ms per report, identical results).
    """
    words = _WORD.findall(text.lower())
    grams = [" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))]
    digests = b"".join(hashlib.blake2b(gram.encode(), digest_size=8).digest() for gram in grams)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(len(grams), 64)  # bit 63 first
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > len(grams)
    unsigned = int.from_bytes(np.packbits(majority).tobytes(), "big")
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def _near_duplicate(fingerprint: int) -> int | None:
    """The most recent report whose text is nearly the same (flagged for the officer, never dropped).

    Compares against the ``NEAR_DUPLICATE_POOL`` most recent reports of the window. On PostgreSQL
    the comparison runs in the database and only the match comes back (the 500 candidates used to
    travel to Python on every submission: 1.7 ms and 0.57 ms of CPU per call, now a fraction).
    """
    since = timezone.now() - NEAR_DUPLICATE_WINDOW
    if connection.vendor == "postgresql" and getattr(connection, "pg_version", 0) >= 140000:  # bit_count: 14+
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT recent.id FROM ("  # noqa: S608 - table name from the model, values bound
                f" SELECT id, simhash, created_at FROM {Report._meta.db_table} WHERE created_at >= %s"
                "  ORDER BY created_at DESC LIMIT %s"
                ") AS recent WHERE bit_count((recent.simhash # %s)::bit(64)) <= %s"
                " ORDER BY recent.created_at DESC LIMIT 1",
                [since, NEAR_DUPLICATE_POOL, fingerprint, NEAR_DUPLICATE_BITS],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else None
    recent = Report.objects.filter(created_at__gte=since).order_by("-created_at")[:NEAR_DUPLICATE_POOL]
    mask = (1 << 64) - 1
    for pk, other in recent.values_list("pk", "simhash"):
        if ((fingerprint ^ other) & mask).bit_count() <= NEAR_DUPLICATE_BITS:
            return int(pk)
    return None


def _check_identity(*, tier: str, name: str, contact: str) -> None:
    if tier not in IdentityTier.values:
        raise ApplicationError(_("Choose how you want to be known: anonymous, confidential or open."))
    if tier == IdentityTier.ANONIM and (name or contact):
        raise ApplicationError(
            _(
                "You chose to stay anonymous, so leave your name and contact empty "
                "(or choose 'confidential' to give them)."
            )
        )
    if tier != IdentityTier.ANONIM and not contact:
        raise ApplicationError(
            _("Give a phone number or another way to reach you, or choose to stay anonymous.")
        )


def _resolve_desa(code: str | None) -> str | None:
    """The code of a current village, or None. One plain query: through the ORM this lookup cost
    0.30 ms of CPU on every submission, as plain SQL 0.03 ms (same table, same conditions)."""
    if not code:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT level FROM {Region._meta.db_table} WHERE code = %s AND retired_in = ''",  # noqa: S608
            [code],
        )
        row = cursor.fetchone()
    if row is None or row[0] != Level.VILLAGE:
        raise ApplicationError(_("That village was not found. Search again, or choose 'I don't know'."))
    return code


def _receipt_taken(code: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Report._meta.db_table} WHERE receipt_digest = %s",  # noqa: S608
            [receipt_digest(code)],
        )
        return cursor.fetchone() is not None


@transaction.atomic
def report_submit(
    *,
    channel: str,
    text: str,
    identity_tier: str,
    consent: bool,
    desa_code: str | None = None,
    location_text: str = "",
    occurred_on: date | None = None,
    occurred_text: str = "",
    persons_at_risk: int | None = None,
    age_band: str = "",
    relation: str = "",
    recruiter_text: str = "",
    reporter_name: str = "",
    reporter_contact: str = "",
    submitted_by: Any = None,
    idempotency_key: str | None = None,
    files: Sequence[CleanFile] = (),
    consent_version: str = CONSENT_VERSION,
) -> Submitted:
    """Store one report from any channel. Attachments must already have passed ``sanitise_upload``.

    ``consent_version`` names the consent wording the reporter saw: channels whose wording differs
    from the web form (WhatsApp's consent line, SMS's implied consent) record their own.
    """
    if channel not in Channel.values:
        raise ApplicationError(_("Unknown channel."))
    if idempotency_key:
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.submitted_by_id != getattr(submitted_by, "pk", None):
                raise ApplicationError(_("This submission key was already used."))
            return Submitted(existing, receipt="", pin="", created=False)
    text = (text or "").strip()
    if len(text) < TEXT_MIN:
        raise ApplicationError(_("Tell us a little more about what happened (at least a sentence)."))
    if len(text) > TEXT_MAX:
        raise ApplicationError(
            _("The story is too long: at most %(max)d characters. Put the rest in a follow-up message.")
            % {"max": TEXT_MAX}
        )
    if not consent:
        raise ApplicationError(_("Please confirm that you agree to how SIGAP uses your report."))
    reporter_name, reporter_contact = reporter_name.strip(), reporter_contact.strip()
    _check_identity(tier=identity_tier, name=reporter_name, contact=reporter_contact)
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(_("At most %(max)d files per report.") % {"max": MAX_ATTACHMENTS})
    if persons_at_risk is not None and not 0 < persons_at_risk <= 1000:
        raise ApplicationError(_("The number of people at risk must be between 1 and 1000."))
    desa = _resolve_desa(desa_code)

    receipt, pin = _new_receipt()
    while _receipt_taken(receipt):  # 1 in 10^12
        receipt, pin = _new_receipt()
    fingerprint = simhash(text)
    report = Report.objects.create(
        channel=channel,
        submitted_by=submitted_by if getattr(submitted_by, "is_authenticated", False) else None,
        text=text,
        desa_id=desa,
        location_text=location_text.strip()[:300],
        occurred_on=occurred_on,
        occurred_text=occurred_text.strip()[:120],
        persons_at_risk=persons_at_risk,
        age_band=age_band,
        relation=relation,
        recruiter_text=recruiter_text.strip()[:500],
        identity_tier=identity_tier,
        reporter_name_sealed=seal(reporter_name),
        reporter_contact_sealed=seal(reporter_contact),
        consent_at=timezone.now(),
        consent_version=consent_version,
        receipt_digest=receipt_digest(receipt),
        pin_digest=pin_digest(receipt, pin),
        idempotency_key=idempotency_key or None,
        simhash=fingerprint,
        near_duplicate_of_id=_near_duplicate(fingerprint),
    )
    if _queue_is_transactional():
        _queue_analysis(report.pk)  # the task row commits, or rolls back, with the report
    else:
        transaction.on_commit(lambda: _queue_analysis(report.pk))
    # The audit chain's head stays locked from here to the commit, so nothing slow comes after
    # it but the files (only when there are attachments).
    audit_record(
        actor=submitted_by,
        action="report.submit",
        obj=report,
        metadata={
            "channel": channel,
            "identity_tier": identity_tier,
            "attachments": len(files),
            "near_duplicate_of": report.near_duplicate_of_id,
        },
    )
    _store_files(report, files)  # last: if it fails, the transaction undoes the rows, it the files
    return Submitted(report, receipt=receipt, pin=pin, created=True)


def _store_files(report: Report, files: Sequence[CleanFile]) -> None:
    """Write the files, then their rows; if anything fails, the files written are removed again."""
    written: list[Path] = []
    directory = upload_dir()
    try:
        for clean in files:
            path = directory / clean.stored_name
            with path.open("xb") as handle:
                handle.write(clean.data)
            path.chmod(0o600)
            written.append(path)
            Attachment.objects.create(
                report=report,
                stored_name=clean.stored_name,
                display_name=clean.display_name,
                content_type=clean.content_type,
                size=clean.size,
                sha256=clean.sha256,
            )
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise


def _queue_is_transactional() -> bool:
    """True when the task queue is a table in the reports' database (django-tasks-db): then the
    task is written in the report's own transaction, so a stored report is always queued, and one
    commit serves both. Other backends (the tests' immediate one) run after the commit."""
    from django_tasks_db.backend import DatabaseBackend

    from sigap.intake.tasks import analyse_report

    return isinstance(analyse_report.get_backend(), DatabaseBackend)


def _queue_analysis(report_id: int) -> None:
    from sigap.intake.tasks import analyse_report

    analyse_report.enqueue(report_id)


def report_find(*, receipt: str, pin: str) -> Report | None:
    """The report a receipt and PIN open, or None (wrong code and wrong PIN look the same)."""
    if not RECEIPT_RE.match(normalise_receipt(receipt or "")) or not (pin or "").strip().isdigit():
        return None
    report = Report.objects.filter(receipt_digest=receipt_digest(receipt)).first()
    if report is None or not secrets.compare_digest(report.pin_digest, pin_digest(receipt, pin)):
        return None
    return report


@transaction.atomic
def reporter_reply(*, report: Report, body: str) -> ReportMessage:
    """The reporter adds information or answers a question, staying as anonymous as they chose."""
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write your message first."))
    if len(body) > MESSAGE_MAX:
        raise ApplicationError(_("At most %(max)d characters per message.") % {"max": MESSAGE_MAX})
    if report.status == ReportStatus.CLOSED:
        raise ApplicationError(_("This report is closed. Send a new report if something new happened."))
    message = ReportMessage.objects.create(report=report, sender=Sender.REPORTER, body=body)
    if report.status == ReportStatus.NEEDS_INFO:
        report.status = ReportStatus.IN_REVIEW
        report.save(update_fields=["status", "updated_at"])
    audit_record(actor=None, action="report.reporter_message", obj=report, metadata={"message": message.pk})
    return message


@transaction.atomic
def officer_message(*, report: Report, officer: Any, body: str, question: bool = False) -> ReportMessage:
    """An officer writes to the reporter (shown on the status page); a question asks for an answer."""
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write your message first."))
    if len(body) > MESSAGE_MAX:
        raise ApplicationError(_("At most %(max)d characters per message.") % {"max": MESSAGE_MAX})
    message = ReportMessage.objects.create(
        report=report, sender=Sender.OFFICER, author=officer, body=body, is_question=question
    )
    if question:
        report.status = ReportStatus.NEEDS_INFO
    elif report.status == ReportStatus.RECEIVED:
        report.status = ReportStatus.IN_REVIEW
    report.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=officer,
        action="report.ask" if question else "report.message",
        obj=report,
        metadata={"message": message.pk},
    )
    return message


@transaction.atomic
def report_store_analysis(*, report: Report, record: dict[str, Any], engine_version: str) -> Report:
    """Keep the engine's reading of a report (every channel's reports pass through here).

    One UPDATE of the reading's columns (atomic on its own: nothing else in the row is touched, so
    the row need not be read and locked first), then the audit event, in one transaction.
    """
    fields = {
        "relevant": bool(record["relevant"]),
        "risk": record["risk"],
        "modus": list(record["modus"]),
        "score": float(record["score"]),
        "analysis": record,
        "engine_version": engine_version,
        "analysed_at": timezone.now(),
    }
    if not Report.objects.filter(pk=report.pk).update(**fields):
        raise Report.DoesNotExist(f"report #{report.pk} is gone")
    for name, value in fields.items():
        setattr(report, name, value)
    audit_record(
        actor=None,
        action="report.analyse",
        obj=report,
        metadata={"risk": report.risk, "modus": report.modus, "engine": engine_version},
    )
    return report


TOKEN_PREFIX = "sgp_"  # noqa: S105 - a visible prefix so leaked tokens are recognisable, not a secret


@transaction.atomic
def partner_token_issue(*, name: str, channel: str, actor: Any = None) -> tuple[PartnerToken, str]:
    """A new token for a partner system; the returned string is the only copy of it."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the partner system a name."))
    if channel not in Channel.values:
        raise ApplicationError(_("Unknown channel."))
    if PartnerToken.objects.filter(name=name).exists():
        raise ApplicationError(_("A token with that name already exists."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PartnerToken.objects.create(name=name, channel=channel, digest=digest("partner-token", raw))
    audit_record(actor=actor, action="partner_token.issue", obj=token, metadata={"channel": channel})
    return token, raw


def partner_token_check(raw: str) -> PartnerToken | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = PartnerToken.objects.filter(digest=digest("partner-token", raw), active=True).first()
    if token is not None:
        PartnerToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
