from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sigap.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exits non-zero and names the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at row #{result.bad_id}: {result.reason} "
                f"({result.checked} rows verified before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} rows verified."))
