"""Reading persons and screenings: every read takes the user and goes through ``restrict``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sigap.cases.models import Case
from sigap.core.access import restrict
from sigap.persons.blind_index import normalise_phone, phone_index
from sigap.persons.models import Person, Screening


def case_persons(*, user: Any, case: Case) -> QuerySet[Person]:
    return restrict(Person.objects.filter(case=case), user, "view")


def case_screenings(*, user: Any, case: Case) -> QuerySet[Screening]:
    return restrict(Screening.objects.filter(case=case), user, "view").select_related("screened_by")


def latest_screening(*, user: Any, case: Case) -> Screening | None:
    return case_screenings(user=user, case=case).order_by("-screened_at", "-pk").first()


def persons_by_phone(*, user: Any, phone: str) -> QuerySet[Person] | None:
    """The persons with exactly this phone number in the cases ``user`` may see; None: not a number."""
    e164 = normalise_phone(phone)
    if not e164:
        return None
    found = Person.objects.filter(phone_index=phone_index(e164))
    return restrict(found, user, "view").select_related("case", "case__region").order_by("-case__opened_at")
