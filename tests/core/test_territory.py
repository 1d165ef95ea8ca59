"""Territory arithmetic on Kemendagri codes: pure helpers, and the Q filters on real Region rows."""

from __future__ import annotations

import pytest

from sigap.core.territory import (
    ancestor_codes,
    is_valid_code,
    level_of,
    overlaps_q,
    parent_code,
    within_q,
)
from sigap.regions.models import Region, kind_for

# Real codes plus neighbours a naive ``startswith`` would confuse with them. Codes such as
# "36.041" and "361" are not valid Kemendagri codes; they are inserted directly to prove the
# range filter stops exactly at the dot.
ROWS = [
    ("36", "Banten"),
    ("36.04", "Kabupaten Serang"),
    ("36.04.12", "Pontang"),
    ("36.04.12.2001", "Pontang"),
    ("36.04.13", "Tirtayasa"),
    ("36.04.13.2007", "Lontar"),
    ("36.04.13.2008", "Susukan"),
    ("36.041", "Neighbour sharing the 36.04 prefix"),
    ("36.041.13", "Child of the neighbour"),
    ("36.1", "Short sibling code"),
    ("36.10", "Sibling starting like 36.1"),
    ("36.71", "Kota Tangerang"),
    ("361", "Neighbour sharing the 36 prefix"),
    ("37", "Another province"),
    ("37.04.13.2007", "Same tail, other province"),
]


@pytest.fixture
def regions(db):
    known: set[str] = set()
    for code, name in ROWS:
        parent = parent_code(code)
        Region.objects.create(
            code=code,
            name=name,
            level=code.count(".") + 1,
            kind=kind_for(code) if is_valid_code(code) else "desa",
            parent_id=parent if parent in known else None,
            code_version="test",
        )
        known.add(code)


def codes_within(*scope: str) -> list[str]:
    return list(
        Region.objects.filter(within_q("code", scope)).order_by("code").values_list("code", flat=True)
    )


def codes_overlapping(*scope: str) -> list[str]:
    return list(
        Region.objects.filter(overlaps_q("code", scope)).order_by("code").values_list("code", flat=True)
    )


@pytest.mark.parametrize(
    "code",
    ["36", "36.04", "36.04.13", "36.04.13.2007", "11.01.01.2001", "94.71.09.1001"],
)
def test_is_valid_code_accepts_every_level(code):
    assert is_valid_code(code) is True


@pytest.mark.parametrize(
    "code",
    [
        "",
        "3",
        "360",
        "36.",
        "36.4",
        "36.004",
        "36.04.1",
        "36.04.13.207",
        "36.04.13.20077",
        "36.04.13.2007.01",
        "36-04",
        "36.04.13 ",
        " 36",
        "ab.cd",
        "36..04",
        "36.04.13.2007x",
    ],
)
def test_is_valid_code_rejects_malformed(code):
    assert is_valid_code(code) is False


@pytest.mark.parametrize("code", ["36.04\n", "36\n", "\u0663\u0666.\u0660\u0664", "\uff13\uff16"])
def test_is_valid_code_rejects_newline_and_non_ascii_digits(code):
    assert is_valid_code(code) is False


def test_level_of():
    assert [level_of(c) for c in ("36", "36.04", "36.04.13", "36.04.13.2007")] == [1, 2, 3, 4]


def test_parent_code():
    assert parent_code("36.04.13.2007") == "36.04.13"
    assert parent_code("36.04.13") == "36.04"
    assert parent_code("36.04") == "36"
    assert parent_code("36") is None


def test_ancestor_codes_widest_first_including_itself():
    assert ancestor_codes("36.04.13.2007") == ["36", "36.04", "36.04.13", "36.04.13.2007"]
    assert ancestor_codes("36") == ["36"]


def test_within_kabupaten_contains_its_units_and_nothing_else(regions):
    assert codes_within("36.04") == [
        "36.04",
        "36.04.12",
        "36.04.12.2001",
        "36.04.13",
        "36.04.13.2007",
        "36.04.13.2008",
    ]


def test_within_excludes_prefix_neighbours(regions):
    inside = codes_within("36.04")
    assert "36.041" not in inside
    assert "36.041.13" not in inside
    # The province covers its real units but not "361", which merely starts with "36".
    assert "361" not in codes_within("36")
    assert "37.04.13.2007" not in codes_within("36")


def test_within_short_code_does_not_match_longer_siblings(regions):
    assert codes_within("36.1") == ["36.1"]


def test_within_village_is_the_village_alone(regions):
    assert codes_within("36.04.13.2007") == ["36.04.13.2007"]


def test_within_several_scopes_is_their_union(regions):
    assert codes_within("36.04.12", "36.71") == ["36.04.12", "36.04.12.2001", "36.71"]


def test_within_empty_scope_matches_nothing(regions):
    assert Region.objects.count() == len(ROWS)
    assert codes_within() == []
    assert codes_overlapping() == []


def test_within_unknown_code_matches_nothing(regions):
    assert codes_within("99") == []


def test_overlaps_adds_ancestors_but_not_their_other_children(regions):
    assert codes_overlapping("36.04.13") == ["36", "36.04", "36.04.13", "36.04.13.2007", "36.04.13.2008"]


def test_overlaps_village_scope_is_the_village_and_its_ancestors(regions):
    assert codes_overlapping("36.04.13.2007") == ["36", "36.04", "36.04.13", "36.04.13.2007"]


def test_within_works_through_a_foreign_key(regions):
    # "parent" is a region FK: the children of anything inside Tirtayasa, i.e. its desa.
    children = Region.objects.filter(within_q("parent", ["36.04.13"])).values_list("code", flat=True)
    assert sorted(children) == ["36.04.13.2007", "36.04.13.2008"]
