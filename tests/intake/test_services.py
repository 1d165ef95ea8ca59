"""Submitting reports, following them up, and the engine's reading on arrival (services layer)."""

from __future__ import annotations

import io
import json
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from sigap.audit.models import AuditEvent
from sigap.core.crypto import unseal
from sigap.core.exceptions import ApplicationError
from sigap.intake.attachments import sanitise_upload
from sigap.intake.models import Attachment, Channel, IdentityTier, Report, ReportStatus, Sender
from sigap.intake.selectors import reporter_identity
from sigap.intake.services import (
    RECEIPT_RE,
    Submitted,
    normalise_receipt,
    officer_message,
    report_find,
    report_submit,
    reporter_reply,
    upload_dir,
)
from sigap.intake.tasks import analyse_pending

pytestmark = pytest.mark.django_db

LONTAR = "36.04.13.2007"
SCAM = "ponakan sy ditawarin kerja admin di Kamboja, berangkat lusa via Bangkok, gaji 20jt katanya"


def _submit(**overrides: Any) -> Submitted:
    fields: dict[str, Any] = {
        "channel": Channel.WEB,
        "text": "Ada calo menawarkan kerja ke Malaysia tanpa paspor kepada pemuda desa kami.",
        "identity_tier": IdentityTier.ANONIM,
        "consent": True,
        "desa_code": LONTAR,
    }
    fields.update(overrides)
    return report_submit(**fields)


def test_anonymous_report_gets_a_receipt_and_pin_stored_only_as_digests(demo_world) -> None:
    submitted = _submit()
    assert RECEIPT_RE.match(submitted.receipt) and len(submitted.pin) == 6 and submitted.pin.isdigit()
    report = submitted.report
    assert submitted.receipt not in report.receipt_digest and submitted.pin not in report.pin_digest
    assert report.status == ReportStatus.RECEIVED and not report.has_identity
    assert report_find(receipt=submitted.receipt.lower().replace("-", " "), pin=submitted.pin) == report
    assert report_find(receipt=submitted.receipt, pin="000000" if submitted.pin != "000000" else "1") is None
    assert report_find(receipt="ZZZZ-ZZZZ", pin=submitted.pin) is None
    # The submission is audited with the first reading, off the request path, with no address.
    assert not AuditEvent.objects.filter(action="report.submit").exists()
    assert analyse_pending() == 1
    event = AuditEvent.objects.get(action="report.submit", object_id=str(report.pk))
    assert event.actor is None and event.ip_address is None
    assert event.metadata == {
        "channel": "web",
        "identity_tier": "anonim",
        "attachments": 0,
        "received_at": report.created_at.isoformat(),
    }


def test_receipt_codes_read_the_way_people_copy_them() -> None:
    assert normalise_receipt("abcd efgh") == "ABCD-EFGH"
    assert normalise_receipt("O1IL-2345") == "0111-2345"


def test_confidential_contact_is_encrypted_and_each_read_is_audited(demo_world) -> None:
    report = _submit(
        identity_tier=IdentityTier.RAHASIA, reporter_name="Siti", reporter_contact="081234567890"
    ).report
    assert "081234567890" not in report.reporter_contact_sealed
    assert unseal(report.reporter_contact_sealed) == "081234567890"
    pimpasa, kader, analis = (demo_world[u] for u in ("pimpasa.tirtayasa", "kader.lontar", "analis.banten"))
    before = AuditEvent.objects.filter(action="read.sensitive").count()
    assert reporter_identity(user=pimpasa, report=report, purpose="triage") == {
        "name": "Siti",
        "contact": "081234567890",
    }
    assert AuditEvent.objects.filter(action="read.sensitive").count() == before + 1
    # Confidential: not for the regional analyst, and a kader who did not file it sees nothing.
    assert reporter_identity(user=analis, report=report, purpose="triage") is None
    assert reporter_identity(user=kader, report=report, purpose="triage") is None
    assert AuditEvent.objects.filter(action="read.sensitive").count() == before + 1


