"""A small realistic world: a case in Kanim Serang's territory and one in Kanim Tangerang's, each with
persons (identifiers sealed, the same phone number in both) and a screening."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sigap.cases.models import Case, TriageKind
from sigap.cases.services import case_note_add, triage_decide
from sigap.persons.models import Person, PersonRole, Screening
from sigap.persons.services import PersonData, person_add, screening_record
from tests.cases.conftest import LONTAR, SUKARASA, make_report, users  # noqa: F401 - fixtures

PHONE = "0812-3456-7890"
PHONE_E164 = "+6281234567890"
VICTIM_NAME = "Siti Rahmawati Contoh"


@dataclass
class PersonsWorld:
    users: dict[str, Any]
    case_serang: Case
    case_tangerang: Case
    victim: Person
    recruiter: Person
    victim_tng: Person
    screening: Screening


def victim_data(**overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "role": PersonRole.POTENTIAL_VICTIM,
        "gender": "Feminine",
        "age": 17,
        "citizenship": "ID",
        "relationship_to_trafficker": "Acquainted",
        "recruitment_methods": ("ThroughOnlineSocialNetworks",),
        "recruitment_apps": ("Telegram", "WhatsApp"),
        "control_methods": ("WithholdsDocuments", "DebtBondage"),
        "exploitation_types": ("ForcedLabour",),
        "name": VICTIM_NAME,
        "identity_number": "3604134507090001",
        "phone": PHONE,
        "address": "Kp. Contoh RT 01/02, Lontar",
        "birthdate": "2009-07-05",
    }
    values.update(overrides)
    return PersonData(**values)


@pytest.fixture
def world(users, make_report) -> PersonsWorld:  # noqa: F811 - the imported fixtures
    pimpasa, tng = users["pimpasa.tirtayasa"], users["supervisor.tangerang"]
    case_serang = triage_decide(
        report=make_report(LONTAR, risk="medium"),
        kind=TriageKind.OPEN_CASE,
        actor=pimpasa,
        reason="Perlu ditangani",
        title="Tawaran kerja Kamboja (Lontar)",
    ).case
    case_tangerang = triage_decide(
        report=make_report(SUKARASA, risk="high", modus=["people_smuggling"]),
        kind=TriageKind.OPEN_CASE,
        actor=tng,
        reason="Perlu ditangani",
        title="Kapal malam (Sukarasa)",
    ).case
    assert case_serang is not None and case_tangerang is not None
    victim = person_add(case=case_serang, actor=pimpasa, data=victim_data())
    recruiter = person_add(
        case=case_serang,
        actor=pimpasa,
        data=PersonData(
            role=PersonRole.SUSPECTED_RECRUITER, gender="Masculine", birth_year=1985, name="Calo Contoh"
        ),
    )
    victim_tng = person_add(
        case=case_tangerang,
        actor=tng,
        data=victim_data(name="Orang Tangerang", phone="+62 812 3456 7890", age=30),
    )
    person_add(
        case=case_tangerang,
        actor=tng,
        data=PersonData(role=PersonRole.SUSPECTED_SMUGGLER, perpetrator_roles=("Smuggler", "Transporter")),
    )
    case_note_add(case=case_serang, actor=pimpasa, body=f"Bertemu {VICTIM_NAME} di rumahnya.")
    screening = screening_record(
        case=case_serang,
        actor=pimpasa,
        person=victim,
        answers={
            "deceived_job": "yes",
            "deceived_wages": "yes",
            "recruit_debt": "yes",
            "departure_72h": "no",
        },
    )
    screening_record(case=case_tangerang, actor=tng, answers={"exit_irregular": "yes"})
    case_serang.refresh_from_db()
    case_tangerang.refresh_from_db()
    return PersonsWorld(users, case_serang, case_tangerang, victim, recruiter, victim_tng, screening)
