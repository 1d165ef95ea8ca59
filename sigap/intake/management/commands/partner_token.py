"""``sigap partner-token NAME --channel sms``: issue a partner system's API token (shown once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sigap.core.exceptions import ApplicationError
from sigap.intake.models import Channel
from sigap.intake.services import partner_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a partner system that files reports on behalf of a channel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--channel", choices=Channel.values, default=Channel.API)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token, raw = partner_token_issue(name=options["name"], channel=options["channel"])
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"token for {token.name} ({token.channel}), shown only now:\n{raw}")
