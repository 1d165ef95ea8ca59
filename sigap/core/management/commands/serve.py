from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server and the background worker (`sigap worker`) together; Ctrl+C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="web server only")
        parser.add_argument(
            "--noreload", action="store_true", help="do not restart the web server on code changes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        manage = [python, "-m", "sigap.cli"]
        web = [*manage, "runserver", options["addrport"], *(["--noreload"] if options["noreload"] else [])]
        # Each child leads its own process group, so stopping also stops the reloader's own child.
        procs = [subprocess.Popen(web, start_new_session=True)]
        if not options["no_worker"]:
            procs.append(subprocess.Popen([*manage, "worker"], start_new_session=True))
        self.stdout.write(
            f"SIGAP on http://{options['addrport']}/ (worker: {'off' if options['no_worker'] else 'on'})"
        )

        def stop(*_: Any) -> None:
            for proc in procs:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(proc.poll() is None for proc in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
