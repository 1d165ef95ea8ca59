"""Territory arithmetic on Kemendagri codes.

A region code is hierarchical: ``36`` (province) ⊃ ``36.04`` (kabupaten/kota) ⊃ ``36.04.13``
(kecamatan) ⊃ ``36.04.13.2007`` (desa/kelurahan). "Inside a scope" is therefore "equal to the scope
code, or starting with the scope code and a dot". We express the prefix test as a half-open range
(``code > "36.04."`` and ``code < "36.04/"``; ``/`` is the character after ``.``) so that a plain
B-tree index on the code serves it on SQLite and PostgreSQL alike, with no LIKE and no join.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Q

#: A filter that matches no row (an empty ``IN`` list compiles to "nothing" in Django).
NOTHING = Q(pk__in=[])

CODE_RE = re.compile(r"\A[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?\Z")


def is_valid_code(code: str) -> bool:
    return bool(CODE_RE.match(code))


def level_of(code: str) -> int:
    """1 = province, 2 = kabupaten/kota, 3 = kecamatan, 4 = desa/kelurahan."""
    return code.count(".") + 1


def parent_code(code: str) -> str | None:
    head, sep, _ = code.rpartition(".")
    return head if sep else None


def ancestor_codes(code: str) -> list[str]:
    """The code itself and every code above it, widest first: 36, 36.04, 36.04.13, 36.04.13.2007."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def within_q(field: str, codes: Iterable[str]) -> Q:
    """Rows whose ``field`` (a region code or region FK) lies inside any of ``codes``."""
    q = NOTHING
    for code in codes:
        q |= Q(**{field: code}) | Q(**{f"{field}__gt": code + ".", f"{field}__lt": code + "/"})
    return q


def overlaps_q(field: str, codes: Iterable[str]) -> Q:
    """Rows whose region lies inside one of ``codes`` or contains one of them (an ancestor)."""
    codes = list(codes)
    ancestors = {a for code in codes for a in ancestor_codes(code)}
    q = within_q(field, codes)
    if ancestors:
        q |= Q(**{f"{field}__in": sorted(ancestors)})
    return q
