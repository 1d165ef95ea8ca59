"""Writing the programme's data: keyword-only functions, one transaction each, every step audited.

Acting needs the "change" reach on the village (``restrict(..., "change")``: the PIMPASA and the Kanim
supervisor in their territory, administrators everywhere); otherwise ``PermissionDenied``. Public
test answers (``test_submit`` with no actor) need only an open test. Audit metadata holds ids, codes
and counts, never names, phone numbers, questions or answers.
"""

from __future__ import annotations

import secrets
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sigap.audit.services import audit_read, audit_record
from sigap.core.access import reach_of
from sigap.core.crypto import digest, seal, unseal
from sigap.core.exceptions import ApplicationError
from sigap.core.guards import clean_text, require
from sigap.intake.attachments import CleanFile
from sigap.intake.services import store_clean_files
from sigap.organisations.models import Organisation, OrgKind
from sigap.programme.models import (
    DESIGNATION_STATUSES,
    Activity,
    ActivityKind,
    ActivityPhoto,
    ContactRole,
    Criterion,
    DesaBinaan,
    DesaStatus,
    DesaStatusChange,
    KnowledgeTest,
    Material,
    NetworkAbsence,
    NetworkContact,
    ParticipantCount,
    ParticipantGroup,
    Phase,
    PimpasaAssignment,
    QuestionAnswer,
    ResponseSource,
    Sex,
    TestItem,
    TestResponse,
)
from sigap.regions.models import Level, Region

BANK = Path(__file__).resolve().parent / "data" / "question_bank.toml"
#: Public test codes and pairing codes: no 0/O, 1/I/L, so they survive being read aloud and typed.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


SK_NUMBER_MAX = DesaBinaan._meta.get_field("sk_number").max_length or 120
#: Reasons for a status change and notes: a paragraph, not a report.
REASON_MAX = 2000
NOTES_MAX = 4000


def _clean_designation(
    *,
    office: Organisation,
    sk_number: str,
    sk_date: date,
    criteria: list[str],
    notes: str,
    kept_office_id: int | None = None,
) -> dict[str, Any]:
    """The checks a designation and its later edits share; the cleaned values. The office that issued
    an existing decree (``kept_office_id``) stays valid after it closes: a decree is history."""
    if office.pk != kept_office_id and (office.kind != OrgKind.KANTOR_IMIGRASI or not office.is_active):
        raise ApplicationError(_("The decree is issued by a Kantor Imigrasi: choose one."))
    number = clean_text(
        " ".join(sk_number.split()),
        required=_("The decree (SK) number is needed."),
        limit=SK_NUMBER_MAX,
        too_long=_("The decree number is too long (at most %(max)d characters)."),
        field="sk_number",
    )
    if sk_date > timezone.localdate():
        raise ApplicationError(_("The decree date cannot be in the future."))
    unknown = sorted(set(criteria) - set(Criterion.values))
    if unknown:
        raise ApplicationError(_("Unknown selection criteria."), extra={"criteria": unknown})
    return {
        "office": office,
        "sk_number": number,
        "sk_date": sk_date,
        "criteria": sorted(set(criteria)),
        "notes": clean_text(
            notes,
            required=None,
            limit=NOTES_MAX,
            too_long=_("The notes are too long (at most %(max)d characters)."),
            field="notes",
        ),
    }


