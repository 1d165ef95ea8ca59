from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sigap.accounts.roles import Role
from sigap.accounts.services import user_create
from sigap.cases.models import Case, TriageKind
from sigap.cases.services import triage_decide
from sigap.organisations.models import Organisation
from sigap.persons.models import PersonRole
from sigap.persons.services import PersonData, person_add
from sigap.referrals.services import referral_accept, referral_create
from tests.cases.conftest import LONTAR, SUKARASA, make_report, users  # noqa: F401 - fixtures
from tests.persons.conftest import world  # noqa: F401 - fixtures

PONTANG = "36.04.12.2001"
#: (desa, the officer who opens the case, the partner it is referred to)
PLACES = (
    (LONTAR, "pimpasa.tirtayasa", {"short_name": "Polres Serang"}),
    (PONTANG, "supervisor.serang", {"short_name": "Disnaker Kab. Serang"}),
    (SUKARASA, "supervisor.tangerang", {"name__startswith": "Polres Metro Tangerang"}),
)
MODUS = (["online_scam"], ["people_smuggling"], ["online_scam", "fake_job_offer"], ["none"])
RISKS = ("low", "medium", "high", "critical")


@pytest.fixture
def add_cases(users, make_report) -> Callable[[int], list[Case]]:  # noqa: F811 - the imported fixtures
    """``add_cases(n)``: n more cases in three places (two kabupaten/kota), each with one or two
    signals, one or two persons and a referral (every other one accepted by the partner)."""
    made = 0

    def add(n: int) -> list[Case]:
        nonlocal made
        cases = []
        for i in range(made, made + n):
            desa, officer, partner_lookup = PLACES[i % len(PLACES)]
            actor: Any = users[officer]
            report = make_report(desa, risk=RISKS[i % 4], modus=MODUS[i % 4])
            case = triage_decide(
                report=report, kind=TriageKind.OPEN_CASE, actor=actor, reason="Perlu ditangani"
            ).case
            assert case is not None
            if i % 2:
                triage_decide(
                    report=make_report(desa, risk="high"),
                    kind=TriageKind.MERGE_INTO_CASE,
                    actor=actor,
                    reason="Laporan yang sama",
                    case=case,
                )
            person_add(
                case=case,
                actor=actor,
                data=PersonData(
                    role=PersonRole.POTENTIAL_VICTIM,
                    gender=("Feminine", "Masculine")[i % 2],
                    age=15 + i % 30,
                    recruitment_methods=("ThroughOnlineSocialNetworks",),
                    control_methods=("WithholdsDocuments",) if i % 3 else (),
                    name=f"Korban {i}",
                ),
            )
            if i % 3 == 0:
                person_add(
                    case=case,
                    actor=actor,
                    data=PersonData(role=PersonRole.SUSPECTED_RECRUITER, gender="Masculine", birth_year=1980),
                )
            partner = Organisation.objects.get(**partner_lookup)
            (referral,) = referral_create(case=case, partners=[partner], asked="Mohon bantuan", actor=actor)
            if i % 2 == 0:
                liaison = user_create(
                    username=f"mitra.{i}", password=None, role=Role.MITRA, organisation=partner
                )
                referral_accept(referral=referral, actor=liaison)
            cases.append(case)
        made += n
        return cases

    return add
