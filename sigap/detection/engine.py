"""The analysis: cues → ILO/EC dimensions → risk, modus, entities and an explanation."""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import reduce
from itertools import chain, compress, repeat
from operator import eq, or_
from typing import Any, NamedTuple, cast

from sigap.detection.catalogue import Catalogue, Indicator, load_catalogue
from sigap.detection.entities import COUNTRY_INDEX, extract
from sigap.detection.model import RELEVANCE, LinearModel
from sigap.detection.normalise import Normalised, normalise
from sigap.detection.prefilter import Occurrences, PrefixIndex, literal_prefixes
from sigap.detection.timing import DEPARTURE_WORDS, TIME_WORDS, soonest_departure, within_hours
from sigap.detection.types import MODUS_CODES, NONE, Analysis, Entities, Hit

MAX_CHARS = 20_000  # longer texts are analysed on their first 20,000 characters
# Reports taken through each step together by analyze_many (see there). Longer runs of one step keep
# its patterns, automaton and weights in the processor's caches and share NumPy's fixed cost: 512 to
# 2,048 were fastest (about 1.15-1.2 times 64; docs/detection.md, "Performance"); the intermediate
# results of a batch take a few megabytes.
BATCH = 1024
NEGATION_WINDOW = 64  # characters before a cue searched for a negation (see catalogue.load_catalogue)
STRENGTH_POINTS = {"strong": 3.0, "medium": 2.0, "weak": 1.0}
RECRUITMENT = ("deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability")
DESTINATION = ("coercion_at_destination", "abuse_of_vulnerability_at_destination")
RISK_LEVELS = ("low", "medium", "high", "critical")
RISK_KEYS = tuple(f"risk:{level}" for level in RISK_LEVELS)  # the model's labels for them
EXPLOITED = frozenset({*DESTINATION, "exploitative_conditions"})  # dimensions of exploitation
KINDS = ("", "context", "legitimacy")  # a Hit's dimension field for cues other than indicators
AGE_CODES = frozenset({"minor_involved", "minor_age_stated"})
CHILD_HARM_CODES = frozenset({"child_taken_for_work", "baby_or_child_sale"})
#: Thresholds and weights, chosen by leave-one-writer-out cross-validation over the training splits
#: (``sigap evaluate --cv writers``; docs/detection.md gives the figures). The sealed test splits
#: played no part in choosing them.
RELEVANCE_THRESHOLD = 0.55  # P(relevant) from which a report with a named sign counts as relevant
UNCUED_THRESHOLD = 0.6  # the same, when no indicator fired but a context cue did
BARE_THRESHOLD = 0.7  # the same, when not even a context cue fired
VETO_THRESHOLD = 0.2  # below it, weak rule evidence alone does not make a report relevant
INFORMATION_VETO = 0.5  # below it, a report about the news or a question is not an incident
LAWFUL_VETO = 0.1  # below it, a report naming a lawful process is not raised by a strong sign
LAWFUL_MARGIN = 0.15  # added to the relevance threshold where a lawful process is named, no strong sign
INFORMATION_MARGIN = 0.15  # the same where a strong sign stands in a question, the news or a checked rumour
HIGH_SHARE = 0.4  # P(high) + P(critical) from which a relevant report is at least high
UNCUED_MAX_LEVEL = 2  # "critical" needs a named sign; the model alone goes up to "high"
RULE_WEIGHT = 0.05  # the rules' share in the modus score: a tie-break; the model decides the rest
MODEL_WEIGHT = 1 - RULE_WEIGHT
#: Legitimacy cues saying the text is about something else: a question, the news, an ordinary fraud.
NOT_AN_INCIDENT = frozenset({"general_information", "ordinary_fraud", "reporter_found_harmless"})
RISK_BANDS = {"low": (0.0, 24.9), "medium": (25.0, 49.9), "high": (50.0, 74.9), "critical": (75.0, 100.0)}
MODUS_LABEL = {
    "online_scam": "perekrutan ke sindikat penipuan/judi daring",
    "irregular_migrant_worker": "pekerja migran nonprosedural",
    "fishing_crew": "perekrutan ABK kapal perikanan",
    "fake_internship": "magang/program pelajar palsu",
    "forced_marriage": "pengantin pesanan/kawin kontrak",
    "sexual_exploitation": "eksploitasi seksual",
    "organ_trade": "perdagangan organ",
    "child_exploitation": "eksploitasi anak",
    "forced_labour_domestic": "kerja paksa dalam negeri",
    "people_smuggling": "penyelundupan manusia (TPPM)",
    "foreigner_concern": "orang asing mencurigakan",
}
RISK_LABEL = {"low": "rendah", "medium": "sedang", "high": "tinggi", "critical": "darurat"}