@transaction.atomic
def desa_binaan_designate(
    *,
    actor: Any,
    desa_code: str,
    office: Organisation,
    sk_number: str,
    sk_date: date,
    designated_on: date,
    criteria: list[str],
    status: str = DesaStatus.ACTIVE,
    notes: str = "",
) -> DesaBinaan:
    """Designate a desa/kelurahan of the actor's territory as a Desa Binaan.

    A village is designated once; later changes go through ``desa_binaan_update``, which keeps the
    status history. The designation is the history's first row."""
    if reach_of(actor, DesaBinaan, "change") is None:
        raise PermissionDenied
    desa = Region.objects.filter(code=desa_code, level=Level.VILLAGE).first()
    if desa is None:
        raise ApplicationError(_("Only a village (desa/kelurahan) can be a Desa Binaan."))
    if desa.retired_in:
        raise ApplicationError(
            _("This village code is no longer in use; choose the village under its current code.")
        )
    if status not in DESIGNATION_STATUSES:
        raise ApplicationError(_("A village is designated as active or proposed."))
    values = _clean_designation(
        office=office, sk_number=sk_number, sk_date=sk_date, criteria=criteria, notes=notes
    )
    if designated_on > timezone.localdate():
        raise ApplicationError(_("The designation date cannot be in the future."))
    if DesaBinaan.objects.filter(desa=desa).exists():
        raise ApplicationError(
            _("This village is already a Desa Binaan. Change its designation on the village's page.")
        )
    desa_binaan = DesaBinaan.objects.create(desa=desa, designated_on=designated_on, status=status, **values)
    require(actor, desa_binaan, "change")  # outside the actor's territory: the transaction rolls back
    step = DesaStatusChange.objects.create(
        desa_binaan=desa_binaan, from_status="", to_status=status, changed_on=designated_on, changed_by=actor
    )
    audit_record(
        actor=actor,
        action="programme.desa_designate",
        obj=desa_binaan,
        metadata={
            "sk_number": values["sk_number"],
            "office": office.pk,
            "criteria": values["criteria"],
            "status": status,
            "status_change": step.pk,
        },
    )
    return desa_binaan


#: Fields of a designation that an edit may change, in the order the audit event lists them.
DESIGNATION_FIELDS = ("office", "sk_number", "sk_date", "designated_on", "criteria", "notes", "status")


def _differs(old: Any, new: Any) -> bool:
    """Whether a designation's field changes (criteria are a set: their order means nothing)."""
    if isinstance(old, list) and isinstance(new, list):
        return set(old) != set(new)
    return bool(old != new)


@transaction.atomic
def desa_binaan_update(
    *,
    actor: Any,
    desa_binaan: DesaBinaan,
    office: Organisation,
    sk_number: str,
    sk_date: date,
    designated_on: date,
    criteria: list[str],
    notes: str,
    status: str,
    status_on: date | None = None,
    status_reason: str = "",
) -> DesaBinaan:
    """Correct or update a designation (its SK, office, dates, criteria, notes) and change its status.

    A status change needs the day it took effect and a reason; it is kept as a ``DesaStatusChange``
    (never overwritten) and may not predate the village's last recorded change nor its designation
    (as corrected by this same save). Saving without a change writes nothing. The audit event names
    the fields changed, the SK's old and new number and date, and the status step (the reason stays in
    the history row: free text has no place in the audit metadata).

    Correcting ``designated_on`` moves the history's first row (the designation, ``from_status`` "")
    to the corrected day in the same transaction, so the history never dates the designation on a day
    it did not happen; the audit event names the moved row (``designation_step``: its id, no dates).
    A designation date after a later status change of the history is refused, nothing saved. A village
    designated before the history existed has no designation row: none is made up on a correction
    (who designated it and with which status is not known), its history keeps starting at its first
    recorded change, which the corrected date still may not follow."""
    require(actor, desa_binaan, "change")
    current = DesaBinaan.objects.select_for_update().get(pk=desa_binaan.pk)
    if status not in DesaStatus.values:
        raise ApplicationError(_("Unknown status."))
    values = _clean_designation(
        office=office,
        sk_number=sk_number,
        sk_date=sk_date,
        criteria=criteria,
        notes=notes,
        kept_office_id=current.office_id,
    ) | {"designated_on": designated_on, "status": status}
    if designated_on > timezone.localdate():
        raise ApplicationError(_("The designation date cannot be in the future."), field="designated_on")
    history = current.status_changes.order_by("changed_on", "pk")
    later = history.exclude(from_status="")  # the steps after the designation
    designation: DesaStatusChange | None = None
    if designated_on != current.designated_on:
        first_change = later.first()
        if first_change is not None and designated_on > first_change.changed_on:
            raise ApplicationError(
                _("The status changed on %(date)s: the designation date cannot be after that.")
                % {"date": date_format(first_change.changed_on, "DATE_FORMAT")},
                field="designated_on",
            )
        designation = history.filter(from_status="").first()
    step: DesaStatusChange | None = None
    if status != current.status:
        if status_on is None:
            raise ApplicationError(_("Give the date the status changed."), field="status_on")
        if status_on > timezone.localdate():
            raise ApplicationError(
                _("The date of a status change cannot be in the future."), field="status_on"
            )
        last = later.last()
        since = max(designated_on, last.changed_on) if last is not None else designated_on
        if status_on < since:
            raise ApplicationError(
                _("The status last changed on %(date)s; a new change cannot be dated before it.")
                % {"date": date_format(since, "DATE_FORMAT")},
                field="status_on",
            )
        reason = clean_text(
            status_reason,
            required=_("Say why the status changes: it is kept in the village's history."),
            limit=REASON_MAX,
            too_long=_("The reason is too long (at most %(max)d characters)."),
            field="status_reason",
        )
        step = DesaStatusChange(
            desa_binaan=current,
            from_status=current.status,
            to_status=status,
            changed_on=status_on,
            reason=reason,
            changed_by=actor,
        )
    changed = [name for name in DESIGNATION_FIELDS if _differs(getattr(current, name), values[name])]
    if not changed:
        return current
    metadata: dict[str, Any] = {"fields": changed}
    for name in ("sk_number", "sk_date"):
        if name in changed:
            metadata[name] = [str(getattr(current, name)), str(values[name])]
    if "office" in changed:
        metadata["office"] = [current.office_id, office.pk]
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    if designation is not None:
        designation.changed_on = designated_on
        designation.save(update_fields=["changed_on"])
        metadata["designation_step"] = designation.pk
    if step is not None:
        step.save()
        metadata["status"] = {
            "from": step.from_status,
            "to": step.to_status,
            "on": step.changed_on.isoformat(),
        }
        metadata["status_change"] = step.pk
    audit_record(actor=actor, action="programme.desa_update", obj=current, metadata=metadata)
    return current


