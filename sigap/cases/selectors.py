"""Reading triage decisions and cases: every read takes the user and goes through ``restrict``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from sigap.accounts.models import User
from sigap.accounts.roles import Role
from sigap.audit.models import AuditEvent
from sigap.audit.services import READ_SENSITIVE, audit_read
from sigap.cases.models import (
    FINAL_KINDS,
    OPEN_STATES,
    Case,
    CaseNote,
    CaseTask,
    CaseTransition,
    SignalPlacement,
    TriageDecision,
    TriageKind,
)
from sigap.core import guards
from sigap.core.access import restrict
from sigap.core.crypto import digest
from sigap.core.territory import ancestor_codes, within_q
from sigap.intake.models import RISK_RANK, TRIAGE_OPEN, UNREAD_RANK, Report, ReportEntity
from sigap.regions.models import Level, Region


def case_list(
    *, user: Any, state: str = "", owner: Any = None, overdue_at: datetime | None = None
) -> QuerySet[Case]:
    """The cases ``user`` may see, newest first; optionally one state, one owner, or only overdue."""
    qs = restrict(Case.objects.all(), user, "view").select_related("owner", "region")
    if state:
        qs = qs.filter(state=state)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if overdue_at is not None:
        qs = qs.filter(sla_met_at__isnull=True, due_at__lt=overdue_at)
    return qs.order_by("-opened_at", "-pk")


def case_get(*, user: Any, pk: int) -> Case | None:
    """One case, or None when it does not exist *or* the user may not see it (the same answer)."""
    return case_list(user=user).filter(pk=pk).first()


def cases_overdue(*, user: Any, now: datetime | None = None) -> QuerySet[Case]:
    """The visible cases whose first response is overdue, the longest overdue first."""
    return case_list(user=user, overdue_at=now or timezone.now()).order_by("due_at", "pk")


def case_signals(*, user: Any, case: Case) -> QuerySet[Report]:
    """The case's reports that ``user`` may see (a merged report may lie outside the territory)."""
    return restrict(Report.objects.filter(case_link__case=case), user, "view").order_by("created_at")


def case_transitions(*, user: Any, case: Case) -> QuerySet[CaseTransition]:
    return restrict(CaseTransition.objects.filter(case=case), user, "view").select_related("actor")


def case_notes(*, user: Any, case: Case) -> QuerySet[CaseNote]:
    """Notes, oldest first, still sealed: to show their text use :func:`case_note_texts`."""
    return restrict(CaseNote.objects.filter(case=case), user, "view").select_related("author")


@dataclass(frozen=True)
class NoteText:
    """A note as shown: its text decrypted (notes may name victims and reporters)."""

    pk: int
    author: Any
    created_at: datetime
    body: str


def case_note_texts(*, user: Any, case: Case, purpose: str) -> list[NoteText]:
    """The notes ``user`` may read, oldest first, decrypted. One ``read.sensitive`` event on the case
    names them (``note:<id>``, never their text) before any is decrypted; no note, no event."""
    notes = list(case_notes(user=user, case=case))
    if not notes:
        return []
    audit_read(actor=user, obj=case, fields=[f"note:{note.pk}" for note in notes], purpose=purpose)
    return [NoteText(note.pk, note.author, note.created_at, note.body) for note in notes]


def case_tasks(*, user: Any, case: Case) -> QuerySet[CaseTask]:
    return restrict(CaseTask.objects.filter(case=case), user, "view").select_related("assignee")


def triage_decisions(*, user: Any, report: Report) -> QuerySet[TriageDecision]:
    """Every decision on a report, reversed ones included, newest first."""
    return restrict(TriageDecision.objects.filter(report=report), user, "view").select_related(
        "decided_by", "reversed_by", "case"
    )


def triage_standing(*, user: Any, report: Report) -> TriageDecision | None:
    """The decision that settles the report now (not reversed, not a question), if any."""
    decisions = triage_decisions(user=user, report=report)
    return decisions.filter(reversed_at__isnull=True, kind__in=sorted(FINAL_KINDS)).first()


STATUS_OPEN = "open"  # the inbox's default: signals still waiting for a decision
STATUS_ALL = "all"
#: How many modus codes a reading carries at most (SQLite has no JSON containment).
_MODUS_DEPTH = 5


#: What an inbox row shows: the reading itself (``analysis``, kilobytes of JSON) stays in the table.
INBOX_FIELDS = (
    "id",
    "risk",
    "risk_rank",
    "modus",
    "text",
    "status",
    "channel",
    "created_at",
    "desa__code",
    "desa__name",
    "desa__parent__code",
    "desa__parent__name",
)


@dataclass(frozen=True)
class InboxFilters:
    """What the officer narrowed the inbox to; every field is optional ("" = any)."""

    q: str = ""
    wilayah: str = ""  # a region code of any level: a desa, a kecamatan, a kabupaten …
    modus: str = ""
    risk: str = ""
    channel: str = ""
    status: str = STATUS_OPEN


