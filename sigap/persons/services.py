"""Writing persons and screenings: keyword-only services, one transaction each, every write audited.

Acting needs the "change" reach on the case (``restrict(Case, "change")``); an object outside it raises
``PermissionDenied``. Identifiers are sealed before they reach the database and are read only through
:func:`person_identifiers`, which checks the same reach and audits the read with its purpose. Audit
metadata holds ids, codes and counts only: never a name, number or address.

A refusal about one field names it by its translated label (never its attribute name or a question
code) and carries the attribute in ``ApplicationError.extra["field"]`` (a screening question's code in
``extra["question"]``), so the form shows the message next to that field. A refused call writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from sigap.audit.services import audit_read, audit_record
from sigap.cases.models import Case
from sigap.cases.services import case_refresh_risk
from sigap.core.crypto import seal, unseal
from sigap.core.exceptions import ApplicationError
from sigap.core.guards import may, require, resolve_now
from sigap.core.rotation import BATCH, rewrite_by_pk
from sigap.persons import screening as checklist_rules
from sigap.persons.blind_index import normalise_phone, phone_index
from sigap.persons.models import (
    IDENTIFIERS,
    ControlMethod,
    ExploitationType,
    Gender,
    PerpetratorRole,
    Person,
    PersonRole,
    ReadPurpose,
    RecruitmentApp,
    RecruitmentMethod,
    RelationshipToTrafficker,
    Screening,
    TraffickingStatus,
)

IDENTIFIER_MAX = 300
#: Fields a service may set besides the identifiers, with the choices a value must come from.
_CHOICE_FIELDS: dict[str, Any] = {
    "role": PersonRole,
    "gender": Gender,
    "trafficking_status": TraffickingStatus,
    "relationship_to_trafficker": RelationshipToTrafficker,
}
_MULTI_FIELDS: dict[str, Any] = {
    "recruitment_methods": RecruitmentMethod,
    "recruitment_apps": RecruitmentApp,
    "exploitation_types": ExploitationType,
    "control_methods": ControlMethod,
    "perpetrator_roles": PerpetratorRole,
}
_PLAIN_FIELDS = ("birth_year", "age", "citizenship")


@dataclass(frozen=True)
class PersonData:
    """What an officer enters about a person. Identifiers: None keeps the stored value, "" clears it."""

    role: str
    gender: str = ""
    birth_year: int | None = None
    age: int | None = None
    citizenship: str = "ID"
    trafficking_status: str = ""
    relationship_to_trafficker: str = ""
    recruitment_methods: tuple[str, ...] = ()
    recruitment_apps: tuple[str, ...] = ()
    exploitation_types: tuple[str, ...] = ()
    control_methods: tuple[str, ...] = ()
    perpetrator_roles: tuple[str, ...] = ()
    name: str | None = None
    identity_number: str | None = None
    phone: str | None = None
    address: str | None = None
    birthdate: str | None = None  # ISO date


def _label(name: str) -> StrOrPromise:
    """The translated label of a person's field or identifier, for a message the officer reads."""
    field = Person._meta.get_field(IDENTIFIERS.get(name, name))
    assert isinstance(field, Field)
    return field.verbose_name


def _unknown_value(name: str) -> ApplicationError:
    return ApplicationError(_("Unknown value for %(field)s.") % {"field": _label(name)}, field=name)


