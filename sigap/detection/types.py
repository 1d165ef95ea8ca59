"""The typed result of an analysis and its record form (TAXONOMY.md, "The analysis record")."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

MODUS_CODES = (
    "online_scam",
    "irregular_migrant_worker",
    "fishing_crew",
    "fake_internship",
    "forced_marriage",
    "sexual_exploitation",
    "organ_trade",
    "child_exploitation",
    "forced_labour_domestic",
    "people_smuggling",
    "foreigner_concern",
)
NONE = "none"
RISK_LEVELS = ("low", "medium", "high", "critical")
DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_abuse_of_vulnerability",
    "exploitative_conditions",
    "coercion_at_destination",
    "abuse_of_vulnerability_at_destination",
    "smuggling",
    "vulnerability",
)
STRENGTHS = ("weak", "medium", "strong")


@dataclass(frozen=True)
class Hit:
    """One indicator (or context cue) found in the text, pointing into the original string."""

    code: str
    dimension: str
    strength: str
    evidence: str
    start: int
    end: int


@dataclass
class Entities:
    phones: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    money_idr: list[int] = field(default_factory=list)


# The record form of a Hit and of Entities, as dataclasses.asdict would give them (a test holds
# them to it) at about a quarter of its cost: every field is a str, an int or a list of them, so a copy of
# each list is a deep copy.
_HIT_FIELDS = tuple(f.name for f in fields(Hit))
_ENTITY_FIELDS = tuple(f.name for f in fields(Entities))
_hit_values = attrgetter(*_HIT_FIELDS)
_entity_values = attrgetter(*_ENTITY_FIELDS)


def _hit_records(hits: list[Hit]) -> list[dict[str, Any]]:
    return [dict(zip(_HIT_FIELDS, _hit_values(hit), strict=True)) for hit in hits]


@dataclass
class Analysis:
    id: Any
    relevant: bool
    modus: list[str]
    risk: str
    score: float
    indicators: list[Hit]
    entities: Entities
    explanation: str
    context: list[Hit] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    catalogue_version: str = ""
    model_version: str = ""

    def to_record(self) -> dict[str, Any]:
        """The analysis record exactly as TAXONOMY.md specifies, plus a few documented extras."""
        return {
            "id": self.id,
            "relevant": self.relevant,
            "modus": list(self.modus),
            "risk": self.risk,
            "score": self.score,
            "indicators": _hit_records(self.indicators),
            "entities": {
                name: list(values)
                for name, values in zip(_ENTITY_FIELDS, _entity_values(self.entities), strict=True)
            },
            "explanation": self.explanation,
            "context": _hit_records(self.context),
            "flags": list(self.flags),
            "versions": {"catalogue": self.catalogue_version, "model": self.model_version},
        }
