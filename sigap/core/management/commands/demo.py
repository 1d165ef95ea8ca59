from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sigap.core.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo setting (Kanwil Banten, Kanim Serang, Desa Lontar …) and one account per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="allow on a non-debug (production) installation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to create demo accounts with a known password outside development.")
        logins = demo_load()
        from sigap.cases.demo import demo_signals

        added = demo_signals()
        if added:
            self.stdout.write(f"Demo signals: {added} reports read by the engine, some triaged into cases.")
        from sigap.cases.demo import demo_history

        if past := demo_history():
            self.stdout.write(
                f"Demo history: {past} settled signals from the year around the seed socialisation."
            )
        from sigap.persons.demo import demo_persons

        if demo_persons():
            self.stdout.write("Demo persons and screenings added to the demo cases.")
        from sigap.programme.demo import demo_programme

        if demo_programme():
            self.stdout.write("Demo programme: Desa Binaan and the 12 Nov 2025 socialisation.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of these (password below):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<22} {login.role}  [{login.where}]")
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")