@transaction.atomic
def pimpasa_assign(*, actor: Any, desa_binaan: DesaBinaan, officer: Any, since: date) -> PimpasaAssignment:
    """Assign a PIMPASA from ``since``; the current assignment ends that day (history is kept)."""
    require(actor, desa_binaan, "change")
    if getattr(officer, "role", None) != "pimpasa":
        raise ApplicationError(_("Only a PIMPASA can be assigned to a Desa Binaan."))
    current = desa_binaan.assignments.select_for_update().filter(until__isnull=True).first()
    if current is not None:
        if current.officer_id == officer.pk:
            return current
        if since < current.since:
            raise ApplicationError(_("The new assignment cannot start before the current one."))
        current.until = since
        current.save(update_fields=["until"])
    else:
        last = desa_binaan.assignments.exclude(until__isnull=True).order_by("-until").first()
        if last is not None and last.until is not None and since < last.until:
            raise ApplicationError(_("The new assignment cannot start before the last one ended."))
    assignment = PimpasaAssignment.objects.create(
        desa_binaan=desa_binaan, officer=officer, since=since, assigned_by=actor
    )
    audit_record(
        actor=actor,
        action="programme.pimpasa_assign",
        obj=assignment,
        metadata={
            "officer": officer.pk,
            "since": since.isoformat(),
            "ended": current.pk if current else None,
        },
    )
    return assignment


@transaction.atomic
def pimpasa_unassign(*, actor: Any, desa_binaan: DesaBinaan, until: date) -> PimpasaAssignment:
    """End the current PIMPASA's assignment on ``until`` without naming a successor (a transfer,
    a leave); the village shows no PIMPASA until the next one is assigned. History is kept."""
    require(actor, desa_binaan, "change")
    current = desa_binaan.assignments.select_for_update().filter(until__isnull=True).first()
    if current is None:
        raise ApplicationError(_("No PIMPASA is assigned to this village now."))
    if until < current.since:
        raise ApplicationError(_("The assignment cannot end before it began."))
    if until > timezone.localdate():
        raise ApplicationError(_("The end date cannot be in the future."))
    current.until = until
    current.save(update_fields=["until"])
    audit_record(
        actor=actor,
        action="programme.pimpasa_unassign",
        obj=current,
        metadata={"officer": current.officer_id, "until": until.isoformat()},
    )
    return current