def _search(qs: QuerySet[Report], q: str) -> QuerySet[Report]:
    """Full text on PostgreSQL (the GIN index of migration intake 0005); every word, LIKE, elsewhere."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("text", config="simple")
        return qs.annotate(_fts=vector).filter(_fts=SearchQuery(q, config="simple", search_type="websearch"))
    for word in q.split()[:8]:
        qs = qs.filter(text__icontains=word.strip('"'))
    return qs


def _modus(qs: QuerySet[Report], code: str) -> QuerySet[Report]:
    if connection.vendor == "postgresql":
        return qs.filter(modus__contains=[code])
    any_position = Q()
    for position in range(_MODUS_DEPTH):
        any_position |= Q(**{f"modus__{position}": code})
    return qs.filter(any_position)


def signal_inbox(*, user: Any, filters: InboxFilters | None = None) -> QuerySet[Report]:
    """The signals ``user`` may see, the most urgent first (risk, then the newest), filtered."""
    f = filters or InboxFilters()
    qs = restrict(Report.objects.all(), user, "view")
    if f.status == STATUS_OPEN:
        qs = qs.filter(status__in=TRIAGE_OPEN)
    elif f.status and f.status != STATUS_ALL:
        qs = qs.filter(status=f.status)
    if f.wilayah:
        qs = qs.filter(within_q("desa", [f.wilayah]))
    if f.risk:
        qs = qs.filter(risk_rank=RISK_RANK.get(f.risk, UNREAD_RANK))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.modus:
        qs = _modus(qs, f.modus)
    if f.q:
        qs = _search(qs, f.q)
    return qs.select_related("desa__parent").only(*INBOX_FIELDS).order_by("risk_rank", "-created_at", "-pk")


def signal_get(*, user: Any, pk: int) -> Report | None:
    """One signal, or None when it does not exist *or* lies outside the user's reach (the same answer)."""
    qs = restrict(Report.objects.filter(pk=pk), user, "view")
    return qs.select_related("desa__parent", "submitted_by").first()


@dataclass(frozen=True)
class PlaceChoice:
    code: str
    name: str
    level: int


def inbox_regions(*, user: Any, limit: int = 400) -> list[PlaceChoice]:
    """The places the inbox can be narrowed to: the kecamatan and desa of the user's territory
    (a province-wide analyst: kabupaten and kecamatan; a national user: provinces and kabupaten),
    in code order. The list changes only with the code list, so it is cached per territory."""
    codes = user.scope_codes() if not getattr(user, "is_national", False) else []
    key = places_key(user)
    cached = cache.get(key)
    if cached is not None:
        return [PlaceChoice(*item) for item in cached]
    if codes:
        broad = any("." not in code for code in codes)
        levels = (Level.REGENCY, Level.DISTRICT) if broad else (Level.DISTRICT, Level.VILLAGE)
        qs = Region.objects.filter(within_q("code", codes), level__in=levels)
    else:
        qs = Region.objects.filter(level__in=(Level.PROVINCE, Level.REGENCY))
    rows = list(qs.filter(retired_in="").order_by("code").values_list("code", "name", "level")[:limit])
    cache.set(key, rows, PLACES_TTL)
    return [PlaceChoice(*item) for item in rows]


def places_key(user: Any) -> str:
    """The cache key of a territory's place list (national users share one)."""
    codes = user.scope_codes() if not getattr(user, "is_national", False) else []
    return "inbox-places:" + digest("inbox-places", *codes)


#: How long the place list of a territory is kept (a new code list arrives once a year or so).
PLACES_TTL = 3600


def signals_related(*, user: Any, report: Report, limit: int = 20) -> list[tuple[Report, list[str]]]:
    """Other signals the user may see that name the same phone, account or organisation, newest
    first, each with the kinds it shares ("the same recruiter in another village")."""
    keys = list(ReportEntity.objects.filter(report=report).values_list("kind", "digest"))
    if not keys:
        return []
    # Restricted in the database before the cut: rows the user may not see never count or take time.
    readable = restrict(Report.objects.all(), user, "view").values("pk")
    shared = ReportEntity.objects.filter(digest__in={d for _k, d in keys}, report__in=readable).exclude(
        report=report
    )
    kinds_of: dict[int, set[str]] = {}
    for report_id, kind in shared.values_list("report_id", "kind")[:1000]:
        kinds_of.setdefault(report_id, set()).add(kind)
    visible = restrict(Report.objects.filter(pk__in=list(kinds_of)), user, "view")
    others = visible.select_related("desa").order_by("-created_at")[:limit]
    return [(other, sorted(kinds_of[other.pk])) for other in others]


def report_case(*, user: Any, report: Report) -> Case | None:
    """The case a report belongs to, if the user may see it."""
    return case_list(user=user).filter(signals__report=report).first()


def case_owner_choices(*, region_code: str | None, current: Any = None) -> list[User]:
    """Who may own a case in ``region_code``: active PIMPASA and supervisors whose territory holds
    it (one query); a case with no village keeps its current owner only."""
    if not region_code:
        return [current] if current is not None else []
    codes = [*ancestor_codes(region_code), region_code]
    qs = User.objects.filter(
        is_active=True, role__in=(Role.PIMPASA, Role.SUPERVISOR), scope_regions__code__in=codes
    ).distinct()
    return list(qs.order_by("role", "username"))


