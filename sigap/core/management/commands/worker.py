from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from sigap.cases.services import cases_escalate_overdue
from sigap.intake.services import ANALYSIS_BATCH
from sigap.intake.tasks import analyse_pending
from sigap.referrals.services import referrals_remind_and_escalate

logger = logging.getLogger(__name__)
BACKOFF_MAX = 30.0


class Command(BaseCommand):
    help = (
        "The background worker: reads new reports with the detection engine in batches and alerts on "
        "critical ones; every SIGAP_ESCALATION_SECONDS it escalates cases whose response is overdue, "
        "reminds partners of referrals nearly due and escalates those past due. "
        "Several may run at once (PostgreSQL); SIGTERM stops it after its batch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=ANALYSIS_BATCH, help="reports per transaction")
        parser.add_argument("--once", action="store_true", help="read everything waiting, then stop")
        parser.add_argument(
            "--idle",
            type=float,
            default=settings.SIGAP_WORKER_IDLE_SECONDS,
            help="seconds to sleep when nothing is waiting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        total, backoff, escalated, next_sweep = 0, 0.0, 0, 0.0
        while not stopping:
            if not connection.in_atomic_block:  # (inside a test's transaction, closing would lose it)
                close_old_connections()  # a connection lost between batches is reopened, not fatal
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + settings.SIGAP_ESCALATION_SECONDS
                try:
                    escalated += len(cases_escalate_overdue(now=timezone.now()))
                    referrals_remind_and_escalate(now=timezone.now())
                except Exception as error:  # the next sweep tries again; reading reports goes on
                    logger.warning("worker: escalation sweep failed (%s)", type(error).__name__)
            try:
                done = analyse_pending(limit=options["batch"])
            except Exception as error:  # the database went away, say: the batch rolled back, retry later
                if options["once"]:
                    raise  # a one-off run (a script, a test) must fail, not wait for ever
                backoff = min(BACKOFF_MAX, backoff * 2 or 1.0)
                logger.warning("worker: batch failed (%s); retrying in %.0f s", type(error).__name__, backoff)
                time.sleep(backoff)
                continue
            backoff = 0.0
            total += done
            if done:
                continue
            if options["once"]:
                break
            time.sleep(options["idle"])
        if options["verbosity"] > 1 or options["once"]:
            self.stdout.write(f"{total} report(s) read")
            if escalated:
                self.stdout.write(f"{escalated} overdue case(s) escalated")
