"""Reading the programme: every read takes the user and goes through ``restrict``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import get_language

from sigap.core import guards
from sigap.core.access import Reach, reach_of, restrict
from sigap.organisations.models import Organisation, OrgKind
from sigap.programme import stats
from sigap.programme.models import (
    Activity,
    ActivityPhoto,
    DesaBinaan,
    DesaStatusChange,
    KnowledgeTest,
    NetworkAbsence,
    NetworkContact,
    ParticipantCount,
    ParticipantGroup,
    Phase,
    PimpasaAssignment,
    QuestionAnswer,
    Sex,
    TestItem,
    TestResponse,
    desa_scope_q,
)
from sigap.regions.models import Level, Region, normalise_name
from sigap.regions.selectors import PATH_RELATED, region_label


def desa_binaan_list(*, user: Any) -> QuerySet[DesaBinaan]:
    return restrict(DesaBinaan.objects.all(), user, "view").select_related("desa", "desa__parent", "office")


def desa_binaan_get(*, user: Any, code: str) -> DesaBinaan | None:
    return desa_binaan_list(user=user).filter(desa_id=code).first()


def desa_binaan_rows(*, user: Any) -> list[tuple[DesaBinaan, PimpasaAssignment | None]]:
    """Each Desa Binaan the user may see with its current PIMPASA: two queries, whatever the count."""
    current = Prefetch(
        "assignments",
        queryset=restrict(PimpasaAssignment.objects.filter(until__isnull=True), user, "view").select_related(
            "officer"
        ),
        to_attr="current_assignments",
    )
    rows = desa_binaan_list(user=user).prefetch_related(current)
    return [(db, db.current_assignments[0] if db.current_assignments else None) for db in rows]


def current_pimpasa(*, user: Any, desa_binaan: DesaBinaan) -> PimpasaAssignment | None:
    return assignments(user=user, desa_binaan=desa_binaan).filter(until__isnull=True).first()


def assignments(*, user: Any, desa_binaan: DesaBinaan) -> QuerySet[PimpasaAssignment]:
    return restrict(PimpasaAssignment.objects.filter(desa_binaan=desa_binaan), user, "view").select_related(
        "officer"
    )


def pimpasa_choices(*, user: Any, desa_binaan: DesaBinaan) -> QuerySet[Any]:
    """PIMPASA accounts the user can see whose territory covers the village."""
    from sigap.accounts.models import User
    from sigap.core.territory import ancestor_codes

    return (
        restrict(
            User.objects.filter(
                role="pimpasa", is_active=True, scope_regions__code__in=ancestor_codes(desa_binaan.desa_id)
            ),
            user,
            "view",
        )
        .distinct()
        .order_by("username")
    )


def contacts(*, user: Any, desa_binaan: DesaBinaan) -> QuerySet[NetworkContact]:
    """The current network, masked: names and phones stay sealed until ``services.contact_reveal``.
    A member taken back after leaving is current again, with the time they were away."""
    return _network(user, desa_binaan).filter(retired_on__isnull=True)


def retired_contacts(*, user: Any, desa_binaan: DesaBinaan) -> QuerySet[NetworkContact]:
    """Members who left the network, kept for its history; most recent first, masked like the rest."""
    return _network(user, desa_binaan).filter(retired_on__isnull=False).order_by("-retired_on", "-pk")


def _network(user: Any, desa_binaan: DesaBinaan) -> QuerySet[NetworkContact]:
    """The village's members with the times each was away (``past_absences``, oldest first): one more
    query for the whole list."""
    absences = Prefetch(
        "absences",
        queryset=restrict(NetworkAbsence.objects.all(), user, "view"),  # oldest first (Meta.ordering)
        to_attr="past_absences",
    )
    return restrict(NetworkContact.objects.filter(desa_binaan=desa_binaan), user, "view").prefetch_related(
        absences
    )


def contact_get(*, user: Any, desa_binaan: DesaBinaan, pk: int) -> NetworkContact | None:
    """A member of this village's network, current or retired; None outside the user's reach or the
    village (an id guessed from another village finds nothing)."""
    return _network(user, desa_binaan).select_related("desa_binaan").filter(pk=pk).first()


def status_history(*, user: Any, desa_binaan: DesaBinaan) -> QuerySet[DesaStatusChange]:
    """The designation's status steps, most recent first (officers only: the reasons are internal)."""
    return restrict(DesaStatusChange.objects.filter(desa_binaan=desa_binaan), user, "view").select_related(
        "changed_by"
    )


