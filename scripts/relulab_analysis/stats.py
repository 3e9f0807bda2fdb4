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


def sign_flip_p(d):
    """Exact two-sided p of the paired sign-flip (permutation) test: the share
    of the 2^n sign assignments of the differences whose |mean| is at least
    the observed one. Its smallest value with n pairs is 2 / 2^n (5 pairs:
    0.0625), so it cannot call fewer than 6 pairs significant at 0.05."""
    d = np.asarray(d, dtype=float)
    n = len(d)
    observed = abs(d.mean())
    signs = np.array(np.meshgrid(*[[1.0, -1.0]] * n)).reshape(n, -1)
    means = np.abs((signs * d[:, None]).mean(axis=0))
    return float(np.mean(means >= observed - 1e-12 * max(1.0, observed)))


def paired_test(a, b):
    """Paired t-test of a against b (same seeds, in the same order).

    Returns (mean difference a - b, two-sided p). NaN with fewer than two
    pairs. When the differences have zero variance the t statistic is
    undefined: all zero gives p = 1; a constant non-zero shift gives the
    exact sign-flip p (2 / 2^n), never 0.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    mask = ~(np.isnan(a) | np.isnan(b))
    a, b = a[mask], b[mask]
    if len(a) < 2:
        return (float(np.mean(a - b)) if len(a) else math.nan), math.nan
    d = a - b
    if np.allclose(d, d[0], rtol=0, atol=1e-15):
        return float(d.mean()), (1.0 if d[0] == 0 else sign_flip_p(d))
    return float(d.mean()), float(stats.ttest_rel(a, b).pvalue)


def holm(pvalues):
    """Holm's step-down adjustment of a family of p-values (NaN left out and
    kept NaN): the i-th smallest of m becomes max over j <= i of
    min(1, (m - j + 1) p_(j)). Controls the family-wise error rate."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(len(p), math.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    running = 0.0
    for rank, i in enumerate(valid[np.argsort(p[valid], kind="stable")]):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


def wilson(k, n, z=1.959963984540054):
    """Wilson score interval (low, high) for k successes in n trials."""
    if n == 0:
        return math.nan, math.nan
    phat = k / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def verdict(difference, p, claim_sign, alpha=0.05):
    """Three outcomes for a claim that the difference has sign claim_sign
    (+1: a > b, -1: a < b), from a (corrected) p: 'holds', 'does not hold'
    (significant, the other way), or 'inconclusive' (p >= alpha or no test)."""
    if math.isnan(p) or p >= alpha:
        return "inconclusive"
    return "holds" if difference * claim_sign > 0 else "does not hold"


def format_mean_ci(mean, half, digits=4):
    if math.isnan(mean):
        return "–"
    if math.isnan(half):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half:.{digits}f}"
