"""The world of the case tests: the demo accounts, a signal inside Serang and one in Tangerang."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sigap.intake.models import RISK_RANK, Channel, IdentityTier, Report
from sigap.intake.services import report_submit, reports_analyse_pending
from sigap.regions.services import regions_import_text

WIB = ZoneInfo("Asia/Jakarta")
LONTAR = "36.04.13.2007"  # Tirtayasa, Kabupaten Serang: the PIMPASA's and Kanim Serang's territory
SUKARASA = "36.71.01.1001"  # Kota Tangerang: Kanim Tangerang's territory only
TEXT = "Ada calo menawarkan kerja admin di Kamboja, gaji 20 juta, berangkat lusa lewat Bangkok."


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def users(demo_world) -> dict[str, Any]:
    regions_import_text(text="36.71.01,Tangerang\n36.71.01.1001,Sukarasa\n", code_version="kepmendagri_2025")
    for user in demo_world.values():
        user.forget_scope()
    return demo_world


@pytest.fixture
def make_report(users) -> Callable[..., Report]:
    """A stored report with the engine's reading written onto it (the tests do not run the worker)."""

    def make(
        desa: str | None = LONTAR,
        *,
        risk: str = "high",
        modus: list[str] | None = None,
        text: str = TEXT,
        channel: str = Channel.WEB,
    ) -> Report:
        report = report_submit(
            channel=channel, text=text, identity_tier=IdentityTier.ANONIM, consent=True, desa_code=desa
        ).report
        Report.objects.filter(pk=report.pk).update(
            relevant=True,
            risk=risk,
            risk_rank=RISK_RANK[risk],
            modus=modus or ["online_scam"],
            score=81.5,
            engine_version="test-catalogue/test-model",
        )
        report.refresh_from_db()
        return report

    return make


@pytest.fixture
def read_report(users) -> Callable[..., Report]:
    """A stored report read by the real engine, as the worker reads it (entities keyed too)."""

    def make(text: str, desa: str | None = LONTAR, **fields: Any) -> Report:
        report = report_submit(
            channel=Channel.WEB,
            text=text,
            identity_tier=fields.pop("identity_tier", IdentityTier.ANONIM),
            consent=True,
            desa_code=desa,
            **fields,
        ).report
        reports_analyse_pending(ids=[report.pk])
        report.refresh_from_db()
        return report

    return make
