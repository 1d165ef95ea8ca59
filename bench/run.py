"""SIGAP benchmarks (`make bench`). Figures are stated against a baseline measured in the same run.

1. National region import (91,599 units) into a fresh SQLite database, its idempotent second run,
   and the baseline: the same rows inserted with bare ``sqlite3.executemany`` into a table of the
   same shape (the floor any ORM-level importer can reach on this machine).
2. Region search ("lontar") through ``restrict`` vs the same query without it.
Needs ../shared/data/wilayah; prints a skip line and exits 0 when it is absent.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT.parent / "shared" / "data" / "wilayah" / "wilayah_kepmendagri_2025.csv"


def _timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def baseline_sqlite(tmp: Path) -> float:
    rows = [(r[0], r[1]) for r in csv.reader(CSV.open(encoding="utf-8")) if r and r[0] != "kode"]

    def run() -> None:
        db = tmp / f"baseline-{time.monotonic_ns()}.sqlite3"
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(
            "CREATE TABLE region (code TEXT PRIMARY KEY, name TEXT, name_search TEXT, level INT, kind TEXT,"
            " parent TEXT, code_version TEXT, retired_in TEXT, replaced_by TEXT, updated_at TEXT)"
        )
        con.execute("CREATE INDEX region_name ON region(name_search)")
        with con:
            con.executemany(
                "INSERT INTO region VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (c, n, n.lower(), c.count(".") + 1, "", c.rpartition(".")[0] or None, "v", "", None, "")
                    for c, n in rows
                ],
            )
        con.close()

    seconds, _ = _timed(run, repeat=3)
    return seconds


def main() -> int:
    if not CSV.exists():
        print(f"bench: skipped, {CSV} is not available")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="sigap-bench-"))
    os.environ["SIGAP_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sigap.settings.dev"
    os.environ.setdefault("SIGAP_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sigap.core.demo import demo_load
    from sigap.regions.models import Region
    from sigap.regions.selectors import region_search
    from sigap.regions.services import regions_import_file

    first, report = _timed(lambda: regions_import_file(path=CSV, code_version="kepmendagri_2025"))
    second, report2 = _timed(lambda: regions_import_file(path=CSV, code_version="kepmendagri_2025"))
    base = baseline_sqlite(tmp)
    print(f"regions in database: {Region.objects.count():,}")
    print(f"import-regions, first run:   {first:6.2f} s  ({report.changes:,} changes)")  # type: ignore[attr-defined]
    print(f"import-regions, second run:  {second:6.2f} s  ({report2.changes} changes)")  # type: ignore[attr-defined]
    print(f"baseline bare sqlite3 insert: {base:6.2f} s  -> first run = {first / base:.1f}x baseline")
    print(f"goal: first run under 10 s on SQLite -> {'met' if first < 10 else 'NOT met'}")

    demo_load(password="bench-only-password")
    from sigap.accounts.models import User

    kader = User.objects.get(username="kader.lontar")
    admin = User.objects.get(username="admin")
    n = 200
    times_scoped, times_admin = [], []
    for _ in range(n):
        t, found = _timed(lambda: region_search(user=kader, query="lontar"))
        times_scoped.append(t)
        t, _ = _timed(lambda: region_search(user=admin, query="lontar"))
        times_admin.append(t)
    assert found and found[0].code == "36.04.13.2007"  # type: ignore[index]
    p50_k, p50_a = statistics.median(times_scoped), statistics.median(times_admin)
    print(
        f"region search 'lontar' (91,599 units), median of {n}: kader {p50_k * 1000:.1f} ms, "
        f"national {p50_a * 1000:.1f} ms -> scoped/national = {p50_k / p50_a:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
