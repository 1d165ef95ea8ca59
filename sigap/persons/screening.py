"""The structured screening: the checklist (``data/screening_checklist.toml``) and its risk rule.

Pure Python, no database. A dimension is positive by the ILO/EC Delphi rule the detection engine
uses (``sigap.detection.engine.dimension_positive``: 2 strong, 1 strong + 1 other, 3 medium, or
2 medium + 1 weak "yes" answers); the risk follows the same levels as the engine's rules
(TAXONOMY.md): *critical* when a person may be in danger now (a "danger" question answered yes, a
minor with exploitation, or departure within ~72 hours with serious indicators), *high* on a
positive dimension or a strong indicator, *medium* from two points of evidence, *low* otherwise.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sigap.detection.engine import DESTINATION, RECRUITMENT, STRENGTH_POINTS, dimension_positive

CHECKLIST_PATH = Path(__file__).parent / "data" / "screening_checklist.toml"
ANSWERS = ("yes", "no", "unknown")
FLAGS = ("minor", "danger", "urgent", "irregular")

#: The dimensions in the order the form shows them, with their labels.
DIMENSIONS: dict[str, object] = {
    "deceptive_recruitment": _("Deceptive recruitment"),
    "coercive_recruitment": _("Coercive recruitment"),
    "recruitment_abuse_of_vulnerability": _("Recruitment by abuse of vulnerability"),
    "exploitative_conditions": _("Exploitative conditions of work"),
    "coercion_at_destination": _("Coercion at destination"),
    "abuse_of_vulnerability_at_destination": _("Abuse of vulnerability at destination"),
    "smuggling": _("People smuggling"),
    "vulnerability": _("Age and urgency"),
}


@dataclass(frozen=True)
class Question:
    code: str
    dimension: str
    strength: str  # strong | medium | weak | "" (context only)
    flag: str
    text_id: str
    text_en: str

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "id").startswith("en") else self.text_id


@dataclass(frozen=True)
class Checklist:
    version: str
    questions: tuple[Question, ...]

    def by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    def grouped(self) -> list[tuple[str, object, list[Question]]]:
        return [
            (dim, label, [q for q in self.questions if q.dimension == dim])
            for dim, label in DIMENSIONS.items()
            if any(q.dimension == dim for q in self.questions)
        ]


@dataclass(frozen=True)
class Result:
    positive_dimensions: list[str]
    flags: list[str]
    risk: str
    points: float


@lru_cache(maxsize=1)
def checklist() -> Checklist:
    data = tomllib.loads(CHECKLIST_PATH.read_text(encoding="utf-8"))
    questions = []
    for item in data["question"]:
        q = Question(
            code=item["code"],
            dimension=item["dimension"],
            strength=item.get("strength", ""),
            flag=item.get("flag", ""),
            text_id=item["id"],
            text_en=item["en"],
        )
        if (
            q.dimension not in DIMENSIONS
            or q.strength not in ("", *STRENGTH_POINTS)
            or q.flag not in ("", *FLAGS)
        ):
            raise ValueError(f"screening checklist: bad question {q.code!r}")
        questions.append(q)
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes):
        raise ValueError("screening checklist: duplicate question codes")
    return Checklist(version=str(data["version"]), questions=tuple(questions))


def evaluate(answers: dict[str, str], *, minor: bool = False) -> Result:
    """The positive dimensions, flags and risk of a set of answers (unknown codes are ignored)."""
    questions = checklist().by_code()
    yes = [questions[code] for code, answer in answers.items() if answer == "yes" and code in questions]
    flags = {q.flag for q in yes if q.flag}
    if minor:
        flags.add("minor")
    strengths: dict[str, list[str]] = {}
    for q in yes:
        if q.strength:
            strengths.setdefault(q.dimension, []).append(q.strength)
    positive = {dim for dim, found in strengths.items() if dimension_positive(found)}
    points = sum(STRENGTH_POINTS[q.strength] for q in yes if q.strength)
    strong = any(q.strength == "strong" for q in yes)

    recruitment = not positive.isdisjoint(RECRUITMENT)
    exploitation = "exploitative_conditions" in positive or not positive.isdisjoint(DESTINATION)
    exploited = any(q.dimension in (*DESTINATION, "exploitative_conditions") for q in yes if q.strength)
    serious = recruitment or exploitation or "smuggling" in positive or strong
    minor_flag = "minor" in flags
    if not yes and not minor:
        risk = "low"
    elif "danger" in flags or (minor_flag and exploited) or ("urgent" in flags and (serious or points >= 4)):
        risk = "critical"
    elif serious or (minor_flag and points >= 4) or ("irregular" in flags and points >= 4) or points >= 6:
        risk = "high"
    elif points >= 2:
        risk = "medium"
    else:
        risk = "low"
    order = list(DIMENSIONS)
    return Result(
        positive_dimensions=sorted(positive, key=order.index),
        flags=[f for f in FLAGS if f in flags],
        risk=risk,
        points=points,
    )