@pytest.mark.parametrize(
    ("tier", "name", "contact"),
    [
        (IdentityTier.ANONIM, "", "0812"),
        (IdentityTier.RAHASIA, "Siti", ""),
        ("bogus", "", ""),
    ],
)
def test_identity_tier_must_match_what_is_given(demo_world, tier: str, name: str, contact: str) -> None:
    with pytest.raises(ApplicationError):
        _submit(identity_tier=tier, reporter_name=name, reporter_contact=contact)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"consent": False}, {"text": "tolong"}, {"desa_code": "36.04"}, {"persons_at_risk": 0}],
)
def test_bad_input_is_refused_and_nothing_is_saved(demo_world, overrides: dict) -> None:
    with pytest.raises(ApplicationError):
        _submit(**overrides)
    assert not Report.objects.exists()


def test_a_replayed_submission_is_stored_once(demo_world) -> None:
    kader = demo_world["kader.lontar"]
    first = _submit(channel=Channel.PWA, submitted_by=kader, idempotency_key="k-1")
    again = _submit(channel=Channel.PWA, submitted_by=kader, idempotency_key="k-1")
    assert first.created and not again.created and again.report == first.report
    assert Report.objects.count() == 1
    with pytest.raises(ApplicationError):  # someone else's key
        _submit(channel=Channel.PWA, submitted_by=demo_world["pimpasa.tirtayasa"], idempotency_key="k-1")


def test_near_duplicates_are_flagged_not_dropped(demo_world) -> None:
    first = _submit().report
    second = _submit(text=first.text + " Mohon dicek.").report
    other = _submit(text="Ada orang asing menginap di rumah kosong dekat pantai, tidak lapor RT.").report
    assert analyse_pending() == 3  # the flag comes with the background reading
    for report in (first, second, other):
        report.refresh_from_db()
    assert second.near_duplicate_of == first
    assert first.near_duplicate_of is None and other.near_duplicate_of is None
    assert Report.objects.count() == 3


def test_the_unread_reports_are_the_queue(demo_world) -> None:
    """No task row: a committed report without a reading is what the worker picks up, oldest first,
    in batches; a rolled-back submission leaves nothing to read; each reading is audited."""
    from django.db import transaction

    from sigap.audit.services import audit_verify

    with pytest.raises(RuntimeError), transaction.atomic():
        _submit(text="Ada calo lain lagi yang menawarkan kerja ke Arab tanpa visa kerja resmi.")
        raise RuntimeError("the request failed after the report was written")
    reports = [_submit(text=f"{SCAM} Laporan ke-{n}.").report for n in range(5)]
    assert not Report.objects.filter(analysed_at__isnull=False).exists()  # nothing read on submission
    assert analyse_pending(limit=2) == 2
    assert list(Report.objects.filter(analysed_at__isnull=False).order_by("pk")) == reports[:2]
    assert analyse_pending(limit=64) == 3 and analyse_pending() == 0
    read = AuditEvent.objects.filter(action="report.analyse")
    assert sorted(int(e.object_id) for e in read) == [r.pk for r in reports]
    kader = demo_world["kader.lontar"]
    field = _submit(channel=Channel.PWA, submitted_by=kader, idempotency_key="k-9").report
    assert analyse_pending() == 1
    filed = AuditEvent.objects.get(action="report.submit", object_id=str(field.pk))
    assert filed.actor == kader and filed.actor_username == "kader.lontar"
    assert all(e.metadata["risk"] == "critical" for e in read)
    assert audit_verify().ok


def test_the_worker_command_reads_what_waits_and_stops_with_once(demo_world) -> None:
    from io import StringIO

    from django.core.management import call_command

    for n in range(70):  # more than one batch
        _submit(text=f"Ada calo menawarkan kerja ke Malaysia tanpa paspor, laporan {n}.")
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert out.getvalue().strip() == "70 report(s) read"
    assert not Report.objects.filter(analysed_at__isnull=True).exists()
    assert set(Report.objects.values_list("relevant", flat=True)) == {True}


