from __future__ import annotations

import argparse
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sigap.core.rotation import BATCH, rotate_keys
from sigap.persons.services import phone_index_rebuild


def _rows(text: str) -> int:
    """A batch size: a run with no rows per batch would rotate nothing and say so."""
    rows = int(text)
    if rows < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return rows


class Command(BaseCommand):
    help = (
        "Re-encrypt every sealed personal-data column under the first key of SIGAP_FIELD_KEYS "
        "(put the new key first, keep the old ones, run this while SIGAP works, run it again: it must "
        "re-encrypt nothing; then remove the old keys). "
        "--rebuild-index recomputes the phone blind index after SIGAP_BLIND_INDEX_KEY changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=_rows, default=BATCH, help="rows per transaction")
        parser.add_argument("--rebuild-index", action="store_true", help="recompute the phone blind index")

    def handle(self, *args: Any, **options: Any) -> None:
        reindex = partial(phone_index_rebuild, batch=options["batch"]) if options["rebuild_index"] else None
        report = rotate_keys(batch=options["batch"], reindex=reindex)
        for column, count in sorted(report.rotated.items()):
            self.stdout.write(f"{column}: {count} re-encrypted")
        self.stdout.write(
            f"Re-encrypted {report.total_rotated} value(s); "
            f"{sum(report.current.values())} already under the first key; "
            f"{report.reindexed} phone index(es) rebuilt."
        )
