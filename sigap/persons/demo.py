"""Demo persons and screenings on the demo cases (``sigap.cases.demo``): added once, after the demo
signals. Every name and number is invented; phone numbers use the 0812-0000 range."""

from __future__ import annotations

from django.db import transaction

from sigap.accounts.models import User
from sigap.cases.models import Case
from sigap.persons.models import Person
from sigap.persons.services import PersonData, person_add, screening_record

DEMO_KEY = "demo-signal-"  # the idempotency keys of the demo reports (sigap.cases.demo)


def _demo_case(signal_key: str) -> Case | None:
    return Case.objects.filter(signals__report__idempotency_key=DEMO_KEY + signal_key).first()


@transaction.atomic
def demo_persons() -> int:
    """Add persons and a screening to the demo cases that have none; returns how many persons."""
    pimpasa = User.objects.filter(username="pimpasa.tirtayasa").first()
    sujung, lpk = _demo_case("sujung-kamboja"), _demo_case("tirtayasa-jepang")
    if pimpasa is None or sujung is None or Person.objects.filter(case__in=[sujung, lpk]).exists():
        return 0
    added = 0
    youth = person_add(
        case=sujung,
        actor=pimpasa,
        data=PersonData(
            role="potential_victim",
            gender="Masculine",
            age=17,
            relationship_to_trafficker="Acquainted",
            recruitment_methods=("ThroughOnlineSocialNetworks",),
            recruitment_apps=("WhatsApp",),
            name="Rizki (contoh)",
            phone="0812-0000-3101",
        ),
    )
    person_add(
        case=sujung,
        actor=pimpasa,
        data=PersonData(role="potential_victim", gender="Feminine", age=20, recruitment_apps=("WhatsApp",)),
    )
    person_add(
        case=sujung,
        actor=pimpasa,
        data=PersonData(
            role="suspected_recruiter",
            gender="Masculine",
            perpetrator_roles=("RecruiterOrIntermediary",),
            name="Bang Jo (contoh)",
            phone="0812-0000-4455",
        ),
    )
    added += 3
    screening_record(
        case=sujung,
        actor=pimpasa,
        person=youth,
        answers={
            "deceived_job": "yes",
            "deceived_wages": "yes",
            "vuln_information": "yes",
            "departure_72h": "no",
        },
    )
    if lpk is not None:
        person_add(
            case=lpk,
            actor=pimpasa,
            data=PersonData(
                role="potential_victim",
                gender="Feminine",
                birth_year=2006,
                recruitment_methods=("AtAnEducationalInstitution",),
            ),
        )
        person_add(
            case=lpk,
            actor=pimpasa,
            data=PersonData(role="suspected_recruiter", perpetrator_roles=("BrokerTravelAgent",)),
        )
        added += 2
        screening_record(
            case=lpk,
            actor=pimpasa,
            answers={"deceived_documents": "yes", "recruit_debt": "yes", "deceived_education": "yes"},
        )
    return added
