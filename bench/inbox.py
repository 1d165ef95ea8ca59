"""Officer inbox at scale (issue #5): the first page with 200,000 signals in PostgreSQL.

A fresh PostgreSQL database is migrated with the production settings; the demo accounts are loaded,
all 91,599 Kemendagri regions when ../shared/data/wilayah is there (else the Banten fixture), and
200,000 signals are written with COPY: texts from the detection corpus's *training* files, each with
the engine's real reading, spread over a year, 5 % of them in Kabupaten Serang (the demo office's
jurisdiction) and the rest over every desa of the country; 70 % still wait for a decision.

Then each page is requested in-process through Django's full stack (middleware, sessions, restrict,
templates): the time measured is the server's time for the response. Per user and filter: p50 and
p95 over the requests after a warm-up, and the queries the page ran. The baseline, measured in the
same run, is the home page (same stack, no list).

Goal (issue #5): the inbox's first page under 50 ms server time at p95 with 200,000 signals.
Prints a skip line and exits 0 when PostgreSQL is not reachable.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.intake_api import drop_database, pg_reachable, recreate_database, server_env  # noqa: E402

CORPUS = ROOT / "sigap" / "detection" / "corpus"
WILAYAH = Path(os.environ.get("SIGAP_SHARED_DIR", ROOT.parent / "shared")) / "data" / "wilayah"
GOAL_MS = 50.0
SERANG = ("36.04", "36.73")


def _setup_django(database: str, var_dir: Path) -> None:
    """The production settings with throwaway keys, as the intake bench serves them."""
    env = server_env(database=database, var_dir=var_dir, redis_db=None)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE_", "SIGAP_"))})
    import django

    django.setup()


def _training_texts() -> list[str]:
    """Texts of the corpus's training splits only (the sealed evaluation splits are never read)."""
    from sigap.detection.evaluation import TRAINING_SPLITS

    texts = []
    for split in TRAINING_SPLITS:
        path = CORPUS / f"{split}.jsonl"
        with path.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def _desa_codes() -> tuple[list[str], list[str]]:
    """(desa of Kabupaten Serang and Kota Serang, every other desa)."""
    from sigap.regions.models import Level, Region

    codes = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    home = [c for c in codes if c.startswith(tuple(p + "." for p in SERANG))]
    home_set = set(home)
    return home, [c for c in codes if c not in home_set] or home


def _populate(count: int, seed: int = 2026) -> dict[str, int]:
    """COPY ``count`` read signals into intake_report (and their entity keys); returns a summary."""
    from django.db import connection

    from sigap.core.crypto import digest
    from sigap.detection import analyze
    from sigap.intake.entities import entity_keys
    from sigap.intake.models import RISK_RANK, TRIAGE_OPEN, UNREAD_RANK, ReportStatus

    closed = (ReportStatus.FOLLOWED_UP.value, ReportStatus.CLOSED.value)

    rng = random.Random(seed)
    texts = _training_texts()
    readings = [analyze(text, id=i).to_record() for i, text in enumerate(texts)]
    home, elsewhere = _desa_codes()
    now = datetime.now(UTC)
    columns = (
        "channel, text, location_text, occurred_text, age_band, relation, recruiter_text, identity_tier, "
        "reporter_name_sealed, reporter_contact_sealed, consent_at, consent_version, receipt_digest, "
        "pin_digest, status, simhash, relevant, risk, risk_rank, modus, score, analysis, engine_version, "
        "analysed_at, created_at, updated_at, desa_id"
    )
    summary = {"serang": 0, "open": 0}
    buffer = io.StringIO()
    keys_of: list[list[tuple[str, str]]] = []
    for n in range(count):
        i = rng.randrange(len(texts))
        record = readings[i]
        in_serang = rng.random() < 0.05
        desa = rng.choice(home if in_serang else elsewhere)
        status = rng.choice(TRIAGE_OPEN) if rng.random() < 0.7 else rng.choice(closed)
        at = (now - timedelta(seconds=rng.randrange(365 * 86400))).isoformat()
        summary["serang"] += in_serang
        summary["open"] += status in TRIAGE_OPEN
        row = [
            rng.choice(("web", "whatsapp", "sms", "pwa")),
            texts[i],
            "",
            "",
            "",
            "",
            "",
            "anonim",
            "",
            "",
            at,
            "2026-11",
            digest("bench-receipt", str(n)),
            digest("bench-pin", str(n)),
            status,
            "0",
            "t" if record["relevant"] else "f",
            record["risk"],
            str(RISK_RANK.get(record["risk"], UNREAD_RANK)),
            json.dumps(record["modus"]),
            str(record["score"]),
            json.dumps(record, ensure_ascii=False),
            "bench",
            at,
            at,
            at,
            desa,
        ]
        buffer.write("\t".join(_copy_escape(v) for v in row) + "\n")
        keys_of.append(list(entity_keys(record.get("entities") or {})))
    buffer.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.connection  # psycopg 3
        with raw.cursor() as c, c.copy(f"COPY intake_report ({columns}) FROM STDIN") as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        cursor.execute("SELECT min(id) FROM intake_report WHERE engine_version = 'bench'")
        first = cursor.fetchone()[0]
        entities = io.StringIO()
        for offset, keys in enumerate(keys_of):
            for kind, key in keys:
                entities.write(f"{first + offset}\t{kind}\t{key}\n")
        entities.seek(0)
        with (
            raw.cursor() as c,
            c.copy("COPY intake_reportentity (report_id, kind, digest) FROM STDIN") as copy,
        ):
            copy.write(entities.read())
        cursor.execute("ANALYZE")
    return summary


