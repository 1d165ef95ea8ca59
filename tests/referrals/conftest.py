"""The world of the referral tests: the case fixtures, a case in Lontar and one in Tangerang."""

from __future__ import annotations

from typing import Any

import pytest

from sigap.accounts.roles import Role
from sigap.accounts.services import user_create
from sigap.cases.models import Case, TriageKind
from sigap.cases.services import triage_decide
from sigap.organisations.models import Organisation
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import SUKARASA, wib

# The case tests' fixtures, shared: the demo accounts with Tangerang, and a stored, read report.
users = case_fixtures.users
make_report = case_fixtures.make_report

MONDAY = wib(2026, 7, 6, 9, 0)  # no holiday that week or the next


@pytest.fixture
def orgs(users) -> dict[str, Organisation]:
    return {
        "polres": Organisation.objects.get(short_name="Polres Serang"),
        "disnaker": Organisation.objects.get(short_name="Disnaker Kab. Serang"),
        "polres_tng": Organisation.objects.get(name__startswith="Polres Metro Tangerang"),
        "kanim": Organisation.objects.get(short_name="Kanim Serang"),
    }


@pytest.fixture
def people(users, orgs) -> dict[str, Any]:
    """The demo accounts with addresses, plus a liaison of Disnaker and one of Polres Tangerang."""
    for name in ("mitra.polres", "pimpasa.tirtayasa", "supervisor.serang"):
        user = users[name]
        user.email = f"{name}@demo.sigap.invalid"
        user.save(update_fields=["email"])
    extra = {
        "mitra.disnaker": user_create(
            username="mitra.disnaker",
            password=None,
            role=Role.MITRA,
            organisation=orgs["disnaker"],
            email="mitra.disnaker@demo.sigap.invalid",
        ),
        "mitra.tangerang": user_create(
            username="mitra.tangerang", password=None, role=Role.MITRA, organisation=orgs["polres_tng"]
        ),
    }
    return users | extra


@pytest.fixture
def case(people, make_report) -> Case:
    report = make_report(risk="high")
    opened = triage_decide(
        report=report,
        kind=TriageKind.OPEN_CASE,
        reason="Indikasi kuat TPPO",
        actor=people["pimpasa.tirtayasa"],
        title="Kasus Kamboja",
        now=MONDAY,
    ).case
    assert opened is not None
    return opened


@pytest.fixture
def case_tng(people, make_report) -> Case:
    report = make_report(SUKARASA, risk="critical")
    opened = triage_decide(
        report=report,
        kind=TriageKind.OPEN_CASE,
        reason="Darurat",
        actor=people["supervisor.tangerang"],
        title="Kasus Tangerang",
        now=MONDAY,
    ).case
    assert opened is not None
    return opened