def _simhash_reference(text: str) -> int:
    """The first SimHash, bit by bit in Python: stored fingerprints must keep their meaning."""
    import hashlib
    import re

    words = re.findall(r"\w+", text.lower())
    grams = [" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))]
    weights = [0] * 64
    for gram in grams:
        value = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_simhash_is_the_same_function_as_before(text: str) -> None:
    from sigap.intake.services import simhash

    assert simhash(text) == _simhash_reference(text)
    assert simhash(SCAM + " " + text) == _simhash_reference(SCAM + " " + text)


def _signed(unsigned: int) -> int:
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def test_near_duplicate_distance_counts_all_64_bits_including_the_sign(demo_world) -> None:
    """The database comparison (PostgreSQL) and the Python one (SQLite) draw the line at 10 bits."""
    from sigap.intake.services import NEAR_DUPLICATE_BITS, _near_duplicates

    base = (1 << 63) | 0x0123_4567_89AB_CDEF  # the sign bit set: negative in the database
    earlier, later = _submit().report, _submit(text="Laporan lain tentang sesuatu yang berbeda.").report
    Report.objects.filter(pk=earlier.pk).update(simhash=_signed(base))
    flips = [63, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]  # the sign bit and ten more
    at_limit = base
    for bit in flips[:NEAR_DUPLICATE_BITS]:
        at_limit ^= 1 << bit
    later.simhash = _signed(at_limit)
    assert _near_duplicates([later]) == {later.pk: earlier.pk}
    later.simhash = _signed(at_limit ^ 1 << flips[NEAR_DUPLICATE_BITS])
    assert _near_duplicates([later]) == {later.pk: None}
    later.simhash = _signed(base)
    earlier.simhash = _signed(base)
    assert _near_duplicates([earlier, later]) == {earlier.pk: None, later.pk: earlier.pk}  # earlier only


def test_near_duplicates_in_a_batch_match_a_brute_force_reading(demo_world) -> None:
    """The batch answer equals, for each report, the plain rule: the most recent earlier report
    within the window at most 10 bits away (whatever else is in the batch)."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from sigap.intake.services import NEAR_DUPLICATE_BITS, NEAR_DUPLICATE_WINDOW, _near_duplicates

    rng = random.Random(7)
    centres = [rng.getrandbits(64) for _ in range(4)]
    reports = [_submit(text=f"Laporan nomor {n} tentang tawaran kerja.").report for n in range(24)]
    now = timezone.now()
    for n, report in enumerate(reports):
        value = rng.choice(centres)
        for bit in rng.sample(range(64), rng.choice([0, 3, 9, 11, 20])):
            value ^= 1 << bit
        report.simhash = _signed(value)
        report.created_at = now - (timedelta(days=20) if n in (2, 5) else timedelta(minutes=60 - n))
        Report.objects.filter(pk=report.pk).update(simhash=report.simhash, created_at=report.created_at)

    def expected(report: Report) -> int | None:
        mask = (1 << 64) - 1
        for other in sorted(reports, key=lambda r: -r.pk):
            if other.pk >= report.pk or other.created_at < report.created_at - NEAR_DUPLICATE_WINDOW:
                continue
            if ((report.simhash ^ other.simhash) & mask).bit_count() <= NEAR_DUPLICATE_BITS:
                return other.pk
        return None

    want = {report.pk: expected(report) for report in reports}
    assert any(want.values()) and not all(want.values())  # the case is not trivial
    assert _near_duplicates(reports) == want
    assert _near_duplicates(reports[10:14]) == {r.pk: want[r.pk] for r in reports[10:14]}


def test_conversation_with_the_reporter(demo_world) -> None:
    submitted = _submit()
    report = submitted.report
    officer_message(
        report=report, officer=demo_world["pimpasa.tirtayasa"], body="Kapan berangkatnya?", question=True
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.NEEDS_INFO
    reporter_reply(report=report, body="Besok pagi dari dermaga.")
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_REVIEW
    assert [m.sender for m in report.messages.all()] == [Sender.OFFICER, Sender.REPORTER]
    with pytest.raises(ApplicationError):
        reporter_reply(report=report, body="   ")


def test_a_critical_report_is_analysed_and_alerts_the_pimpasa_and_supervisor(
    demo_world, django_capture_on_commit_callbacks, settings, tmp_path: Path
) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    from sigap.core.notify import message_sender

    message_sender.cache_clear()
    pimpasa, supervisor = demo_world["pimpasa.tirtayasa"], demo_world["supervisor.serang"]
    for user, phone in ((pimpasa, "081200000001"), (supervisor, "081200000002")):
        user.email, user.phone = f"{user.username}@example.org", phone
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = _submit(text=SCAM).report
    report.refresh_from_db()
    assert report.risk == "critical" and report.modus[0] == "online_scam"
    assert set(report.analysis["entities"]["countries"]) >= {"KH", "TH"}
    assert report.engine_version and report.analysed_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pimpasa.email, supervisor.email])
    sent = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert sorted(m["to"] for m in sent) == ["081200000001", "081200000002"]
    assert all(str(report.pk) in m["body"] and "Kamboja" not in m["body"] for m in sent)  # no story text
    message_sender.cache_clear()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_attachments_are_stored_outside_the_web_root(demo_world, settings, tmp_path: Path) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    clean = sanitise_upload(name="iklan.png", data=_png())
    report = _submit(files=[clean]).report
    attachment = Attachment.objects.get(report=report)
    assert (upload_dir() / attachment.stored_name).read_bytes() == clean.data
    assert str(upload_dir()).startswith(str(tmp_path))


def test_a_failed_attachment_leaves_no_file_and_no_report(demo_world, settings, tmp_path: Path) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    clean = sanitise_upload(name="iklan.png", data=_png())
    with pytest.raises(FileExistsError):  # the same stored name twice: the second write fails
        _submit(files=[clean, clean])
    assert not Report.objects.exists() and not Attachment.objects.exists()
    assert list(upload_dir().iterdir()) == []


def test_reading_on_commit_keeps_no_address_of_the_reporter(demo_world) -> None:
    """With SIGAP_ANALYSE_ON_COMMIT the report is read inside the reporter's request; the events of
    that reading (``report.submit`` among them) must still carry no network address or browser."""
    from sigap.audit.models import AuditEvent
    from sigap.core.context import RequestContext, reset_request_context, set_request_context
    from sigap.intake.services import _analyse_now

    report = report_submit(
        channel=Channel.WEB, text=SCAM, identity_tier=IdentityTier.ANONIM, consent=True
    ).report
    token = set_request_context(RequestContext(ip_address="203.0.113.9", user_agent="Reporter phone"))
    try:
        _analyse_now(report.pk)
    finally:
        reset_request_context(token)
    events = AuditEvent.objects.filter(object_type="intake.report", object_id=str(report.pk))
    assert {e.action for e in events} >= {"report.submit", "report.analyse"}
    assert all(e.ip_address is None and e.user_agent == "" for e in events)


def test_a_reading_takes_relative_dates_from_the_office_calendar(demo_world) -> None:
    """Written at 06:30 WIB on 29 November (still 28 November in UTC): "tgl 2" is three days on."""
    from datetime import datetime

    report = _submit(text="Anak saya diajak calo kerja ke Kamboja, berangkat tgl 2 lewat Bangkok.").report
    Report.objects.filter(pk=report.pk).update(created_at=datetime(2026, 11, 28, 23, 30, tzinfo=UTC))
    assert analyse_pending() == 1
    report.refresh_from_db()
    assert "departure_within_72h" in report.analysis["flags"]