CONTACT_NAME_MAX = 200
CONTACT_PHONE_MAX = 40


def _contact_name(name: str) -> str:
    return clean_text(
        " ".join(name.split()),
        required=_("A name is needed."),
        limit=CONTACT_NAME_MAX,
        too_long=_("The name is too long (at most %(max)d characters)."),
        field="name",
    )


def _contact_phone(phone: str) -> str:
    text = clean_text(
        phone,
        required=None,
        limit=CONTACT_PHONE_MAX,
        too_long=_("The phone number is too long (at most %(max)d characters)."),
        field="phone",
    )
    if text and not any(ch.isdigit() for ch in text):
        raise ApplicationError(_("A phone number needs digits."), field="phone")
    return text


@transaction.atomic
def contact_add(
    *, actor: Any, desa_binaan: DesaBinaan, role: str, name: str, phone: str = ""
) -> NetworkContact:
    require(actor, desa_binaan, "change")
    if role not in ContactRole.values:
        raise ApplicationError(_("Unknown role."))
    contact = NetworkContact.objects.create(
        desa_binaan=desa_binaan,
        role=role,
        name_sealed=seal(_contact_name(name)),
        phone_sealed=seal(_contact_phone(phone)),
        added_by=actor,
    )
    audit_record(actor=actor, action="programme.contact_add", obj=contact, metadata={"role": role})
    return contact


#: Why a member's page cannot do what was asked: the member left, or has not (a service's refusal,
#: and the notice of a page left open while the member's state changed).
MEMBER_HAS_LEFT = _("This member has left the network; the record is kept as it was.")
MEMBER_IS_CURRENT = _("This member is in the network now: only a former member can be taken back.")


def _locked_contact(actor: Any, contact: NetworkContact) -> NetworkContact:
    """The contact, locked, for a change by ``actor`` (the same reach for every change of a member)."""
    require(actor, contact)  # the contact's own reach is its village's (NetworkContact.access_filter)
    return NetworkContact.objects.select_for_update().select_related("desa_binaan").get(pk=contact.pk)


def _require_current_contact(actor: Any, contact: NetworkContact) -> NetworkContact:
    """The contact, locked, for a change by ``actor``; a retired member stays as it was."""
    locked = _locked_contact(actor, contact)
    if locked.retired_on is not None:
        raise ApplicationError(MEMBER_HAS_LEFT)
    return locked


@transaction.atomic
def contact_update(
    *, actor: Any, contact: NetworkContact, role: str, name: str | None = None, phone: str | None = None
) -> NetworkContact:
    """Change a current member's role, name or phone. ``None`` keeps the stored name or phone (the edit
    form does not show them: that would be a reveal); ``phone=""`` removes the number. The audit event
    names the fields changed, never their values."""
    contact = _require_current_contact(actor, contact)
    if role not in ContactRole.values:
        raise ApplicationError(_("Unknown role."))
    changed = ["role"] if role != contact.role else []
    contact.role = role
    if name is not None:
        clean_name = _contact_name(name)
        if clean_name != unseal(contact.name_sealed):
            contact.name_sealed = seal(clean_name)
            changed.append("name")
    if phone is not None:
        clean_phone = _contact_phone(phone)
        if clean_phone != unseal(contact.phone_sealed):
            contact.phone_sealed = seal(clean_phone)
            changed.append("phone")
    if not changed:
        return contact
    contact.save(update_fields=["role", "name_sealed", "phone_sealed"])
    audit_record(
        actor=actor,
        action="programme.contact_update",
        obj=contact,
        metadata={"role": contact.role, "fields": changed},
    )
    return contact


