"""Reading regions: search by name or code, lookup by code, children, the label from the province down."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sigap.regions.models import Region
from sigap.regions.selectors import (
    region_children,
    region_get,
    region_label,
    region_path,
    region_search,
)
from sigap.regions.services import regions_import_text

LONTAR = "36.04.13.2007"

# Other places called Lontar, outside Tirtayasa, that sort *before* 36.04.13.2007 by code: a
# kelurahan in Surabaya and a desa in Serang's neighbouring kabupaten; plus a name that merely
# contains "lontar".
OTHER_LONTARS = """35,Jawa Timur
35.78,Kota Surabaya
35.78.29,Sambikerep
35.78.29.1004,Lontar
36.03,Kabupaten Tangerang
36.03.01,Balaraja
36.03.01.2001,Lontar
36.04.12.2030,Pulo Lontar
"""


@pytest.fixture
def lontars(demo_world):
    report = regions_import_text(text=OTHER_LONTARS, code_version="test")
    assert report.errors == []
    return demo_world


def codes(regions: list[Region]) -> list[str]:
    return [r.code for r in regions]


def test_search_puts_the_kaders_own_lontar_first(lontars):
    kader = lontars["kader.lontar"]

    results = region_search(user=kader, query="lontar")

    assert results[0].code == LONTAR
    assert results[0].name == "Lontar"
    # Exact-name matches before names that merely contain "lontar".
    assert codes(results)[-1] == "36.04.12.2030"
    assert set(codes(results)) == {LONTAR, "35.78.29.1004", "36.03.01.2001", "36.04.12.2030"}


def test_search_ranks_nearer_lontars_before_farther_ones(lontars):
    results = region_search(user=lontars["kader.lontar"], query="LONTAR")

    # Own village, then same province (Banten), then elsewhere; the partial match last.
    assert codes(results) == [LONTAR, "36.03.01.2001", "35.78.29.1004", "36.04.12.2030"]


def test_search_for_a_national_user_is_by_code(lontars):
    results = region_search(user=lontars["pusat"], query="lontar")

    assert codes(results) == ["35.78.29.1004", "36.03.01.2001", LONTAR, "36.04.12.2030"]


def test_search_with_only_the_builtin_fixture(demo_world):
    results = region_search(user=demo_world["kader.lontar"], query="lontar")

    assert codes(results) == [LONTAR]


def test_search_by_code_prefix(demo_world):
    results = region_search(user=demo_world["kader.lontar"], query="36.04.13")

    assert len(results) == 15  # the kecamatan and its 14 desa
    assert codes(results)[0] == "36.04.13"
    assert codes(results)[1] == "36.04.13.2001"
    assert codes(results) == sorted(codes(results))
    assert all(r.code.startswith("36.04.13") for r in results)


def test_search_by_code_prefix_and_level(demo_world):
    results = region_search(user=demo_world["pusat"], query="36", level=2)

    assert codes(results) == ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]


def test_search_limit_and_level(demo_world):
    user = demo_world["pusat"]

    assert len(region_search(user=user, query="36.04", limit=5)) == 5
    assert codes(region_search(user=user, query="pontang", level=3)) == ["36.04.12"]
    assert codes(region_search(user=user, query="pontang", level=4)) == [
        "36.04.12.2001",
        "36.04.13.2004",
    ]


def test_search_blank_or_punctuation_only_query_finds_nothing(demo_world):
    user = demo_world["pusat"]

    assert region_search(user=user, query="   ") == []
    assert region_search(user=user, query="--") == []
    assert region_search(user=user, query="atlantis") == []


def test_search_folds_case_and_punctuation(demo_world):
    results = region_search(user=demo_world["pusat"], query="Alang Alang")

    assert codes(results) == ["36.04.13.2012"]
    assert results[0].name == "Alang-alang"


def test_search_for_anonymous_finds_nothing(demo_world):
    assert region_search(user=AnonymousUser(), query="lontar") == []


def test_region_get_returns_the_region_with_its_path(demo_world, django_assert_num_queries):
    region = region_get(user=demo_world["kader.lontar"], code=LONTAR)

    assert region is not None
    assert region.name == "Lontar"
    with django_assert_num_queries(0):  # the parents came with the region
        path = region_path(region)
    assert [r.code for r in path] == ["36", "36.04", "36.04.13", LONTAR]


@pytest.mark.parametrize("code", ["", "36.4", "36.04.13.207", "lontar", "36.04.13.2007.1", "' OR 1=1 --"])
def test_region_get_invalid_code_is_none(demo_world, code, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert region_get(user=demo_world["pusat"], code=code) is None


def test_region_get_unknown_code_is_none(demo_world):
    assert region_get(user=demo_world["pusat"], code="99.99") is None


def test_region_label(demo_world):
    region = region_get(user=demo_world["kader.lontar"], code=LONTAR)
    assert region is not None

    assert region_label(region) == "Desa Lontar, Kec. Tirtayasa, Kabupaten Serang, Banten"


def test_region_label_for_kabupaten_and_province(demo_world):
    user = demo_world["pusat"]
    serang = region_get(user=user, code="36.04")
    banten = region_get(user=user, code="36")
    assert serang is not None
    assert banten is not None

    assert region_label(serang) == "Kabupaten Serang, Banten"
    assert region_label(banten) == "Banten"


def test_region_children(demo_world):
    user = demo_world["kader.lontar"]
    tirtayasa = Region.objects.get(code="36.04.13")

    assert region_children(user=user, region=tirtayasa).count() == 14
    assert list(region_children(user=user, region=None).values_list("code", flat=True)) == ["36"]
