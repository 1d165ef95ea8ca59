from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sigap.regions.services import code_version_from_filename, regions_import_file

BUILTIN = Path(__file__).resolve().parents[2] / "fixtures" / "wilayah_banten_serang.csv"


class Command(BaseCommand):
    help = "Load a Kemendagri code list (kode,nama CSV) into the region table. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", help="CSV with kode,nama rows; default: the built-in Banten fixture"
        )
        parser.add_argument(
            "--code-version", help="code-list version, e.g. kepmendagri_2025 (default: from the file name)"
        )
        parser.add_argument(
            "--retire-missing",
            action="store_true",
            help="retire units absent from this (complete) list and link re-coded ones",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else BUILTIN
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        version = options["code_version"] or (
            settings.SIGAP_DEFAULT_CODE_VERSION if path == BUILTIN else code_version_from_filename(path)
        )
        started = time.perf_counter()
        report = regions_import_file(
            path=path, code_version=version, retire_missing=options["retire_missing"]
        )
        elapsed = time.perf_counter() - started
        for line_no, message in report.errors[:50]:
            self.stderr.write(f"line {line_no}: {message}")
        if len(report.errors) > 50:
            self.stderr.write(f"… and {len(report.errors) - 50} more errors")
        r = report
        self.stdout.write(
            f"{path.name} ({version}): {r.rows} rows, {r.changes} changes "
            f"(added {r.added}, renamed {r.renamed}, retired {r.retired}, "
            f"re-coded {r.recoded}, restored {r.restored}), unchanged {r.unchanged}, "
            f"errors {len(r.errors)} in {elapsed:.2f} s"
        )