@transaction.atomic
def contact_retire(*, actor: Any, contact: NetworkContact, retired_on: date) -> NetworkContact:
    """Record that a member left the network on ``retired_on``. The row stays (history), shown apart.

    A member taken back earlier cannot leave again before the day they came back: their absences
    never overlap."""
    contact = _require_current_contact(actor, contact)
    if retired_on > timezone.localdate():
        raise ApplicationError(_("The day a member left cannot be in the future."), field="retired_on")
    designated_on = contact.desa_binaan.designated_on
    if retired_on < designated_on:
        raise ApplicationError(
            _("A member cannot leave the network before the village was designated (%(date)s).")
            % {"date": date_format(designated_on, "DATE_FORMAT")},
            field="retired_on",
        )
    last = contact.absences.order_by("-rejoined_on", "-pk").first()
    if last is not None and retired_on < last.rejoined_on:
        raise ApplicationError(
            _("This member came back to the network on %(date)s: they cannot leave before that.")
            % {"date": date_format(last.rejoined_on, "DATE_FORMAT")},
            field="retired_on",
        )
    contact.retired_on = retired_on
    contact.retired_by = actor
    contact.save(update_fields=["retired_on", "retired_by"])
    audit_record(
        actor=actor,
        action="programme.contact_retire",
        obj=contact,
        metadata={"role": contact.role, "retired_on": retired_on.isoformat()},
    )
    return contact


@transaction.atomic
def contact_reinstate(*, actor: Any, contact: NetworkContact, rejoined_on: date) -> NetworkContact:
    """Take a former member back into the network on ``rejoined_on``, on the same row.

    Only a member who left; ``rejoined_on`` not in the future and not before the day they left. The
    retirement (its day and who recorded it) moves to a :class:`NetworkAbsence` with ``rejoined_on``,
    and the member is current again: listed with the network, changed and retired like any member,
    with the time they were away shown. The same reach as changing or retiring a member. The
    ``programme.contact_reinstate`` event names the role, the fields of the member that were cleared
    and the absence row, never a name, a phone number or a date."""
    contact = _locked_contact(actor, contact)
    retired_on = contact.retired_on
    if retired_on is None:
        raise ApplicationError(MEMBER_IS_CURRENT)
    if rejoined_on > timezone.localdate():
        raise ApplicationError(_("The day a member came back cannot be in the future."), field="rejoined_on")
    if rejoined_on < retired_on:
        raise ApplicationError(
            _("The member left the network on %(date)s: they cannot come back before that.")
            % {"date": date_format(retired_on, "DATE_FORMAT")},
            field="rejoined_on",
        )
    absence = NetworkAbsence.objects.create(
        contact=contact,
        retired_on=retired_on,
        retired_by_id=contact.retired_by_id,
        rejoined_on=rejoined_on,
        reinstated_by=actor,
    )
    contact.retired_on = None
    contact.retired_by = None
    contact.save(update_fields=["retired_on", "retired_by"])
    audit_record(
        actor=actor,
        action="programme.contact_reinstate",
        obj=contact,
        metadata={"role": contact.role, "fields": ["retired_on", "retired_by"], "absence": absence.pk},
    )
    return contact


@dataclass(frozen=True)
class ContactDetails:
    name: str
    phone: str


def contact_reveal(*, actor: Any, contact: NetworkContact) -> ContactDetails:
    """The contact's name and phone for an officer of the territory; the read is audited."""
    require(actor, contact, "reveal")
    audit_read(actor=actor, obj=contact, fields=["name", "phone"], purpose="programme.network")
    return ContactDetails(name=unseal(contact.name_sealed), phone=unseal(contact.phone_sealed))


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    desa_binaan: DesaBinaan,
    kind: str,
    title: str,
    held_on: date,
    place: str,
    materials: list[str],
    officials: str = "",
    summary: str = "",
    follow_up: str = "",
    source: str = "",
    organiser: Organisation | None = None,
) -> Activity:
    require(actor, desa_binaan, "change")
    if kind not in ActivityKind.values:
        raise ApplicationError(_("Unknown kind of activity."))
    if set(materials) - set(Material.values):
        raise ApplicationError(_("Unknown material."))
    activity = Activity.objects.create(
        desa_binaan=desa_binaan,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        place=place.strip(),
        organiser=organiser,
        officials=officials.strip(),
        materials=[m for m in Material.values if m in set(materials)],
        summary=summary.strip(),
        follow_up=follow_up.strip(),
        source=source.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="programme.activity_record",
        obj=activity,
        metadata={"kind": kind, "held_on": held_on.isoformat(), "materials": activity.materials},
    )
    return activity