def may_designate(*, user: Any) -> bool:
    """Whether the user may designate villages at all (in their territory)."""
    return reach_of(user, DesaBinaan, "change") is not None


def issuing_offices(*, user: Any, keep: DesaBinaan | None = None) -> QuerySet[Organisation]:
    """The Kantor Imigrasi the user can see, to name the one that issued a decree (and, when editing,
    the one already named on the village's decree, so an edit never has to change it)."""
    offices = restrict(
        Organisation.objects.filter(kind=OrgKind.KANTOR_IMIGRASI, is_active=True), user, "view"
    )
    if keep is not None:
        offices = offices | Organisation.objects.filter(pk=keep.office_id)
    return offices.distinct().order_by("name")


#: With no search words, a territory of at most this many villages is listed whole.
LIST_ALL_VILLAGES = 100


@dataclass(frozen=True)
class Candidate:
    code: str
    label: str  # "Desa Lontar, Kec. Tirtayasa, Kabupaten Serang, Banten"
    designated: bool  # already a Desa Binaan: shown, not offered


def _villages_to_designate(user: Any) -> QuerySet[Region]:
    """Current villages of the territory where the user may change the programme's data."""
    reach = reach_of(user, DesaBinaan, "change")
    qs = restrict(Region.objects.active(), user, "view").filter(level=Level.VILLAGE)
    if reach is None:
        return qs.none()
    if reach is not Reach.ALL:
        qs = qs.filter(desa_scope_q(user, reach, "code"))
    return qs.select_related(*PATH_RELATED)


def designation_candidates(*, user: Any, query: str, limit: int = 50) -> list[Candidate]:
    """Villages of the user's territory matching ``query`` (name or code), undesignated ones first.

    Without words, a small territory (a PIMPASA's few villages) is listed whole; a large one, or the
    whole country, needs a search."""
    qs = _villages_to_designate(user)
    needle = normalise_name(query)
    if query.strip().replace(".", "").isdigit():
        qs = qs.filter(code__startswith=query.strip())
    elif needle:
        qs = qs.filter(name_search__contains=needle)
    elif qs.count() > LIST_ALL_VILLAGES:
        return []
    designated = Exists(DesaBinaan.objects.filter(desa=OuterRef("pk")))
    rows = qs.annotate(designated=designated).order_by("designated", "code")[:limit]
    return [Candidate(r.code, region_label(r), bool(r.designated)) for r in rows]


def designation_candidate(*, user: Any, code: str) -> Candidate | None:
    """One village the user may designate (in their territory, not designated yet), or None."""
    region = _villages_to_designate(user).filter(code=code, desa_binaan__isnull=True).first()
    return Candidate(region.code, region_label(region), False) if region else None


def may_reveal(*, user: Any) -> bool:
    return reach_of(user, NetworkContact, "reveal") is not None


def may_change(*, user: Any, desa_binaan: DesaBinaan) -> bool:
    return guards.may(user, desa_binaan, "change")


def activities(*, user: Any, desa_binaan: DesaBinaan | None = None) -> QuerySet[Activity]:
    qs = restrict(Activity.objects.all(), user, "view").select_related("desa_binaan__desa", "organiser")
    if desa_binaan is not None:
        qs = qs.filter(desa_binaan=desa_binaan)
    return qs.order_by("-held_on", "-pk")


def activity_get(*, user: Any, pk: int) -> Activity | None:
    return activities(user=user).filter(pk=pk).first()


def activity_photos(*, user: Any, activity: Activity) -> QuerySet[ActivityPhoto]:
    return restrict(ActivityPhoto.objects.filter(activity=activity), user, "view").order_by(
        "uploaded_at", "pk"
    )


@dataclass(frozen=True)
class ParticipantRow:
    group: Any
    cells: list[int | str | None]  # per sex: a number, None (present, number not given) or "" (absent)
    total: int | None


def participant_counts(*, user: Any, activity: Activity) -> list[ParticipantCount]:
    return list(restrict(ParticipantCount.objects.filter(activity=activity), user, "view"))