def cue_names(found: list[Any], context: list[Any], legitimacy: list[Any]) -> list[str]:
    """The names of the cues that fired, as the model sees them (features ``#code``)."""
    return (
        [i.code for i, _ in found] + [c.code for c, _ in context] + [f"legit:{c.code}" for c, _ in legitimacy]
    )


def dimension_positive(strengths: list[str]) -> bool:
    """ILO/EC Delphi rule: 2 strong, 1 strong + 1 other, 3 medium, or 2 medium + 1 weak."""
    s, m, w = strengths.count("strong"), strengths.count("medium"), strengths.count("weak")
    return s >= 2 or (s >= 1 and m + w >= 1) or m >= 3 or (m >= 2 and w >= 1)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while reports are analysed.

    An analysis makes no reference cycles (a test holds it), so the collector has nothing to find in
    what it allocates; everything is freed by reference counting as before. Yet the collector would
    run every 700 allocations, and each full pass walks every object the caller still holds, the
    analyses already returned among them: about a tenth of a stream's time (docs/detection.md,
    "Performance"). It is enabled again afterwards, even on an error, unless it was off before.
    The switch is process-wide: another thread may run with it off for a while (or turn it back on
    early); either way nothing is lost, a collection only comes later.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Plan(NamedTuple):
    """One catalogue pattern as cues() tries it."""

    group: int  # 0 indicators, 1 context, 2 legitimacy
    cue_key: tuple[int, int]  # (group, cue): the first pattern of a cue that matches counts
    cue: Any
    pattern: re.Pattern[str]
    starts: frozenset[str] | None  # the literals a match must start with (None: try everywhere)
    negatable: bool  # an indicator that a negation just before it cancels
    fields: tuple[str, str, str]  # the Hit's code, dimension (or kind of cue) and strength


def _expected_occurrences(literals: frozenset[str]) -> float:
    return sum(4.0 ** -len(literal) for literal in literals)