@transaction.atomic
def participants_set(
    *, actor: Any, activity: Activity, counts: list[tuple[str, str, int | None]]
) -> list[ParticipantCount]:
    """Replace the participants table: (group, sex, number or None when only presence is known)."""
    require(actor, activity.desa_binaan, "change")
    rows = []
    seen = set()
    for group, sex, count in counts:
        if group not in ParticipantGroup.values or sex not in Sex.values:
            raise ApplicationError(_("Unknown participant group or sex."))
        if (group, sex) in seen:
            raise ApplicationError(_("Each group and sex only once."))
        if count is not None and count < 0:
            raise ApplicationError(_("A number of participants cannot be negative."))
        seen.add((group, sex))
        rows.append(ParticipantCount(activity=activity, group=group, sex=sex, count=count))
    activity.participants.all().delete()
    ParticipantCount.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="programme.participants_set",
        obj=activity,
        metadata={"rows": len(rows), "total": sum(r.count or 0 for r in rows)},
    )
    return rows


@transaction.atomic
def question_add(
    *, actor: Any, activity: Activity, question: str, answer: str, illustrative: bool = False
) -> QuestionAnswer:
    require(actor, activity.desa_binaan, "change")
    if not question.strip() or not answer.strip():
        raise ApplicationError(_("Both the question and the answer given are needed."))
    qa = QuestionAnswer.objects.create(
        activity=activity,
        question=question.strip(),
        answer=answer.strip(),
        illustrative=illustrative,
        recorded_by=actor,
    )
    audit_record(actor=actor, action="programme.question_add", obj=qa, metadata={"activity": activity.pk})
    return qa


@transaction.atomic
def question_promote(*, actor: Any, qa: QuestionAnswer, public: bool = True) -> QuestionAnswer:
    """Publish a question and its answer in the public FAQ (or take it back)."""
    require(actor, qa.activity.desa_binaan, "change")
    qa.promoted_at = timezone.now() if public else None
    qa.promoted_by = actor if public else None
    qa.save(update_fields=["promoted_at", "promoted_by"])
    audit_record(
        actor=actor,
        action="programme.faq_publish" if public else "programme.faq_withdraw",
        obj=qa,
        metadata={"activity": qa.activity_id},
    )
    return qa