def _clean(data: PersonData, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, choices in _CHOICE_FIELDS.items():
        value = getattr(data, name) or ""
        if value and value not in choices.values:
            raise _unknown_value(name)
        values[name] = value
    if not values["role"]:
        raise ApplicationError(_("Say what role the person has in the case."), field="role")
    for name, choices in _MULTI_FIELDS.items():
        chosen = list(dict.fromkeys(getattr(data, name) or ()))
        if any(v not in choices.values for v in chosen):
            raise _unknown_value(name)
        values[name] = chosen
    if data.birth_year is not None and not (today.year - 120 <= data.birth_year <= today.year):
        raise ApplicationError(_("The year of birth is not plausible."), field="birth_year")
    if data.age is not None and not (0 <= data.age <= 120):
        raise ApplicationError(_("The age is not plausible."), field="age")
    citizenship = (data.citizenship or "").strip().upper()
    if citizenship and not (len(citizenship) == 2 and citizenship.isalpha()):
        raise ApplicationError(
            _("Citizenship is a two-letter country code (ID, MY, KH …)."), field="citizenship"
        )
    values.update(birth_year=data.birth_year, age=data.age, citizenship=citizenship)
    return values


def _seal_identifiers(person: Person, data: PersonData) -> list[str]:
    """Seal the identifiers given; returns the names of those that changed (for the audit)."""
    changed = []
    for name, column in IDENTIFIERS.items():
        value = getattr(data, name)
        if value is None:
            continue
        value = value.replace("\x00", "").strip()
        if len(value) > IDENTIFIER_MAX:
            raise ApplicationError(
                _("Too long for %(field)s: at most %(max)d characters.")
                % {"field": _label(name), "max": IDENTIFIER_MAX},
                field=name,
            )
        if name == "birthdate" and value:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ApplicationError(_("Write the date of birth as YYYY-MM-DD."), field=name) from exc
        if name == "phone":
            e164 = normalise_phone(value)
            if value and not e164:
                raise ApplicationError(_("This is not a phone number SIGAP can read."), field=name)
            value = e164
            person.phone_index = phone_index(e164)
        setattr(person, column, seal(value))
        changed.append(name)
    return changed


@transaction.atomic
def person_add(*, case: Case, actor: Any, data: PersonData, now: datetime | None = None) -> Person:
    require(actor, case, "change")
    now = resolve_now(now)
    person = Person(case=case, created_by=actor, created_at=now, **_clean(data, now.date()))
    identifiers = _seal_identifiers(person, data)
    person.save()
    audit_record(
        actor=actor,
        action="person.add",
        obj=person,
        metadata={"case": case.pk, "role": person.role, "identifiers": identifiers},
    )
    return person


@transaction.atomic
def person_update(*, person: Person, actor: Any, data: PersonData) -> Person:
    require(actor, person.case, "change")
    person = Person.objects.select_for_update().get(pk=person.pk)
    for name, value in _clean(data, timezone.localdate()).items():
        setattr(person, name, value)
    identifiers = _seal_identifiers(person, data)
    person.save()
    audit_record(
        actor=actor,
        action="person.update",
        obj=person,
        metadata={"case": person.case_id, "role": person.role, "identifiers": identifiers},
    )
    return person


def may_see_identifiers(user: Any, person: Person) -> bool:
    """Whoever works the person's case ("change" on the person) may see its identifiers."""
    return may(user, person, "change")


def person_identifiers(*, person: Person, actor: Any, purpose: str) -> dict[str, str]:
    """The person's identifiers in plain text, for ``actor`` who works the case; the read is audited
    with its ``purpose`` (a ``ReadPurpose`` code: no free text reaches the audit trail)."""
    if not may_see_identifiers(actor, person):
        raise PermissionDenied
    if purpose not in ReadPurpose.values:
        raise ApplicationError(_("Say why you need to see the identifiers: it is recorded."), field="purpose")
    audit_read(actor=actor, obj=person, fields=sorted(IDENTIFIERS), purpose=purpose)
    return person.unsealed()


@transaction.atomic
def screening_record(
    *,
    case: Case,
    actor: Any,
    answers: dict[str, str],
    person: Person | None = None,
    now: datetime | None = None,
) -> Screening:
    """Store one screening, its dimensions and risk; the case's risk becomes the highest of its
    signals' and this screening's (``cases.services.case_refresh_risk``), its clock follows."""
    require(actor, case, "change")
    now = resolve_now(now)
    if person is not None and person.case_id != case.pk:
        raise ApplicationError(_("That person belongs to another case."), field="person")
    rules = checklist_rules.checklist()
    known = rules.by_code()
    clean = {code: answers.get(code) or "unknown" for code in known}
    for code, value in clean.items():
        if value not in checklist_rules.ANSWERS:
            raise ApplicationError(
                _("Answer “%(question)s” with yes, no or unknown.") % {"question": known[code].text},
                extra={"question": code},
            )
    age = person.age_on(now.date()) if person is not None else None
    result = checklist_rules.evaluate(clean, minor=age is not None and age < 18)
    screening = Screening.objects.create(
        case=case,
        person=person,
        checklist_version=rules.version,
        answers=clean,
        positive_dimensions=result.positive_dimensions,
        flags=result.flags,
        risk=result.risk,
        screened_by=actor,
        screened_at=now,
    )
    audit_record(
        actor=actor,
        action="screening.record",
        obj=screening,
        metadata={
            "case": case.pk,
            "person": person.pk if person else None,
            "version": rules.version,
            "positive": result.positive_dimensions,
            "flags": result.flags,
            "risk": result.risk,
        },
    )
    case_refresh_risk(case=case, actor=actor, now=now)
    return screening


def phone_lookup(*, actor: Any, phone: str) -> list[Person] | None:
    """The persons with exactly this phone number in cases ``actor`` may see (None: not a number).
    The search is audited with the number of matches only: never the number itself."""
    from sigap.persons.selectors import persons_by_phone

    found = persons_by_phone(user=actor, phone=phone)
    if found is None:
        return None
    persons = list(found)
    audit_record(
        actor=actor,
        action="person.phone_lookup",
        object_type="persons.person",
        metadata={"matches": len(persons), "cases": sorted({p.case_id for p in persons})},
    )
    return persons


def phone_index_rebuild(*, batch: int = BATCH) -> int:
    """Recompute every person's phone blind index from the sealed number (after
    ``SIGAP_BLIND_INDEX_KEY`` changed), ``batch`` persons per transaction; returns how many changed.

    Each batch is read locked and written in one transaction (``core.rotation.rewrite_by_pk``), so an
    officer who changes a number meanwhile keeps the number and its index. Each number is decrypted
    once, and only when there is one. ``sigap rotate-keys --rebuild-index`` runs it and audits the
    count with the key rotation."""
    return rewrite_by_pk(
        Person,
        columns=["phone_sealed", "phone_index"],
        fields=["phone_index"],
        batch=batch,
        change=_reindex_phone,
    )


def _reindex_phone(person: Person) -> bool:
    index = phone_index(unseal(person.phone_sealed))
    if index == person.phone_index:
        return False
    person.phone_index = index
    return True