class Engine:
    def __init__(self, catalogue: Catalogue | None = None, model: LinearModel | bool | None = True) -> None:
        self.catalogue = catalogue or load_catalogue()
        self.model: LinearModel | None = (
            LinearModel.load() if model is True else (model if isinstance(model, LinearModel) else None)
        )
        self._groups: tuple[tuple[Any, ...], ...] = (
            self.catalogue.indicators,
            self.catalogue.context,
            self.catalogue.legitimacy,
        )
        required: dict[tuple[int, int, int], tuple[frozenset[str], ...]] = {}
        for g, members in enumerate(self._groups):
            for c, member in enumerate(members):
                patterns_groups: tuple[tuple[frozenset[str], ...], ...] = cast(Any, member).groups
                for k, groups in enumerate(patterns_groups):
                    required[(g, c, k)] = groups
        # Where a pattern must begin with one of a few literals, it is tried only where they occur.
        starts: dict[tuple[int, int, int], frozenset[str] | None] = {
            (g, c, k): literal_prefixes(pattern.pattern)
            for g, members in enumerate(self._groups)
            for c, member in enumerate(members)
            for k, pattern in enumerate(cast(Any, member).patterns)
        }
        # Patterns are numbered in (group, cue, pattern) order, so the candidates of a report sort
        # as plain ints; each plan holds what cues() needs, looked up here once, not per report.
        by_literal: dict[str, list[int]] = defaultdict(list)
        always: list[int] = []
        # The other groups of a pattern are checked as bits: each group one bit, each literal the
        # bits of the groups it is in, each pattern the bits of the groups it needs.
        group_bits: dict[frozenset[str], int] = {}
        literal_bits: dict[str, int] = defaultdict(int)
        needs: list[int] = []
        self._plans: list[_Plan] = []
        for number, key in enumerate(sorted(required)):
            g, c, k = key
            cue = self._groups[g][c]
            groups = required[key]
            # Index the pattern under the group least likely to occur (the others are checked once
            # it is reached), taking a literal one character shorter to be four times as common.
            indexed = min(groups, key=_expected_occurrences) if groups else frozenset()
            rest = list(groups)
            if groups:
                rest.remove(indexed)
            for group in rest:
                if group not in group_bits:
                    group_bits[group] = 1 << len(group_bits)
                    for literal in group:
                        literal_bits[literal] |= group_bits[group]
            needs.append(reduce(or_, (group_bits[group] for group in rest), 0))
            if isinstance(cue, Indicator):  # group 0
                negatable, fields = cue.negatable, (cue.code, cue.dimension, cue.strength)
            else:
                negatable, fields = False, (cue.code, KINDS[g], "")
            self._plans.append(_Plan(g, (g, c), cue, cue.patterns[k], starts[key], negatable, fields))
            if not groups:
                always.append(number)
            for literal in indexed:
                by_literal[literal].append(number)
        self._by_literal = {literal: tuple(numbers) for literal, numbers in by_literal.items()}
        self._always = tuple(always)
        self._literal_bits = dict(literal_bits)
        self._needs = tuple(needs)
        literals = {lit for groups in required.values() for options in groups for lit in options}
        literals |= {lit for options in starts.values() if options for lit in options}
        # The same scan finds the country names, the departure words and the dates (see analyze()).
        self._index = PrefixIndex(frozenset(literals) | COUNTRY_INDEX.words | DEPARTURE_WORDS | TIME_WORDS)

    # -- cues ---------------------------------------------------------------------------------
    def _negated(self, text: str, start: int) -> bool:
        """Whether a negation stands in the clause just before ``start`` (see catalogue.load_catalogue)."""
        return self.catalogue.negation.search(text, max(0, start - NEGATION_WINDOW), start) is not None

    @staticmethod
    def _matches_at(pattern: re.Pattern[str], text: str, positions: list[int]) -> Iterator[re.Match[str]]:
        """What ``pattern.finditer(text)`` yields, trying only the positions where a match can start."""
        resume = 0
        for position in positions:
            if position < resume:
                continue
            match = pattern.match(text, position)
            if match is not None:
                yield match
                resume = max(match.end(), position + 1)

    def cues(
        self, norm: Normalised, occurrences: Occurrences | None = None
    ) -> tuple[list[tuple[Indicator, Hit]], list[Any], list[Any]]:
        """Indicators, context cues and legitimacy cues found in a normalised text.

        Only patterns whose literal start occurs in the text are run (see ``prefilter``); for each
        cue the first pattern that matches (and, for a negatable indicator, is not negated) counts.
        ``occurrences``: ``self._index.occurrences(norm.text)``, if already found.
        """
        text = norm.text
        if occurrences is None:
            occurrences = self._index.occurrences(text)
        reached = tuple(set(chain.from_iterable(filter(None, map(self._by_literal.get, occurrences)))))
        # A reached pattern is a candidate if each of its other groups has a literal in the text:
        # if the bits it needs are all among those of the literals present (checked in C).
        found_bits = reduce(or_, map(self._literal_bits.get, occurrences, repeat(0)), 0)
        needs = list(map(self._needs.__getitem__, reached))
        candidates = sorted(
            chain(self._always, compress(reached, map(eq, map(found_bits.__and__, needs), needs)))
        )
        plans = self._plans
        results: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
        done: set[tuple[int, int]] = set()
        for number in candidates:
            g, cue_key, cue, pattern, starts, negatable, fields = plans[number]
            if cue_key in done:
                continue
            if starts is None:
                matches: Iterator[re.Match[str]] = pattern.finditer(text)
            else:
                lists = [occurrences[literal] for literal in starts.intersection(occurrences.literals)]
                # One literal's positions are already ascending; several are merged.
                positions = lists[0] if len(lists) == 1 else sorted({p for ps in lists for p in ps})
                matches = self._matches_at(pattern, text, positions)
            for match in matches:
                start, end = match.span()
                if end > start and not (negatable and self._negated(text, start)):
                    break
            else:
                continue
            # "ngaku P3MI resmi": a claimed legitimacy is no legitimacy.
            if g == 2 and self.catalogue.doubt.search(text, max(0, start - 32), start):
                continue
            done.add(cue_key)
            results[g].append((cue, Hit(*fields, *norm.evidence(start, end))))
        return results

    # -- the analysis -------------------------------------------------------------------------
    def analyze(self, text: str, *, id: Any = None, now: datetime | None = None) -> Analysis:
        return self.analyze_many([text], ids=[id], now=now)[0]

    def analyze_many(
        self,
        texts: Iterable[str],
        *,
        ids: Iterable[Any] | None = None,
        now: datetime | None = None,
        times: Iterable[datetime | None] | None = None,
    ) -> list[Analysis]:
        """Analyse many reports: the same analysis as ``analyze`` gives each one, to the last digit.

        ``now`` is the time of every report; ``times``, one time per report instead (relative dates
        are resolved against it). Each step runs over a batch of up to ``BATCH`` reports before the
        next begins, so the patterns, tables and weights a step reads stay in the processor's caches,
        and the model's arithmetic is done for the whole batch at once: many reports go through about
        1.5 times as fast as with ``analyze`` one at a time (docs/detection.md, "Performance").
        """
        if isinstance(texts, str):
            raise TypeError("analyze_many takes a list of texts; for one text, call analyze")
        texts = [text if isinstance(text, str) else str(text) for text in texts]
        ids = list(ids) if ids is not None else [None] * len(texts)
        if times is None:
            times = [now] * len(texts)
        elif now is not None:
            raise ValueError("give now (one time for all) or times (one per report), not both")
        times = list(times)
        if not len(ids) == len(times) == len(texts):
            raise ValueError(f"{len(ids)} ids and {len(times)} times for {len(texts)} texts")
        results: list[Analysis] = []
        with _collector_paused():
            for begin in range(0, len(texts), BATCH):
                end = begin + BATCH
                results += self._analyze_batch(texts[begin:end], ids[begin:end], times[begin:end])
        return results

    def _analyze_batch(
        self, texts: list[str], ids: list[Any], times: list[datetime | None]
    ) -> list[Analysis]:
        norms = [normalise(text[:MAX_CHARS]) for text in texts]
        # One Aho-Corasick scan of each text serves the cues, the departure words and the countries.
        occurrences = list(map(self._index.occurrences, [norm.text for norm in norms]))
        cues = list(map(self.cues, norms, occurrences))
        departures = list(map(soonest_departure, norms, times, occurrences))
        if self.model is not None:
            probabilities = self.model.probabilities(
                [(n.text, cue_names(*c)) for n, c in zip(norms, cues, strict=True)]
            )
        else:
            probabilities = [{} for _ in texts]
        entities = list(map(extract, norms, occurrences))
        return list(map(self._conclude, ids, cues, departures, probabilities, entities))

    def _conclude(
        self,
        id: Any,
        cues: tuple[list[tuple[Indicator, Hit]], list[Any], list[Any]],
        departure: tuple[int, int, int] | None,
        probabilities: dict[str, float],
        entities: Entities,
    ) -> Analysis:
        """One report's analysis from what the steps found in it."""
        found, context, legitimacy = cues
        urgent = departure is not None and within_hours(departure[0])

        by_dimension: dict[str, list[str]] = defaultdict(list)
        flags: set[str] = set()
        for indicator, _hit in found:
            by_dimension[indicator.dimension].append(indicator.strength)
            flags |= indicator.flags
        positive = {d for d, strengths in by_dimension.items() if dimension_positive(strengths)}
        strong = [i for i, _ in found if i.strength == "strong"]
        points = sum(STRENGTH_POINTS[i.strength] for i, _ in found)
        p_relevant = probabilities.get(RELEVANCE)

        rule_risk, states = self._risk(found, positive, strong, flags, urgent, points, legitimacy)
        risk = self._combine(
            rule_risk,
            probabilities,
            strong=bool(strong),
            danger="danger" in flags,
            cues=bool(found),
            context=bool(context),
            information=any(c.code in NOT_AN_INCIDENT for c, _ in legitimacy),
            lawful=bool(legitimacy),
        )
        relevant = risk != "low"
        modus = self._modus(found, context, probabilities) if relevant else [NONE]
        if relevant and modus == [NONE]:
            relevant, risk = False, "low"
        score = self._score(risk, points, p_relevant)
        if urgent:
            states.append("departure_within_72h")
        indicators = [hit for _i, hit in found]
        analysis = Analysis(
            id=id,
            relevant=relevant,
            modus=modus,
            risk=risk,
            score=score,
            indicators=indicators,
            entities=entities,
            explanation="",
            context=[hit for _c, hit in context] + [hit for _c, hit in legitimacy],
            flags=sorted(set(states) | flags),
            catalogue_version=self.catalogue.version,
            model_version=self.model.version if self.model else "",
        )
        analysis.explanation = explain(analysis, found, legitimacy)
        return analysis

    def _risk(
        self,
        found: list[tuple[Indicator, Hit]],
        positive: set[str],
        strong: list[Indicator],
        flags: set[str],
        urgent: bool,
        points: float,
        legitimacy: list[Any],
    ) -> tuple[str, list[str]]:
        """The risk the rules alone give, and the states behind it (ILO/EC Delphi logic)."""
        states: list[str] = []
        recruitment = not positive.isdisjoint(RECRUITMENT)
        destination = not positive.isdisjoint(DESTINATION)
        exploitation = "exploitative_conditions" in positive or destination
        if recruitment and exploitation:
            states.append("tppo_indicated")
        elif recruitment:
            states.append("risk_of_tppo")
        if "smuggling" in positive:
            states.append("tppm_indicated")
        minor = "minor" in flags
        exploited = any(i.dimension in EXPLOITED for i, _ in found)
        child_harm = minor and (exploited or any(i.code in CHILD_HARM_CODES for i in strong))
        serious = recruitment or exploitation or "smuggling" in positive or bool(strong)

        if all(i.code in AGE_CODES for i, _ in found):
            # Nothing found, or only an age or a school named: context, not a sign.
            risk = "low"
        elif "danger" in flags or child_harm or (urgent and (serious or points >= 4)):
            risk = "critical"
        elif serious or (minor and points >= 4) or ("irregular" in flags and points >= 4) or points >= 6:
            risk = "high"
        elif points >= 2:
            risk = "medium"
        else:
            risk = "low"

        # Lawful-process cues pull an uncertain report down one level; they never hide danger.
        if legitimacy and risk in ("medium", "high") and not strong and "danger" not in flags:
            risk = "low" if risk == "medium" else "medium"
            states.append("legitimacy_cues")
        return risk, states

    @staticmethod
    def _combine(
        rule_risk: str,
        probabilities: dict[str, float],
        *,
        strong: bool,
        danger: bool,
        cues: bool,
        context: bool = True,
        information: bool = False,
        lawful: bool = False,
    ) -> str:
        """Rules and the trained model together.

        The model sees the whole wording (and the cues that fired), so it catches what no pattern
        names; the rules keep their floor for what must never be missed (a person in danger, strong
        signs). Where the model is confident the report is ordinary, weak rule evidence is dropped.
        """
        if not probabilities:
            return rule_risk
        p_relevant = probabilities.get(RELEVANCE, 0.5)
        risk_p = [probabilities.get(key, 0.0) for key in RISK_KEYS]
        # With no sign named in the text, the model alone must be surer before it raises a report.
        threshold = RELEVANCE_THRESHOLD if cues else (UNCUED_THRESHOLD if context else BARE_THRESHOLD)
        # A report that names a lawful process needs more to be raised; one that says it is a question,
        # the news, an ordinary fraud or a checked rumour needs more even where a strong word fired.
        threshold += max(
            LAWFUL_MARGIN if lawful and not strong else 0.0, INFORMATION_MARGIN if information else 0.0
        )
        relevant = p_relevant >= threshold
        model_level = max(range(4), key=risk_p.__getitem__) if relevant else 0
        if relevant and model_level < 2 and risk_p[2] + risk_p[3] >= HIGH_SHARE:
            model_level = 2  # high and critical together outweigh the rest: missing them costs more
        if not cues:
            # With no sign named in the text, the model alone raises at most to UNCUED_MAX_LEVEL.
            model_level = min(model_level, UNCUED_MAX_LEVEL)
        rule_level = RISK_LEVELS.index(rule_risk)
        if p_relevant < VETO_THRESHOLD and not strong and not danger:
            rule_level = 0
        if information and p_relevant < INFORMATION_VETO:
            rule_level = 0  # a question about the news, not something that happened to someone
        if lawful and p_relevant < LAWFUL_VETO and not danger:
            rule_level = 0  # a lawful process the model is sure of: a stray strong word is not a sign
        level = max(rule_level, model_level)
        if relevant and level == 0:
            level = 1
        return RISK_LEVELS[level]

    def _modus(
        self, found: list[tuple[Indicator, Hit]], context: list[Any], probabilities: dict[str, float]
    ) -> list[str]:
        votes: dict[str, float] = defaultdict(float)
        for indicator, _hit in found:
            share = STRENGTH_POINTS[indicator.strength] / max(1, len(indicator.modus))
            for position, code in enumerate(indicator.modus):
                votes[code] += share * (1.0 if position == 0 else 0.8)
        for cue, _hit in context:
            for code in cue.modus:
                votes[code] += 0.75
        top_vote = max(votes.values(), default=0.0) or 1.0
        # A code without votes scores its model part alone (RULE_WEIGHT * 0.0 adds nothing: the
        # same float); the few codes with votes then take both parts.
        scores = {
            code: 0.0 if model is None else MODEL_WEIGHT * model
            for code, model in zip(MODUS_CODES, map(probabilities.get, MODUS_CODES), strict=True)
        }
        for code, vote in votes.items():
            rule = vote / top_vote
            model = probabilities.get(code)
            scores[code] = rule if model is None else RULE_WEIGHT * rule + MODEL_WEIGHT * model
        best = max(scores.values())
        if best <= 0.0:
            return [NONE]
        floor = max(0.35, 0.6 * best)
        # Highest score first; equal scores keep the order of MODUS_CODES (the order of `scores`;
        # sorting is stable).
        ranked = sorted(
            [c for c, score in scores.items() if score >= floor], key=scores.__getitem__, reverse=True
        ) or [max(MODUS_CODES, key=scores.__getitem__)]
        if ranked[0] == "child_exploitation" and any(
            indicator.modus == ("sexual_exploitation",) for indicator, _hit in found
        ):
            # TAXONOMY.md: the sexual exploitation of a child is `sexual_exploitation`;
            # `child_exploitation` is the non-sexual kind (it stays second: a child is involved).
            ranked = ["sexual_exploitation"] + [c for c in ranked if c != "sexual_exploitation"]
        return ranked[:3]

    @staticmethod
    def _score(risk: str, points: float, p_relevant: float | None) -> float:
        low, high = RISK_BANDS[risk]
        strength = min(1.0, points / 12.0)
        if p_relevant is not None:
            strength = 0.6 * strength + 0.4 * p_relevant
        return round(low + (high - low) * strength, 1)