def question_bank_load(*, path: Path = BANK) -> int:
    """Load (or update) the question bank from its TOML file; returns how many items it holds."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    for raw in data["item"]:
        options = [{"id": a, "en": b} for a, b in zip(raw["options_id"], raw["options_en"], strict=True)]
        if raw["topic"] not in Material.values or not 0 <= raw["correct"] < len(options):
            raise ValueError(f"question bank item {raw['code']} is malformed")
        TestItem.objects.update_or_create(
            code=raw["code"],
            defaults={
                "topic": raw["topic"],
                "text_id": raw["id"],
                "text_en": raw["en"],
                "options": options,
                "correct": raw["correct"],
                "is_active": True,
            },
        )
    return len(data["item"])


@transaction.atomic
def test_attach(*, actor: Any, activity: Activity, item_codes: list[str] | None = None) -> KnowledgeTest:
    """Attach a pre/post test to an activity (the whole active bank unless items are named)."""
    require(actor, activity.desa_binaan, "change")
    existing = KnowledgeTest.objects.filter(activity=activity).first()
    if existing is not None:
        return existing
    items = TestItem.objects.filter(is_active=True)
    if item_codes is not None:
        items = items.filter(code__in=item_codes)
    if not items.exists():
        raise ApplicationError(_("The question bank is empty."))
    code = _code(6)
    while KnowledgeTest.objects.filter(code=code).exists():  # pragma: no cover - 31^6 codes
        code = _code(6)
    test = KnowledgeTest.objects.create(activity=activity, code=code, created_by=actor)
    test.items.set(items)
    audit_record(actor=actor, action="programme.test_attach", obj=test, metadata={"items": items.count()})
    return test


def _pair_digest(test: KnowledgeTest, token: str) -> str:
    return digest("programme.pair", test.code, token.strip().upper().replace("-", "").replace(" ", ""))


def normalise_code(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")


@dataclass(frozen=True)
class Submitted:
    response: TestResponse
    pair_code: str  # shown once after a pre test ("" after a post test)


@transaction.atomic
def test_submit(
    *,
    test: KnowledgeTest,
    phase: str,
    answers: dict[str, int],
    pair_code: str = "",
    actor: Any = None,
) -> Submitted:
    """Store one anonymous answer sheet. From a phone (``actor`` None) the test must be open; an
    officer entering a paper sheet needs the change reach. A pre sheet gets a pairing code; a post
    sheet with a known, unused code is paired with its pre sheet."""
    if actor is not None:
        require(actor, test.activity.desa_binaan, "change")
    elif not test.is_open:
        raise ApplicationError(_("This test is closed."))
    if phase not in Phase.values:
        raise ApplicationError(_("Choose before or after."), field="phase")
    items = test.ordered_items()
    by_code = {item.code: item for item in items}
    if set(answers) - set(by_code):
        raise ApplicationError(_("An answer names a question that is not in this test."))
    score = sum(1 for code, chosen in answers.items() if by_code[code].correct == chosen)
    pre: TestResponse | None = None
    new_code = ""
    digest_value = ""
    if phase == Phase.POST and pair_code.strip():
        pre = (
            TestResponse.objects.select_for_update()
            .filter(test=test, phase=Phase.PRE, pair_digest=_pair_digest(test, pair_code))
            .first()
        )
        if pre is None or TestResponse.objects.filter(paired_with=pre).exists():
            raise ApplicationError(
                _(
                    "This code is not known for this test, or it was used already. "
                    "Check it, or leave it empty."
                ),
                field="pair_code",
            )
    if phase == Phase.PRE:
        new_code = _code(6)
        digest_value = _pair_digest(test, new_code)
    response = TestResponse.objects.create(
        test=test,
        phase=phase,
        answers={code: int(chosen) for code, chosen in answers.items()},
        score=score,
        total=len(items),
        pair_digest=digest_value,
        paired_with=pre,
        source=ResponseSource.QR if actor is None else ResponseSource.PAPER,
        entered_by=actor,
    )
    audit_record(
        actor=actor,
        action="programme.test_answer",
        obj=test,
        metadata={
            "response": response.pk,
            "phase": phase,
            "paired": pre is not None,
            "source": response.source,
        },
    )
    return Submitted(response, f"{new_code[:3]}-{new_code[3:]}" if new_code else "")


@transaction.atomic
def test_set_open(*, actor: Any, test: KnowledgeTest, is_open: bool) -> KnowledgeTest:
    require(actor, test.activity.desa_binaan, "change")
    test.is_open = is_open
    test.save(update_fields=["is_open"])
    audit_record(actor=actor, action="programme.test_open" if is_open else "programme.test_close", obj=test)
    return test


PHOTOS_PER_ACTIVITY = 12


@transaction.atomic
def activity_photo_add(
    *, actor: Any, activity: Activity, photo: CleanFile, caption: str = ""
) -> ActivityPhoto:
    """Keep one photo of an activity (already through ``intake.attachments.sanitise_upload``)."""
    require(actor, activity.desa_binaan, "change")
    if not photo.content_type.startswith("image/"):
        raise ApplicationError(_("Only photos (JPEG, PNG or WebP) can be added to an activity."))
    if activity.photos.count() >= PHOTOS_PER_ACTIVITY:
        raise ApplicationError(_("At most %(max)d photos per activity.") % {"max": PHOTOS_PER_ACTIVITY})
    created: list[ActivityPhoto] = []
    store_clean_files(
        [photo],
        lambda clean: created.append(
            ActivityPhoto.objects.create(
                activity=activity,
                stored_name=clean.stored_name,
                display_name=clean.display_name,
                content_type=clean.content_type,
                size=clean.size,
                sha256=clean.sha256,
                caption=(caption or "").strip()[:200],
                uploaded_by=actor,
            )
        ),
    )
    audit_record(
        actor=actor,
        action="programme.photo_add",
        obj=created[0],
        metadata={"activity": activity.pk, "size": photo.size, "type": photo.content_type},
    )
    return created[0]