def open_cases_for_merge(*, user: Any, limit: int = 50) -> QuerySet[Case]:
    """The open cases a signal can be merged into: those the user may change, newest first."""
    qs = restrict(Case.objects.filter(state__in=sorted(OPEN_STATES)), user, "change")
    return qs.select_related("region").order_by("-opened_at")[:limit]


def may_change(*, user: Any, obj: Report | Case) -> bool:
    """Whether ``user`` may act on this signal or case (decide, move, write to it)."""
    return guards.may(user, obj)


def may_place(*, user: Any, report: Report) -> bool:
    """Whether ``user`` may place this signal, which came without a village, in one (national desk)."""
    return report.desa_id is None and guards.may(user, report, "place")


def signal_placements(*, user: Any, report: Report) -> QuerySet[SignalPlacement]:
    """Who placed the signal in its village, when and why."""
    return restrict(SignalPlacement.objects.filter(report=report), user, "view").select_related(
        "desa", "placed_by"
    )


def may_reverse(*, user: Any) -> bool:
    """Reversing a decision and reopening a case are for supervisors (and administrators)."""
    return getattr(user, "role", None) in (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class TrailEntry:
    """An audit event of a case with the reason the person gave, where the step has one (kept in
    the step's own row, never in the event's metadata: the trail holds ids and codes only)."""

    event: AuditEvent
    reason: str


def _case_audit_about(case: Case, decisions: dict[int, TriageDecision]) -> Q:
    """The audit events about the case: its own, its decisions', its signals' and those the apps
    register (CASE_AUDIT_SOURCES)."""
    reports = [str(pk) for pk in case.signals.values_list("report_id", flat=True)]
    about = (
        Q(object_type="cases.case", object_id=str(case.pk))
        | Q(object_type="cases.triagedecision", object_id__in=[str(pk) for pk in decisions])
        | Q(object_type="intake.report", object_id__in=reports)
    )
    for source in CASE_AUDIT_SOURCES:
        for object_type, ids in source(case):
            about |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return about


@dataclass(frozen=True)
class CaseAudit:
    """The case's audit, as its page shows it: the trail of what was done, and apart from it the
    reads of its sealed data (every page view leaves one; in the trail, a case viewed a few hundred
    times would show nothing but reads)."""

    trail: list[TrailEntry]  # the newest ``limit`` events that are not reads, oldest first
    read_count: int
    reads: list[AuditEvent]  # the newest ``reads_limit`` reads, newest first


def case_audit(*, user: Any, case: Case, limit: int = 200, reads_limit: int = 20) -> CaseAudit:
    """The audit events of the case, its decisions and its signals that ``user`` may read (the
    supervisor's view of "who did what, when and why"), each with its reason; the reads of sealed
    data (notes, referral texts, persons' identifiers, reporters) counted and listed apart."""
    decisions = {d.pk: d for d in TriageDecision.objects.filter(case=case)}
    about = restrict(AuditEvent.objects.filter(_case_audit_about(case, decisions)), user, "view")
    reads = about.filter(action=READ_SENSITIVE)
    events = list(about.exclude(action=READ_SENSITIVE).order_by("-id")[:limit])[::-1]
    moves = dict(
        CaseTransition.objects.filter(case=case).values_list("pk", "reason")
    )  # one query: every move's reason
    opening = next((d.reason for d in decisions.values() if d.kind in OPENING_KINDS), "")
    reasons: dict[int, str] = {}
    for reason_source in CASE_AUDIT_REASONS:
        reasons.update(reason_source(case, events))
    trail = []
    for event in events:
        reason = reasons.get(event.pk, "")
        if event.action == "case.transition":
            reason = moves.get(event.metadata.get("transition"), "")
        elif event.action == "case.open":
            reason = opening
        elif event.object_type == "cases.triagedecision" and event.object_id.isdigit():
            decision = decisions.get(int(event.object_id))
            if decision is not None:
                reason = decision.reversal_reason if event.action == "triage.reverse" else decision.reason
        trail.append(TrailEntry(event, reason))
    return CaseAudit(trail, reads.count(), list(reads.order_by("-id")[:reads_limit]))


OPENING_KINDS = frozenset({TriageKind.OPEN_CASE, TriageKind.REFER_DIRECTLY})


#: Other apps' objects whose events belong to a case's trail (referrals, persons …): functions of
#: the case returning ``[(object_type, ids)]``, appended by those apps' ``AppConfig.ready``.
CASE_AUDIT_SOURCES: list[Callable[[Case], list[tuple[str, list[int]]]]] = []
#: And the reasons of their events: functions of the case and its events returning ``{event id: reason}``.
CASE_AUDIT_REASONS: list[Callable[[Case, list[AuditEvent]], dict[int, str]]] = []