def explain(analysis: Analysis, found: list[tuple[Indicator, Hit]], legitimacy: list[Any]) -> str:
    """One or two Indonesian sentences an officer can read aloud."""
    if not analysis.relevant:
        if legitimacy:
            return (
                "Tidak ditemukan tanda TPPO/TPPM; laporan menyebut proses yang resmi ("
                + legitimacy[0][0].label
                + ")."
            )
        return "Tidak ditemukan tanda TPPO/TPPM yang jelas dalam laporan ini."
    ordered = sorted(found, key=lambda pair: -STRENGTH_POINTS[pair[0].strength])
    signs = [indicator.label for indicator, _ in ordered[:3]]
    if len(signs) > 1:
        listed = ", ".join(signs[:-1]) + " dan " + signs[-1]
    else:
        listed = signs[0] if signs else "beberapa tanda"
    modus = MODUS_LABEL.get(analysis.modus[0], analysis.modus[0])
    first = f"Risiko {RISK_LABEL[analysis.risk]}, dugaan {modus}: {listed}."
    if "departure_within_72h" in analysis.flags and analysis.risk == "critical":
        second = " Keberangkatan dalam 72 jam: segera hubungi PIMPASA piket dan Polres/Satgas TPPO."
    elif "danger" in analysis.flags:
        second = " Ada orang dalam bahaya saat ini: segera hubungi PIMPASA piket dan Polres/Satgas TPPO."
    elif "minor" in analysis.flags:
        second = " Korban masih anak: libatkan UPTD PPA."
    else:
        second = ""
    return first + second


_ENGINE: Engine | None = None


def get_engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine()
    return _ENGINE


def analyze(text: str, *, id: Any = None, now: datetime | None = None) -> Analysis:
    """Analyse one report. ``now`` is the report time (relative dates are resolved against it)."""
    return get_engine().analyze(text, id=id, now=now)


def analyze_many(
    texts: Iterable[str],
    *,
    ids: Iterable[Any] | None = None,
    now: datetime | None = None,
    times: Iterable[datetime | None] | None = None,
) -> list[Analysis]:
    """Analyse many reports at once (see ``Engine.analyze_many``); each result is what ``analyze``
    gives that report."""
    return get_engine().analyze_many(texts, ids=ids, now=now, times=times)
