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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import User
from sigap.audit.services import Entry, audit_record, audit_record_many
from sigap.core.context import reset_request_context, set_request_context
from sigap.core.crypto import digest, seal
from sigap.core.exceptions import ApplicationError
from sigap.detection import analyze_many
from sigap.intake.attachments import CleanFile
from sigap.intake.entities import entity_rows
from sigap.intake.models import (
    RISK_RANK,
    UNREAD_RANK,
    Attachment,
    Channel,
    IdentityTier,
    PartnerToken,
    Report,
    ReportEntity,
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
ANALYSIS_BATCH = 64  # reports read per transaction by the background worker
READING_FIELDS = (
    "relevant",
    "risk",
    "risk_rank",
    "modus",
    "score",
    "analysis",
    "engine_version",
    "analysed_at",
)


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


def _near_duplicates(reports: Sequence[Report]) -> dict[int, int | None]:
    """For each report, the most recent earlier report whose text is nearly the same (flagged for the
    officer, never dropped), among the ``NEAR_DUPLICATE_POOL`` reports before it within the window.

    Runs with the background reading, not on submission: it costs the reporter nothing, and "earlier"
    is by id, so the answer does not depend on when the reading ran. Two queries per batch fetch the
    batch's id range and the pool below it; the 64-bit distances are counted in NumPy (one query per
    report with the distance counted in PostgreSQL cost ~0.3 ms of database CPU per report).
    """
    if not reports:
        return {}
    low, high = min(r.pk for r in reports), max(r.pk for r in reports)
    columns = ("pk", "simhash", "created_at")
    batch = Report.objects.filter(pk__gte=low, pk__lt=high).values_list(*columns)
    below = Report.objects.filter(pk__lt=low).order_by("-pk").values_list(*columns)[:NEAR_DUPLICATE_POOL]
    rows = sorted([*batch, *below])
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    hashes = np.array([row[1] for row in rows], dtype=np.int64).view(np.uint64)
    created = [row[2] for row in rows]
    found: dict[int, int | None] = {}
    for report in reports:
        end = int(np.searchsorted(ids, report.pk))  # rows before this report
        start = max(0, end - NEAR_DUPLICATE_POOL)
        since = report.created_at - NEAR_DUPLICATE_WINDOW
        distance = np.bitwise_count(hashes[start:end] ^ np.uint64(report.simhash & (1 << 64) - 1))
        close = [
            start + i for i in np.flatnonzero(distance <= NEAR_DUPLICATE_BITS) if created[start + i] >= since
        ]
        found[report.pk] = int(ids[close[-1]]) if close else None
    return found


def _clean(value: str | None) -> str:
    """Trimmed, without NUL characters: they mean nothing in a story, and PostgreSQL refuses them
    in text (the API, unlike the web form's fields, lets them through)."""
    return (value or "").replace("\x00", "").strip()


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
    text = _clean(text)
    if len(text) < TEXT_MIN:
        raise ApplicationError(_("Tell us a little more about what happened (at least a sentence)."))
    if len(text) > TEXT_MAX:
        raise ApplicationError(
            _("The story is too long: at most %(max)d characters. Put the rest in a follow-up message.")
            % {"max": TEXT_MAX}
        )
    if not consent:
        raise ApplicationError(_("Please confirm that you agree to how SIGAP uses your report."))
    reporter_name, reporter_contact = _clean(reporter_name), _clean(reporter_contact)
    _check_identity(tier=identity_tier, name=reporter_name, contact=reporter_contact)
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(_("At most %(max)d files per report.") % {"max": MAX_ATTACHMENTS})
    if persons_at_risk is not None and not 0 < persons_at_risk <= 1000:
        raise ApplicationError(_("The number of people at risk must be between 1 and 1000."))
    desa = _resolve_desa(desa_code)

    receipt, pin = _new_receipt()
    while _receipt_taken(receipt):  # 1 in 10^12
        receipt, pin = _new_receipt()
    report = Report.objects.create(
        channel=channel,
        submitted_by=submitted_by if getattr(submitted_by, "is_authenticated", False) else None,
        text=text,
        desa_id=desa,
        location_text=_clean(location_text)[:300],
        occurred_on=occurred_on,
        occurred_text=_clean(occurred_text)[:120],
        persons_at_risk=persons_at_risk,
        age_band=age_band,
        relation=relation,
        recruiter_text=_clean(recruiter_text)[:500],
        identity_tier=identity_tier,
        reporter_name_sealed=seal(reporter_name),
        reporter_contact_sealed=seal(reporter_contact),
        consent_at=timezone.now(),
        consent_version=consent_version,
        receipt_digest=receipt_digest(receipt),
        pin_digest=pin_digest(receipt, pin),
        idempotency_key=idempotency_key or None,
        simhash=simhash(text),
    )
    # No task row: a report without a reading *is* the queue entry (see reports_analyse_pending), so a
    # stored report is always analysed, and a rolled-back one never is.
    if settings.SIGAP_ANALYSE_ON_COMMIT:
        transaction.on_commit(lambda: _analyse_now(report.pk))
    # The "report.submit" audit event is appended by the background reading with the report's
    # first reading (reports_analyse_pending): the request takes no lock on the audit chain, and the
    # trail keeps no network address of a reporter.
    _store_files(report, files)  # last: if it fails, the transaction undoes the rows, it the files
    return Submitted(report, receipt=receipt, pin=pin, created=True)


def store_clean_files(files: Sequence[CleanFile], rows: Callable[[CleanFile], object]) -> None:
    """Write sanitised files under ``upload_dir()``, each followed by its row (``rows(clean)``);
    if anything fails, the files already written are removed again (the transaction undoes the rows)."""
    written: list[Path] = []
    directory = upload_dir()
    try:
        for clean in files:
            path = directory / clean.stored_name
            with path.open("xb") as handle:
                handle.write(clean.data)
            path.chmod(0o600)
            written.append(path)
            rows(clean)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise


def _store_files(report: Report, files: Sequence[CleanFile]) -> None:
    store_clean_files(
        files,
        lambda clean: Attachment.objects.create(
            report=report,
            stored_name=clean.stored_name,
            display_name=clean.display_name,
            content_type=clean.content_type,
            size=clean.size,
            sha256=clean.sha256,
        ),
    )


def _analyse_now(report_id: int) -> None:
    """Read the report in the submitting process (``SIGAP_ANALYSE_ON_COMMIT``), as the worker would:
    outside the reporter's request context, so the trail keeps no network address of a reporter."""
    from sigap.intake.tasks import analyse_pending

    token = set_request_context(None)
    try:
        analyse_pending(ids=[report_id])
    finally:
        reset_request_context(token)


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
def _write_readings(reports: list[Report]) -> None:
    """One UPDATE statement, executed for every report of the batch (psycopg pipelines them).

    ``bulk_update`` builds a CASE expression per field and row: for 64 readings that cost ~70 ms of
    CPU per batch, most of the worker's time; each value still goes through its field's own
    preparation, so JSON and dates are stored exactly as the ORM stores them.
    """
    names = (*READING_FIELDS, "near_duplicate_of")
    fields = [cast("Field[Any, Any]", Report._meta.get_field(name)) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Report._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(report, field.attname), connection) for field in fields] + [report.pk]
        for report in reports
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _reading_entries(reports: list[Report]) -> list[Entry]:
    """Per report, its submission (who filed it through which channel, how many files) and its
    first reading. The submission is recorded here rather than in the request; its time is in the
    metadata, as the report's own ``created_at``."""
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in={r.submitted_by_id for r in reports if r.submitted_by_id})
    }
    files = Counter(
        Attachment.objects.filter(report_id__in=[r.pk for r in reports]).values_list("report_id", flat=True)
    )
    entries = []
    for report in reports:
        entries.append(
            Entry(
                actor=users.get(report.submitted_by_id) if report.submitted_by_id else None,
                action="report.submit",
                obj=report,
                metadata={
                    "channel": report.channel,
                    "identity_tier": report.identity_tier,
                    "attachments": files[report.pk],
                    "received_at": report.created_at.isoformat(),
                },
            )
        )
        entries.append(
            Entry(
                actor=None,
                action="report.analyse",
                obj=report,
                metadata={
                    "risk": report.risk,
                    "modus": report.modus,
                    "engine": report.engine_version,
                    "near_duplicate_of": report.near_duplicate_of_id,
                },
            )
        )
    return entries


