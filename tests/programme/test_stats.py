"""The statistics against values computed by hand (docs/programme.md gives the formulas)."""

from __future__ import annotations

import pytest

from sigap.programme import stats


def test_paired_cohens_dz_by_hand() -> None:
    # d = 20, 20, 10: mean 16.667, sd √33.333 = 5.7735, d_z = 2.8868,
    # SE = √(1/3 + 2.8868²/6) = 1.3123, t(2; .975) = 4.3027.
    s = stats.paired_effect([40, 50, 60], [60, 70, 70])
    assert s.paired and s.n == 3
    assert s.mean_pre == pytest.approx(50) and s.mean_post == pytest.approx(66.6667, abs=1e-4)
    assert s.gain == pytest.approx(16.6667, abs=1e-4)
    assert s.gain_low == pytest.approx(2.3245, abs=1e-3) and s.gain_high == pytest.approx(31.0088, abs=1e-3)
    assert s.effect == pytest.approx(2.88675, abs=1e-4)
    assert s.effect_low == pytest.approx(0.31463, abs=1e-4)
    assert s.effect_high == pytest.approx(5.45887, abs=1e-4)


def test_unpaired_hedges_g_by_hand() -> None:
    # means 50 and 70, both sd 10, pooled 10, d = 2, J = 1 − 3/15 = 0.8, g = 1.6,
    # SE = √(6/9 + 1.6²/12) = 0.93808, t(4; .975) = 2.7764.
    s = stats.unpaired_effect([40, 50, 60], [60, 70, 80])
    assert not s.paired and s.n == 6
    assert s.gain == pytest.approx(20)
    assert s.gain_low == pytest.approx(-2.6696, abs=1e-3) and s.gain_high == pytest.approx(42.6696, abs=1e-3)
    assert s.effect == pytest.approx(1.6)
    assert s.effect_low == pytest.approx(-0.23860, abs=1e-4)
    assert s.effect_high == pytest.approx(3.43860, abs=1e-4)


def test_summarise_uses_pairs_when_there_are_two_or_more() -> None:
    s = stats.summarise([40, 50, 60, 30], [60, 70], [(40, 60), (50, 70)])
    assert s.paired and s.n == 2 and s.n_pre == 4 and s.n_post == 2
    assert s.mean_pre == pytest.approx(45) and s.gain == pytest.approx(20)
    assert s.effect is None  # every difference equal: sd 0, no effect size
    s = stats.summarise([40, 50, 60], [60, 70, 80], [(40, 60)])
    assert not s.paired and s.effect == pytest.approx(1.6)


def test_too_little_data_gives_no_interval() -> None:
    assert stats.summarise([], [], []).gain is None
    s = stats.summarise([50], [75], [])
    assert s.gain == 25 and s.gain_low is None and s.effect is None
    assert stats.summarise([50, 60], [], []).mean_post is None
