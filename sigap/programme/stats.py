"""Pre/post test statistics: pure functions, no Django (formulas in docs/programme.md).

Scores are percentages of correct answers. With paired sheets (a post sheet carrying the code its
pre sheet showed), the gain is the mean of the differences and the effect size Cohen's d_z; without
pairs, the gain is the difference of the means and the effect size Hedges' g. Confidence intervals are
95 %: the gain's from Student's t, the effect size's from the usual large-sample standard error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import t as student_t  # type: ignore[import-untyped]

Z95 = 1.959963984540054


def mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


def sd(xs: Sequence[float]) -> float:
    """Sample standard deviation (n − 1)."""
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def t95(df: int) -> float:
    return float(student_t.ppf(0.975, df))


@dataclass(frozen=True)
class Summary:
    n_pre: int
    n_post: int
    mean_pre: float | None
    mean_post: float | None
    paired: bool
    n: int  # pairs (paired) or n_pre + n_post (unpaired): what the effect size rests on
    gain: float | None
    gain_low: float | None = None
    gain_high: float | None = None
    effect: float | None = None  # d_z (paired) or Hedges' g (unpaired)
    effect_low: float | None = None
    effect_high: float | None = None

    @property
    def effect_name(self) -> str:
        return "d_z" if self.paired else "g"


def paired_effect(pre: Sequence[float], post: Sequence[float]) -> Summary:
    """Cohen's d_z = mean(d) / sd(d), d = post − pre; SE(d_z) = √(1/n + d_z²/(2n))."""
    n = len(pre)
    diffs = [b - a for a, b in zip(pre, post, strict=True)]
    gain = mean(diffs)
    if n < 2:
        return Summary(n, n, mean(pre), mean(post), True, n, gain)
    s = sd(diffs)
    half = t95(n - 1) * s / math.sqrt(n)
    if s == 0:
        return Summary(n, n, mean(pre), mean(post), True, n, gain, gain - half, gain + half)
    dz = gain / s
    se = math.sqrt(1 / n + dz * dz / (2 * n))
    return Summary(
        n, n, mean(pre), mean(post), True, n, gain, gain - half, gain + half, dz, dz - Z95 * se, dz + Z95 * se
    )


def unpaired_effect(pre: Sequence[float], post: Sequence[float]) -> Summary:
    """Hedges' g = J · (mean_post − mean_pre) / s_pooled, J = 1 − 3 / (4(n1 + n2) − 9);
    SE(g) = √((n1 + n2) / (n1 n2) + g² / (2 (n1 + n2)))."""
    n1, n2 = len(pre), len(post)
    m1 = mean(pre) if n1 else None
    m2 = mean(post) if n2 else None
    if m1 is None or m2 is None:
        return Summary(n1, n2, m1, m2, False, n1 + n2, None)
    gain = m2 - m1
    if n1 < 2 or n2 < 2:
        return Summary(n1, n2, m1, m2, False, n1 + n2, gain)
    df = n1 + n2 - 2
    pooled = math.sqrt(((n1 - 1) * sd(pre) ** 2 + (n2 - 1) * sd(post) ** 2) / df)
    half = t95(df) * pooled * math.sqrt(1 / n1 + 1 / n2)
    if pooled == 0:
        return Summary(n1, n2, m1, m2, False, n1 + n2, gain, gain - half, gain + half)
    j = 1 - 3 / (4 * (n1 + n2) - 9)
    g = j * gain / pooled
    se = math.sqrt((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
    return Summary(
        n1, n2, m1, m2, False, n1 + n2, gain, gain - half, gain + half, g, g - Z95 * se, g + Z95 * se
    )


def summarise(pre: Sequence[float], post: Sequence[float], pairs: Sequence[tuple[float, float]]) -> Summary:
    """The event's figures: means over every sheet; the gain and effect size from the pairs when
    there are at least two, else from the two groups of sheets."""
    if len(pairs) >= 2:
        paired = paired_effect([a for a, _b in pairs], [b for _a, b in pairs])
        return Summary(
            len(pre),
            len(post),
            mean(pre) if pre else None,
            mean(post) if post else None,
            True,
            paired.n,
            paired.gain,
            paired.gain_low,
            paired.gain_high,
            paired.effect,
            paired.effect_low,
            paired.effect_high,
        )
    return unpaired_effect(pre, post)