def _copy_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _measure(client: Any, url: str, *, warmup: int, repeat: int) -> tuple[float, float, int, int]:
    """(p50 ms, p95 ms, queries, status) of GET ``url``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url, HTTP_HOST="127.0.0.1", secure=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1", secure=True)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HOST="127.0.0.1", secure=True)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(captured.captured_queries), response.status_code


def _signed_in(user: Any) -> Any:
    """A client signed in with a verified second factor, as production requires of officers."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument(
        "--database", default=os.environ.get("SIGAP_BENCH_INBOX_DATABASE", "sigap_bench_inbox")
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (for profiling)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep")
    args = parser.parse_args(argv)
    problem = pg_reachable()
    if problem:
        print(f"inbox bench: skipped (PostgreSQL not reachable: {problem})")
        return 0
    if not args.reuse:
        recreate_database(args.database)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _setup_django(args.database, Path(tmp))
            return _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database)


def _run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from sigap.accounts.models import User
    from sigap.core.demo import demo_load
    from sigap.regions.services import regions_import_file

    settings.DEBUG = False
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    csv_path = WILAYAH / "wilayah_kepmendagri_2025.csv"
    regions = "all 91,599 Kemendagri regions" if csv_path.exists() else "Banten fixture"
    if not args.reuse:
        call_command("migrate", verbosity=0)
        if csv_path.exists():
            regions_import_file(path=csv_path, code_version="kepmendagri_2025")
        demo_load(password="bench-password-not-secret")
    loaded = time.perf_counter()
    summary = _populate(args.signals) if not args.reuse else {"serang": 0, "open": 0}
    populated = time.perf_counter()
    print(
        f"inbox bench: PostgreSQL {args.database}, {regions}; {args.signals:,} signals "
        f"({summary['serang']:,} in Kabupaten/Kota Serang, {summary['open']:,} waiting for a decision) "
        f"written in {populated - loaded:.1f} s (set-up {loaded - started:.1f} s)"
    )
    pages = [
        ("home page (baseline)", "/"),
        ("inbox, first page", "/sinyal/"),
        ("inbox, risk = critical", "/sinyal/?risk=critical"),
        ("inbox, modus = online_scam", "/sinyal/?modus=online_scam"),
        ("inbox, search 'kamboja'", "/sinyal/?q=kamboja"),
        ("inbox, kecamatan Tirtayasa", "/sinyal/?wilayah=36.04.13"),
        ("inbox, page 5", "/sinyal/?page=5"),
        ("inbox, all statuses", "/sinyal/?status=all"),
    ]
    worst_first = 0.0
    print(f"{'user':<20} {'page':<30} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'× home':>7}")
    for username in ("pusat", "supervisor.serang", "pimpasa.tirtayasa", "analis.banten"):
        client = _signed_in(User.objects.get(username=username))
        baseline = None
        for label, url in pages:
            p50, p95, queries, status = _measure(client, url, warmup=5, repeat=args.repeat)
            if status != 200:
                print(f"{username:<20} {label:<30} HTTP {status}")
                return 1
            baseline = baseline or p95
            if url == "/sinyal/":
                worst_first = max(worst_first, p95)
            print(f"{username:<20} {label:<30} {p50:7.1f} {p95:7.1f} {queries:7d} {p95 / baseline:7.1f}")
    verdict = "met" if worst_first < GOAL_MS else "NOT met"
    print(
        f"inbox first page, worst p95 of the users: {worst_first:.1f} ms (goal < {GOAL_MS:.0f} ms: {verdict})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
