from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonsConfig(AppConfig):
    name = "sigap.persons"
    label = "persons"
    verbose_name = _("Persons involved and screening")

    def ready(self) -> None:
        from sigap.cases.selectors import CASE_AUDIT_SOURCES

        CASE_AUDIT_SOURCES.append(_case_person_objects)


def _case_person_objects(case: Any) -> list[tuple[str, list[int]]]:
    """The case's persons (added, changed, identifiers shown) and screenings belong to its trail."""
    from sigap.persons.models import Person, Screening

    return [
        ("persons.person", list(Person.objects.filter(case=case).values_list("pk", flat=True))),
        ("persons.screening", list(Screening.objects.filter(case=case).values_list("pk", flat=True))),
    ]