def _engine_version(record: dict[str, Any]) -> str:
    """The catalogue and model versions behind a reading (from the record), stored with it."""
    versions = record["versions"]
    return f"{versions['catalogue']}/{versions['model'] or 'rules'}"


@transaction.atomic
def reports_analyse_pending(*, limit: int = ANALYSIS_BATCH, ids: Sequence[int] | None = None) -> list[Report]:
    """Read up to ``limit`` reports that have no reading yet (oldest first), in one transaction.

    The reports table is the queue: a partial index holds the unread ones, and on PostgreSQL rows
    are claimed ``FOR UPDATE SKIP LOCKED``, so several workers share the backlog without waiting on
    each other and a crash leaves its batch unread for the next one. Per batch: one claim query, the
    engine (pure Python), two near-duplicate queries, one UPDATE statement for all readings and one
    append of their audit events. ``ids`` limits the batch to those reports (reading on commit).
    """
    pending = Report.objects.filter(analysed_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    if connection.features.has_select_for_update_skip_locked:
        pending = pending.select_for_update(skip_locked=True, of=("self",))
    fields = ("pk", "text", "created_at", "simhash", "desa_id", "channel", "identity_tier", "submitted_by_id")
    reports = list(pending.order_by("pk").only(*fields)[:limit])
    if not reports:
        return []
    now = timezone.now()
    reports_by_id = {report.pk: report for report in reports}
    analyses = analyze_many(
        [report.text for report in reports],
        ids=[report.pk for report in reports],
        # "besok" is the day after the report was written, on the calendar of the office (WIB):
        # created_at is stored in UTC, which is still the day before until 07:00 WIB.
        times=[timezone.localtime(report.created_at) for report in reports],
    )
    for report, analysis in zip(reports, analyses, strict=True):
        record = analysis.to_record()
        report.relevant = bool(record["relevant"])
        report.risk = record["risk"]
        report.risk_rank = RISK_RANK.get(report.risk, UNREAD_RANK)
        report.modus = list(record["modus"])
        report.score = float(record["score"])
        report.analysis = record
        report.engine_version = _engine_version(record)
        report.analysed_at = now
    for report_id, duplicate_of in _near_duplicates(reports).items():
        reports_by_id[report_id].near_duplicate_of_id = duplicate_of
    _write_readings(reports)
    ReportEntity.objects.bulk_create(
        entity_rows((report.pk, report.analysis) for report in reports), ignore_conflicts=True
    )
    audit_record_many(_reading_entries(reports))
    return reports


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
