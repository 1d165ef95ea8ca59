"""The ``sigap`` console command: Django's management commands with friendlier names.

``sigap analyze``, ``sigap train`` and ``sigap evaluate`` run the detection engine without Django.
``sigap serve``, ``sigap demo``, ``sigap import-regions FILE.csv``, ``sigap audit-verify`` … Any
other Django command works too (``sigap migrate``, ``sigap createsuperuser``); dashes become
underscores.
"""

from __future__ import annotations

import os
import sys

DETECTION_COMMANDS = {"analyze", "train", "evaluate"}


def django_main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        print("\nCommands: serve, demo, import-regions, audit-verify, compile-catalogues, and Django's own.")
        if not args:
            return
        args = ["help", *args[1:]]
    if args[0] in DETECTION_COMMANDS:
        # The detection engine needs no database and no Django settings.
        from sigap.detection.cli import main as detection_main

        raise SystemExit(detection_main(args))
    args[0] = args[0].replace("-", "_")
    django_main(["sigap", *args])


if __name__ == "__main__":
    main()
