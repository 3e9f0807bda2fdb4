"""The statistics of the comparison tables, each small enough to check by hand."""
import math

import numpy as np
from scipy import stats


def mean_ci95(values):
    """(mean, half-width of the two-sided 95% t confidence interval).

    The half-width is NaN with fewer than two values.
    """
    x = np.asarray([v for v in values if not (isinstance(v, float) and math.isnan(v))], dtype=float)
    if len(x) == 0:
        return math.nan, math.nan
    if len(x) < 2:
        return float(x.mean()), math.nan
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean()), float(half)


def paired_test(a, b):
    """Paired t-test of a against b (same seeds, in the same order).

    Returns (mean difference a - b, two-sided p). p is 1.0 when the
    differences are all equal to 0, NaN with fewer than two pairs.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    mask = ~(np.isnan(a) | np.isnan(b))
    a, b = a[mask], b[mask]
    if len(a) < 2:
        return (float(np.mean(a - b)) if len(a) else math.nan), math.nan
    d = a - b
    if np.allclose(d, d[0]):
        # Constant differences: zero variance. Equal -> no evidence; a
        # constant non-zero shift -> certain.
        return float(d.mean()), (1.0 if d[0] == 0 else 0.0)
    return float(d.mean()), float(stats.ttest_rel(a, b).pvalue)


def verdict(difference, p, claim_sign, alpha=0.05):
    """'holds', 'does not hold' or 'not significant' for a claim that the
    difference has sign claim_sign (+1: a > b, -1: a < b)."""
    if math.isnan(p) or p >= alpha:
        return "not significant"
    return "holds" if difference * claim_sign > 0 else "does not hold"


def format_mean_ci(mean, half, digits=4):
    if math.isnan(mean):
        return "–"
    if math.isnan(half):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half:.{digits}f}"