def participant_table(rows: list[ParticipantCount]) -> tuple[list[Any], list[ParticipantRow]]:
    """Groups × sex of the counts read by :func:`participant_counts`. A group recorded without a
    number shows as present, never as zero."""
    sexes = [s for s in Sex if any(r.sex == s for r in rows)]
    table = []
    for group in ParticipantGroup:
        mine = {r.sex: r.count for r in rows if r.group == group}
        if not mine:
            continue
        cells: list[int | str | None] = [mine.get(s, "") for s in sexes]
        counts = [c for c in mine.values()]
        total = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
        table.append(ParticipantRow(group.label, cells, total))
    return [s.label for s in sexes], table


def questions(*, user: Any, activity: Activity) -> QuerySet[QuestionAnswer]:
    return restrict(QuestionAnswer.objects.filter(activity=activity), user, "view")


def question_get(*, user: Any, activity: Activity, pk: int) -> QuestionAnswer | None:
    return questions(user=user, activity=activity).filter(pk=pk).first()


def faq_public() -> QuerySet[QuestionAnswer]:
    """Published questions and answers: public by the officer's decision (no personal data in them)."""
    return (
        QuestionAnswer.objects.filter(promoted_at__isnull=False)
        .select_related("activity__desa_binaan__desa")
        .order_by("-promoted_at", "-pk")
    )


def test_of(*, user: Any, activity: Activity) -> KnowledgeTest | None:
    return restrict(KnowledgeTest.objects.filter(activity=activity), user, "view").first()


def test_public(*, code: str) -> KnowledgeTest | None:
    """A test by its public code, for the no-account page."""
    return (
        KnowledgeTest.objects.select_related("activity__desa_binaan__desa").filter(code=code.upper()).first()
    )


def test_summary(*, user: Any, test: KnowledgeTest) -> stats.Summary:
    return _summary(list(restrict(TestResponse.objects.filter(test=test), user, "view")))


def _summary(sheets: list[TestResponse]) -> stats.Summary:
    """The figures of one test's sheets, in the order they were sent (the means add in that order)."""
    pre = [s.percent for s in sheets if s.phase == Phase.PRE]
    post = [s.percent for s in sheets if s.phase == Phase.POST]
    by_id = {s.pk: s for s in sheets}
    pairs = [
        (by_id[s.paired_with_id].percent, s.percent)
        for s in sheets
        if s.phase == Phase.POST and s.paired_with_id in by_id
    ]
    return stats.summarise(pre, post, pairs)


def village_over_time(*, user: Any, desa_binaan: DesaBinaan) -> list[tuple[Activity, stats.Summary]]:
    """Each activity of the village that has a test, oldest first, with its figures.

    Three queries whatever the number of activities: the activities, their tests and all the tests'
    sheets (each through ``restrict``); each test's figures come from its own sheets, as
    :func:`test_summary` computes them."""
    rows = list(activities(user=user, desa_binaan=desa_binaan).order_by("held_on", "pk"))
    sheets = Prefetch(
        "responses",
        queryset=restrict(TestResponse.objects.order_by("pk"), user, "view"),
        to_attr="visible_sheets",
    )
    tests = {
        test.activity_id: test
        for test in restrict(
            KnowledgeTest.objects.filter(activity__desa_binaan=desa_binaan), user, "view"
        ).prefetch_related(sheets)
    }
    return [
        (activity, _summary(tests[activity.pk].visible_sheets)) for activity in rows if activity.pk in tests
    ]


@dataclass(frozen=True)
class ShownItem:
    code: str
    text: str
    options: list[tuple[int, str]]  # (index in the bank, text), in a stable shuffled order


def _shuffle_key(code: str, index: int) -> str:
    return hashlib.sha256(f"{code}:{index}".encode()).hexdigest()


def items_for_display(test: KnowledgeTest) -> list[ShownItem]:
    """The test's questions in the current language, each item's options in a fixed shuffled order
    (the bank lists the right answer first)."""
    lang = "en" if (get_language() or "id").startswith("en") else "id"
    shown = []
    for item in test.ordered_items():
        order = sorted(range(len(item.options)), key=lambda i: _shuffle_key(item.code, i))
        shown.append(
            ShownItem(
                item.code,
                item.text_en if lang == "en" else item.text_id,
                [(i, item.options[i][lang]) for i in order],
            )
        )
    return shown


def bank_items() -> QuerySet[TestItem]:
    return TestItem.objects.filter(is_active=True)
